// The grounding check: run on every synthesis, whatever wrote it, before anyone
// sees it. Every figure must be a computed one, every id must exist, every
// cited source must be one we retrieved. Messages are French: they are sent back
// to the model in the repair prompt and shown in job errors.
import type { BilanScores, PedagogicalProfile } from "@nexus/shared/results";
import type { Synthesis } from "@nexus/shared/synthesis";
import type { RetrievedChunk } from "./contracts";
import { isWeakDomain } from "./domain-status";
import { normalizeForMatch } from "./french";
import { defaultOfferCatalogue, type OfferCatalogue } from "./offers";

export type GroundingViolationCode =
  | "unknown_percent"
  | "misattributed_percent"
  | "unknown_fraction"
  | "unknown_domain"
  | "recommendation_not_weak"
  | "unknown_chunk"
  | "source_mismatch"
  | "unknown_offer"
  | "offer_not_selected"
  | "placeholder";

export interface GroundingViolation {
  code: GroundingViolationCode;
  /** JSON path of the offending field, e.g. "recommendations[1].sources[0]". */
  path: string;
  message: string;
}

export interface GroundingContext {
  scores: BilanScores;
  profile: PedagogicalProfile;
  chunks: RetrievedChunk[];
  catalogue?: OfferCatalogue;
  /** When given, offers must be among these ids (the ones the rules selected). */
  allowedOfferIds?: readonly string[];
}

/** Something a figure can be about, with the value it must then have. */
interface Entity {
  name: string;
  value: number;
  patterns: string[];
}

const overallKeywords = [
  "global",
  "globale",
  "ensemble",
  "general",
  "generale",
  "moyenne",
  "total",
];
const dimensionKeywords: Record<string, string[]> = {
  motivation: ["motivation", "motive"],
  organisation: ["organisation", "organise"],
  methodes: ["methode", "methodes"],
  stress: ["stress", "anxiete"],
  autonomie: ["autonomie", "autonome"],
};

function buildEntities(ctx: GroundingContext): { domains: Map<string, Entity>; others: Entity[] } {
  const domains = new Map<string, Entity>();
  for (const d of ctx.scores.domains) {
    domains.set(d.domainId, {
      name: `le domaine « ${d.label} »`,
      value: d.percent,
      patterns: [normalizeForMatch(d.label), normalizeForMatch(d.domainId)].filter(
        (p) => p.length >= 3,
      ),
    });
  }
  const others: Entity[] = [
    { name: "la réussite globale", value: ctx.scores.overall.percent, patterns: overallKeywords },
    ...ctx.profile.dimensions.map((dim) => ({
      name: `la dimension « ${dim.label} » du profil`,
      value: dim.score,
      patterns: [...(dimensionKeywords[dim.id] ?? []), normalizeForMatch(dim.label)],
    })),
  ];
  return { domains, others };
}

