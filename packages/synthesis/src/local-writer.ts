// The local provider's writer: a deterministic French synthesis built from the
// scores, the profile, the student, the retrieved chunks and the coach's
// instructions. Pure. Phrasings vary by a seeded hash of the input (see
// seeded-choice.ts) so that the same bilan always reads the same, while
// different domains and students do not all read alike.
import { niveauLabels } from "@nexus/shared/domain";
import type { DomainScore, PedagogicalProfile, ProfileDimension } from "@nexus/shared/results";
import type { Synthesis } from "@nexus/shared/synthesis";
import type { OfferSuggestion, RetrievedChunk, SynthesisInput } from "./contracts";
import { strongDomains, weakDomains } from "./domain-status";
import {
  capitalize,
  elide,
  formatHours,
  formatPercent,
  joinList,
  NBSP,
  normalizeForMatch,
  quote,
} from "./french";
import {
  activityPhrases,
  closingSentences,
  type DomainWords,
  defaultHabits,
  issuePriority,
  methodTips,
  overallPhrases,
  type PlanPhase,
  phaseObjectives,
  profileAsset,
  profileIssue,
  profileRecommendations,
  recommendationOpeners,
  recommendationTitles,
  strengthPhrases,
  subjectWords,
  traitParaphrases,
  weaknessPhrases,
} from "./local-phrases";
import { type Chooser, createChooser } from "./seeded-choice";
import { planSize, weeksFromInstructions } from "./study-plan";

const MAX_DOMAIN_RECOMMENDATIONS = 4;
const MAX_CITED_CHUNKS = 2;

function words(d: DomainScore): DomainWords {
  return { L: quote(d.label), P: formatPercent(d.percent) };
}

function withPercent(d: DomainScore): string {
  return `${quote(d.label)} (${formatPercent(d.percent)})`;
}

/** "le domaine « A » (40 %)" or "les domaines « A » (40 %) et « B » (52 %)". */
function domainGroup(ds: DomainScore[], percents = true): string {
  const items = ds.map((d) => (percents ? withPercent(d) : quote(d.label)));
  return ds.length === 1 ? `le domaine ${items[0]}` : `les domaines ${joinList(items)}`;
}

export interface CoachIntent {
  focusDomainIds: string[];
  weeks?: number;
  concise: boolean;
  profileFocus?: ProfileDimension;
  /** The instructions without figures or template marks, safe to quote. */
  note?: string;
}

const dimensionKeywords: [ProfileDimension, RegExp][] = [
  ["stress", /stress|anxi/],
  ["organisation", /organis|planning/],
  ["methodes", /methode/],
  ["motivation", /motiv/],
  ["autonomie", /autonom/],
];

/**
 * What the local writer can honour in free-text coach instructions: domains to
 * put first, a plan length, a shorter text, a profile topic, and the note itself
 * (figures removed so that quoting it can never break grounding).
 */