function mentions(normalizedText: string, pattern: string): boolean {
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}`, "u").test(normalizedText);
}

// Figures a text can carry: "62 %", "62 pour cent", "45/100", "45 sur 100", "12/20".
const percentPattern = /(\d+(?:[.,]\d+)?)\s*(?:%|pour\s*cents?\b|pourcents?\b)/giu;
const fractionPattern = /(\d+(?:[.,]\d+)?)\s*(?:\/|\bsur\s+)\s*(\d+(?:[.,]\d+)?)/giu;

function toNumber(text: string): number {
  return Number(text.replace(",", "."));
}

function splitSentences(text: string): string[] {
  // A decimal comma or point never ends a sentence; ". ", "; ", "! ", "? " and line breaks do.
  return text.split(/(?<=[.;!?])\s+|\n+/u).filter((s) => s.trim().length > 0);
}

interface TextField {
  path: string;
  text: string;
  /** Domains the field is about even when it does not name them (its domainId/domainIds). */
  implicitDomains: string[];
}

function textFields(s: Synthesis): TextField[] {
  const fields: TextField[] = [
    { path: "summary", text: s.summary, implicitDomains: [] },
    { path: "parentSummary", text: s.parentSummary, implicitDomains: [] },
  ];
  s.strengths.forEach((x, i) => {
    fields.push({ path: `strengths[${i}].text`, text: x.text, implicitDomains: [x.domainId] });
  });
  s.weaknesses.forEach((x, i) => {
    fields.push({ path: `weaknesses[${i}].text`, text: x.text, implicitDomains: [x.domainId] });
  });
  s.recommendations.forEach((r, i) => {
    fields.push({
      path: `recommendations[${i}].title`,
      text: r.title,
      implicitDomains: r.domainIds,
    });
    fields.push({ path: `recommendations[${i}].text`, text: r.text, implicitDomains: r.domainIds });
  });
  s.studyPlan.forEach((w, i) => {
    w.objectives.forEach((o, j) => {
      fields.push({ path: `studyPlan[${i}].objectives[${j}]`, text: o, implicitDomains: [] });
    });
    w.activities.forEach((a, j) => {
      fields.push({
        path: `studyPlan[${i}].activities[${j}].description`,
        text: a.description,
        implicitDomains: [],
      });
    });
  });
  s.offers.forEach((o, i) => {
    fields.push({ path: `offers[${i}].title`, text: o.title, implicitDomains: [] });
    fields.push({ path: `offers[${i}].reason`, text: o.reason, implicitDomains: [] });
  });
  return fields;
}

const placeholderPattern = /\{\{|\}\}|\bundefined\b|\bNaN\b|\[object |\bnull\b|\bTODO\b|\bXXX\b/u;

function checkFigures(
  field: TextField,
  entities: ReturnType<typeof buildEntities>,
  ctx: GroundingContext,
  out: GroundingViolation[],
): void {
  const allPercentValues = new Set<number>([
    ...[...entities.domains.values()].map((e) => e.value),
    ...entities.others.map((e) => e.value),
  ]);
  for (const sentence of splitSentences(field.text)) {
    const normalized = normalizeForMatch(sentence);
    // Entities the sentence is about: those it names, plus the field's own domains.
    const about: Entity[] = [];
    for (const [id, e] of entities.domains) {
      if (field.implicitDomains.includes(id) || e.patterns.some((p) => mentions(normalized, p)))
        about.push(e);
    }
    for (const e of entities.others)
      if (e.patterns.some((p) => mentions(normalized, p))) about.push(e);

    const checkValue = (value: number, shown: string) => {
      if (!allPercentValues.has(value)) {
        out.push({
          code: "unknown_percent",
          path: field.path,
          message: `« ${shown} » ne correspond à aucun résultat calculé (domaines, réussite globale, profil).`,
        });
      } else if (about.length > 0 && !about.some((e) => e.value === value)) {
        out.push({
          code: "misattributed_percent",
          path: field.path,
          message: `« ${shown} » est attribué à ${about.map((e) => e.name).join(" ou ")}, dont la valeur calculée est ${about.map((e) => `${e.value} %`).join(" ou ")}.`,
        });
      }
    };

    for (const m of sentence.matchAll(percentPattern)) checkValue(toNumber(m[1]!), m[0].trim());
    for (const m of sentence.matchAll(fractionPattern)) {
      const num = toNumber(m[1]!);
      const den = toNumber(m[2]!);
      if (den === 100) {
        checkValue(num, m[0].trim());
        continue;
      }
      const matchesPoints = ctx.scores.domains.some((d) => d.earned === num && d.max === den);
      const matchesOverall = ctx.scores.overall.earned === num && ctx.scores.overall.max === den;
      if (!matchesPoints && !matchesOverall) {
        out.push({
          code: "unknown_fraction",
          path: field.path,
          message: `« ${m[0].trim()} » n’est pas un résultat calculé : ne convertissez pas les pourcentages en notes.`,
        });
      }
    }
  }
}

export function checkGrounding(synthesis: Synthesis, ctx: GroundingContext): GroundingViolation[] {
  const out: GroundingViolation[] = [];
  const entities = buildEntities(ctx);
  const domainById = new Map(ctx.scores.domains.map((d) => [d.domainId, d]));
  const anyWeak = ctx.scores.domains.some(isWeakDomain);

  for (const field of textFields(synthesis)) {
    if (placeholderPattern.test(field.text)) {
      out.push({
        code: "placeholder",
        path: field.path,
        message:
          "Le texte contient un reste de gabarit ou une valeur vide (undefined, NaN, {{…}}).",
      });
    }
    checkFigures(field, entities, ctx, out);
  }

  const checkDomain = (id: string, path: string) => {
    if (domainById.has(id)) return true;
    out.push({
      code: "unknown_domain",
      path,
      message: `Le domaine « ${id} » n’existe pas dans ce bilan.`,
    });
    return false;
  };
  synthesis.strengths.forEach((x, i) => {
    checkDomain(x.domainId, `strengths[${i}].domainId`);
  });
  synthesis.weaknesses.forEach((x, i) => {
    checkDomain(x.domainId, `weaknesses[${i}].domainId`);
  });

  const chunkById = new Map(ctx.chunks.map((c) => [c.chunkId, c]));
  synthesis.recommendations.forEach((r, i) => {
    r.domainIds.forEach((id, j) => {
      const path = `recommendations[${i}].domainIds[${j}]`;
      if (!checkDomain(id, path)) return;
      const d = domainById.get(id)!;
      if (anyWeak && !isWeakDomain(d)) {
        out.push({
          code: "recommendation_not_weak",
          path,
          message: `La recommandation « ${r.title} » vise le domaine « ${d.label} » (${d.percent} %), qui n’est pas un point faible.`,
        });
      }
    });
    r.sources.forEach((s, j) => {
      const path = `recommendations[${i}].sources[${j}]`;
      const chunk = chunkById.get(s.chunkId);
      if (chunk === undefined) {
        out.push({
          code: "unknown_chunk",
          path,
          message: `La source « ${s.chunkId} » ne fait pas partie des extraits fournis.`,
        });
      } else if (chunk.documentTitle !== s.documentTitle || chunk.page !== s.page) {
        out.push({
          code: "source_mismatch",
          path,
          message: `La source « ${s.chunkId} » est « ${chunk.documentTitle} », page ${chunk.page}, et non « ${s.documentTitle} », page ${s.page}.`,
        });
      }
    });
  });

  const catalogue = ctx.catalogue ?? defaultOfferCatalogue;
  const catalogueIds = new Set(catalogue.offers.map((o) => o.id));
  synthesis.offers.forEach((o, i) => {
    const path = `offers[${i}].offerId`;
    if (!catalogueIds.has(o.offerId)) {
      out.push({
        code: "unknown_offer",
        path,
        message: `L’offre « ${o.offerId} » n’existe pas au catalogue.`,
      });
    } else if (ctx.allowedOfferIds && !ctx.allowedOfferIds.includes(o.offerId)) {
      out.push({
        code: "offer_not_selected",
        path,
        message: `L’offre « ${o.offerId} » n’a pas été retenue par les règles pour ce bilan.`,
      });
    }
  });
  return out;
}