export function readCoachInstructions(
  instructions: string | undefined,
  domains: DomainScore[],
): CoachIntent {
  const text = instructions?.trim() ?? "";
  const normalized = normalizeForMatch(text);
  const focusDomainIds = domains
    .filter((d) => [d.label, d.domainId].some((x) => normalized.includes(normalizeForMatch(x))))
    .map((d) => d.domainId);
  const note = text
    .replace(/\{\{|\}\}/g, "")
    .replace(/\d+(?:[.,]\d+)?\s*(?:%|pour\s*cents?|\/\s*\d+|sur\s+\d+)/giu, "")
    .replace(/\s+/g, " ")
    .replace(/\s+([,.;:!?])/g, "$1")
    .trim()
    .replace(/[.;:!?,]+$/u, "");
  const typographic = note.replace(/'/g, "’");
  const lowered = /^\p{Lu}\p{Ll}/u.test(typographic)
    ? typographic.charAt(0).toLocaleLowerCase("fr-FR") + typographic.slice(1)
    : typographic;
  const clipped =
    lowered.length > 240 ? `${lowered.slice(0, 240).replace(/\s+\S*$/u, "")}…` : lowered;
  return {
    focusDomainIds,
    weeks: weeksFromInstructions(text),
    concise: /\b(court|courte|concis|concise|bref|breve|synthetique)\b/.test(normalized),
    profileFocus: dimensionKeywords.find(([, re]) => re.test(normalized))?.[0],
    note: clipped.length > 0 ? clipped : undefined,
  };
}

function profileIssues(profile: PedagogicalProfile): PedagogicalProfile["dimensions"] {
  return issuePriority
    .map((id) => profile.dimensions.find((d) => d.id === id && d.level === profileIssue[id]?.level))
    .filter((d) => d !== undefined);
}

function profileAssets(profile: PedagogicalProfile): PedagogicalProfile["dimensions"] {
  return profile.dimensions.filter((d) => d.level === profileAsset[d.id]?.level);
}

/** Chunks to cite per domain: tagged for the domain, else mentioning its label; best score first. */
function assignChunks(
  chunks: RetrievedChunk[],
  recDomains: DomainScore[],
): Map<string, RetrievedChunk[]> {
  const ranked = [...chunks].sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
  const used = new Set<string>();
  const byDomain = new Map<string, RetrievedChunk[]>();
  const take = (d: DomainScore, pred: (c: RetrievedChunk) => boolean) => {
    const list = byDomain.get(d.domainId) ?? [];
    for (const c of ranked) {
      if (list.length >= MAX_CITED_CHUNKS) break;
      if (used.has(c.chunkId) || !pred(c)) continue;
      if (list.some((x) => x.documentTitle === c.documentTitle && x.page === c.page)) continue;
      list.push(c);
      used.add(c.chunkId);
    }
    byDomain.set(d.domainId, list);
  };
  for (const d of recDomains) take(d, (c) => c.domainIds?.includes(d.domainId) ?? false);
  for (const d of recDomains) {
    const label = normalizeForMatch(d.label);
    take(d, (c) => c.domainIds === undefined && normalizeForMatch(c.text).includes(label));
  }
  // Retrieval targets the weakest domains: untagged leftovers go to the weakest one.
  const first = recDomains[0];
  if (first) take(first, (c) => c.domainIds === undefined || c.domainIds.length === 0);
  return byDomain;
}

function sourcesSentence(chunks: RetrievedChunk[]): string {
  const refs = chunks.map((c) => `${quote(c.documentTitle)} (p.${NBSP}${c.page})`);
  if (refs.length === 1) return `Ressource conseillée : ${refs[0]}.`;
  return `Ressources conseillées : ${joinList(refs)}.`;
}

/** An unknown trait (another survey) as a lower-case clause, or undefined when unusable. */
function traitClause(trait: string): string | undefined {
  const t = trait
    .trim()
    .replace(/'/gu, "’")
    .replace(/[\s.]+$/u, "");
  if (t.length === 0 || /\d|\{\{|\}\}|«|»|"/.test(t)) return undefined;
  return t.charAt(0).toLocaleLowerCase("fr-FR") + t.slice(1);
}

function roundHalf(x: number): number {
  return Math.max(0.5, Math.round(x * 2) / 2);
}

interface PlanContext {
  input: SynthesisInput;
  choose: Chooser;
  ordered: DomainScore[];
  weak: boolean;
  /** Weekly habits, one per week in turn (never the same sentence twice in a plan). */
  habits: readonly string[];
  intent: CoachIntent;
}

/** The first candidate not used yet in this plan (a family never reads the same line twice). */
function fresh(used: Set<string>, candidates: readonly string[]): string | undefined {
  const pick = candidates.find((c) => !used.has(c));
  if (pick !== undefined) used.add(pick);
  return pick;
}

function buildStudyPlan({
  input,
  choose,
  ordered,
  weak,
  habits,
  intent,
}: PlanContext): Synthesis["studyPlan"] {
  const size = planSize(input.scores, input.student.niveau, input.student.weeklyAvailabilityHours);
  const weeks = intent.weeks ?? size.weeks;
  const hours = size.hoursPerWeek;
  const acts = activityPhrases[input.subject];

  // Each visit of a domain climbs its ladder, so a revisited domain never gets the same week
  // twice: reprise/consolidation → entraînement → approfondissement (exam-style work).
  const ladder = (d: DomainScore): PlanPhase[] =>
    !weak || d.mastery === "maitrise"
      ? ["approfondissement"]
      : d.mastery === "non_acquis"
        ? ["reprise", "entrainement", "approfondissement"]
        : d.mastery === "en_cours"
          ? ["consolidation", "entrainement", "approfondissement"]
          : ["consolidation", "approfondissement"];
  const visits = new Map<string, number>();
  const focus: { d: DomainScore; phase: PlanPhase; visit: number }[] = [];
  const visit = (d: DomainScore) => {
    const n = visits.get(d.domainId) ?? 0;
    visits.set(d.domainId, n + 1);
    const rungs = ladder(d);
    focus.push({ d, phase: rungs[Math.min(n, rungs.length - 1)]!, visit: n });
  };
  const middle = weeks - 1;
  // Acquired but not mastered domains get a consolidation week once the weak ones are practised.
  const secondary = weak
    ? input.scores.domains
        .filter((d) => d.mastery === "acquis" && !ordered.some((o) => o.domainId === d.domainId))
        .sort((a, b) => a.percent - b.percent)
    : [];
  // Weak domains twice (their second visit is practice), then the secondary ones, then cycle.
  const order = [...ordered, ...(weak ? ordered : []), ...secondary];
  for (let i = 0; focus.length < middle; i++) {
    visit(i < order.length ? order[i]! : ordered[(i - order.length) % ordered.length]!);
  }

  const plan: Synthesis["studyPlan"] = [];
  const used = new Set<string>();
  const kinds = ["course", "practice", "challenge", "exam"] as const;
  let habitTurn = 0;
  for (let w = 0; w < middle; w++) {
    const { d, phase, visit: seen } = focus[w]!;
    const dw = words(d);
    const objectives = [choose.nth(`plan-obj-${phase}`, w + seen, phaseObjectives[phase])(dw)];
    if (w === 0 && intent.note) objectives.unshift(`Priorité fixée avec le coach : ${intent.note}`);
    const budget = hours - 0.5;
    const courseShare = phase === "reprise" ? 0.5 : phase === "consolidation" ? 0.4 : 0.3;
    const [a, b] =
      phase === "reprise" || phase === "consolidation"
        ? (["course", "practice"] as const)
        : phase === "entrainement"
          ? (["practice", "challenge"] as const)
          : (["challenge", "exam"] as const);
    // The phase's own activities first; on a revisit the other kinds of work for the domain,
    // then the activity with its week number, so no sentence repeats within the plan.
    const candidates = (first: (typeof kinds)[number]) => [
      ...[first, ...kinds.filter((k) => k !== first)].map((k) => acts[k](dw)),
    ];
    const activityA = fresh(used, candidates(a)) ?? `${acts[a](dw)} (semaine ${w + 1})`;
    const activityB = fresh(used, candidates(b));
    const habit =
      fresh(used, [...habits.slice(habitTurn % habits.length), ...habits]) ??
      `${habits[0]} (semaine ${w + 1})`;
    habitTurn++;
    // Short weeks (availability of 1–1,5 h): one activity and the habit.
    const activities =
      budget < 1 || activityB === undefined
        ? [{ description: activityA, hours: Math.max(0.5, budget) }]
        : [
            { description: activityA, hours: roundHalf(budget * courseShare) },
            { description: activityB, hours: roundHalf(budget - roundHalf(budget * courseShare)) },
          ];
    activities.push({ description: habit, hours: 0.5 });
    plan.push({ week: w + 1, objectives, activities });
  }
  const reviewed = [
    ...new Map(focus.slice(0, middle).map((f) => [f.d.domainId, f.d])).values(),
  ].slice(0, 3);
  plan.push({
    week: weeks,
    objectives: [`Faire le point sur les progrès dans ${domainGroup(reviewed, false)}`],
    activities: [
      {
        description: "Devoir d’entraînement en temps limité sur les notions travaillées",
        hours: roundHalf(hours * 0.6),
      },
      {
        description: "Correction détaillée et bilan des progrès avec le coach",
        hours: roundHalf(hours * 0.4),
      },
    ],
  });
  return plan;
}

export function writeLocalSynthesis(input: SynthesisInput, offers: OfferSuggestion[]): Synthesis {
  const { student, scores, profile, subject } = input;
  const seed = [
    student.firstName,
    student.lastName,
    subject,
    student.niveau,
    scores.overall.percent,
    ...scores.domains.map((d) => `${d.domainId}:${d.percent}`),
  ].join("|");
  const choose = createChooser(seed);
  const intent = readCoachInstructions(input.instructions, scores.domains);
  const en = subjectWords[subject].en;
  const niveau = niveauLabels[student.niveau];
  const name = student.firstName;

  const weakList = weakDomains(scores);
  const strongList = strongDomains(scores);
  const hasWeak = weakList.length > 0;
  // Domains the recommendations and plan work on: weak ones (coach's focus first),
  // or, when none is weak, the least advanced ones.
  const byFocus = (list: DomainScore[]) => [
    ...list.filter((d) => intent.focusDomainIds.includes(d.domainId)),
    ...list.filter((d) => !intent.focusDomainIds.includes(d.domainId)),
  ];
  const ordered = hasWeak
    ? byFocus(weakList)
    : byFocus([...scores.domains].sort((a, b) => a.percent - b.percent).slice(0, 2));

  const issues = profileIssues(profile);
  const assets = profileAssets(profile);
  const mainIssue = issues.find((d) => d.id === intent.profileFocus) ?? issues[0];

  // Strengths and weaknesses, each tied to its domain.
  const strengths = strongList.map((d, i) => ({
    domainId: d.domainId,
    text: choose.nth(
      "strength",
      i,
      strengthPhrases[d.mastery === "maitrise" ? "maitrise" : "acquis"],
    )(words(d)),
  }));
  const weaknessDomains = hasWeak
    ? weakList
    : ordered.slice(0, 1).filter((d) => d.mastery !== "maitrise");
  const weaknesses = weaknessDomains.map((d, i) => ({
    domainId: d.domainId,
    text: choose.nth("weakness", i, weaknessPhrases[d.mastery])(words(d)),
  }));

  // Recommendations: one per worked domain, then one on the main profile issue.
  const recDomains = ordered.slice(0, intent.concise ? 2 : MAX_DOMAIN_RECOMMENDATIONS);
  const chunksByDomain = assignChunks(input.chunks, recDomains);
  const recommendations: Synthesis["recommendations"] = recDomains.map((d, i) => {
    const w = words(d);
    const cited = chunksByDomain.get(d.domainId) ?? [];
    const tip = choose.nth("tip", i, methodTips[subject]);
    const parts = [
      choose.nth("rec-open", i, recommendationOpeners[d.mastery])(w),
      `Conseil de méthode : ${tip}.`,
    ];
    if (cited.length > 0) parts.push(sourcesSentence(cited));
    return {
      title: choose.nth("rec-title", i, recommendationTitles[d.mastery])(w),
      text: parts.join(" "),
      domainIds: [d.domainId],
      sources: cited.map((c) => ({
        chunkId: c.chunkId,
        documentTitle: c.documentTitle,
        page: c.page,
      })),
    };
  });
  if (mainIssue && !intent.concise) {
    const target = ordered[0]!;
    const rec = profileRecommendations[mainIssue.id];
    recommendations.push({
      title: rec.title,
      text: `D’après le questionnaire pédagogique, ${profileIssue[mainIssue.id]!.clause}. ${rec.body(quote(target.label))}`,
      domainIds: [target.domainId],
      sources: [],
    });
  }

  // Summary.
  const P = formatPercent(scores.overall.percent);
  const overall = choose("overall", overallPhrases[scores.overall.mastery]);
  const summary: string[] = [
    choose("opener", [
      `${name}, élève de ${niveau}, obtient ${P} de réussite globale ${en} : ${overall}.`,
      `Avec ${P} de réussite globale ${en}, ${name} (${niveau}) présente un bilan où ${overall}.`,
      `Le bilan ${elide("de", name)} ${en} (${niveau}) fait apparaître une réussite globale de ${P} : ${overall}.`,
    ]),
  ];
  const topStrong = strongList.slice(0, 2);
  if (topStrong.length === 0) {
    summary.push(
      `Aucun domaine n’atteint encore le niveau ${quote("Acquis")}, ce qui laisse une large marge de progression.`,
    );
  } else {
    summary.push(
      choose("strong", [
        topStrong.length > 1
          ? `Les principaux points d’appui sont ${domainGroup(topStrong)}.`
          : `Le principal point d’appui est ${domainGroup(topStrong)}.`,
        `${capitalize(domainGroup(topStrong))} ${topStrong.length > 1 ? "constituent de vrais points forts" : "constitue un vrai point fort"}.`,
      ]),
    );
  }
  if (hasWeak) {
    const focusWeak = ordered.slice(0, 3);
    summary.push(
      choose("weak", [
        `La priorité porte sur ${domainGroup(focusWeak)}.`,
        `Le travail doit d’abord porter sur ${domainGroup(focusWeak)}.`,
      ]),
    );
  } else {
    summary.push(
      scores.overall.mastery === "maitrise"
        ? "Aucun domaine n’est en difficulté : l’enjeu est désormais d’approfondir et de viser l’excellence."
        : "Aucun domaine n’est en difficulté : l’enjeu est désormais de consolider les acquis pour viser la maîtrise.",
    );
  }
  if (intent.focusDomainIds.length > 0 && hasWeak) {
    summary.push("L’ordre des priorités suit les indications du coach.");
  }
  const asset = assets[0];
  if (!intent.concise && (asset || mainIssue)) {
    // No score here: the report's profile table gives each one on a « higher is better » scale.
    const a = asset ? profileAsset[asset.id]!.clause : undefined;
    const i = mainIssue ? profileIssue[mainIssue.id]!.clause : undefined;
    const clause = a && i ? `${a}, tandis que ${i}` : (a ?? i!);
    summary.push(
      choose("profile", [
        `Côté profil, ${clause}.`,
        `Le questionnaire pédagogique montre que ${clause}.`,
      ]),
    );
  }
  if (student.statut === "candidat_libre") {
    summary.push(
      "La préparation se faisant en candidature libre, le plan prévoit des repères réguliers pour remplacer le suivi de la classe.",
    );
  }
  // Survey traits are paraphrased in the writer's words (traitParaphrases), never quoted:
  // « Camille apprend d’abord par la pratique des exercices et travaille… ».
  const traits = profile.traits
    .map((t) => traitParaphrases[t.trim()] ?? traitClause(t))
    .filter((t): t is string => t !== undefined)
    .slice(0, 2);
  if (!intent.concise && traits.length > 0) {
    summary.push(
      choose("traits", [
        `Au fil du questionnaire, on apprend aussi ${elide("que", name)} ${joinList(traits)}.`,
        `Il ressort des réponses au questionnaire ${elide("que", name)} ${joinList(traits)}.`,
        `Côté habitudes de travail, ${name} ${joinList(traits)}.`,
      ]),
    );
  }
  summary.push(choose("closing", closingSentences));

  const habits = mainIssue ? profileRecommendations[mainIssue.id].habits : defaultHabits;
  const studyPlan = buildStudyPlan({ input, choose, ordered, weak: hasWeak, habits, intent });
  const weeklyHours = planSize(
    scores,
    student.niveau,
    student.weeklyAvailabilityHours,
  ).hoursPerWeek;

  // Parent-facing summary: short, plain, no jargon.
  const parent: string[] = [
    choose("parent-open", [
      `${name} obtient ${P} de réussite globale ${en} en ${niveau}.`,
      `Le bilan ${en} ${elide("de", name)} (${niveau}) montre une réussite globale de ${P}.`,
    ]),
    hasWeak
      ? `Les efforts porteront en priorité sur ${domainGroup(ordered.slice(0, 3), false)}.`
      : "Les résultats sont solides dans tous les domaines évalués ; l’objectif est maintenant d’aller plus loin.",
    `Nous proposons un plan de travail de ${studyPlan.length} semaines, à raison d’environ ${formatHours(weeklyHours)} par semaine.`,
  ];
  if (offers.length > 0) {
    const titles = offers.map(
      (o) => o.title.charAt(0).toLocaleLowerCase("fr-FR") + o.title.slice(1),
    );
    parent.push(`Pour l’accompagner au mieux, nous suggérons : ${joinList(titles)}.`);
  }

  return {
    summary: summary.join(" "),
    strengths,
    weaknesses,
    recommendations,
    studyPlan,
    offers: offers.map((o) => ({ offerId: o.offerId, title: o.title, reason: o.reason })),
    parentSummary: parent.join(" "),
  };
}
