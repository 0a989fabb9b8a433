// The offline tutor (LLM_PROVIDER=local, or no key): a real answer built from the retrieved
// passages, deterministic so that a restarted answer resumes after its stored prefix.
// - Relevance: the question's content terms against each passage (coverage) and sentence;
//   below the threshold it says it found nothing rather than inventing.
// - Direct: an extractive answer, the best passage's most relevant sentences in order, under
//   its section, with « title », page; a second passage when it adds something.
// - Socratic: turns the passage into guiding questions, step by step over the conversation
//   (a question back, then a hint, then a worked step). Before the worked step every quoted
//   sentence has its results masked (« = … »), so the first reply never gives the final
//   value; a request for « la réponse à recopier » is declined and guided instead.

import { abortableSleep } from "../retry";
import {
  citationLabel,
  type ParsedTutorRequest,
  type TutorPassage,
  type TutorProvider,
  type TutorRequest,
  type TutorResult,
  zTutorRequest,
} from "./contracts";
import { isHeading, maskResults, sentences, terms } from "./text";

export const LOCAL_TUTOR_MODEL = "tuteur-local-v1";
/** Share of the question's content terms a passage must contain to be used. */
export const RELEVANCE_THRESHOLD = 0.5;

export interface ComposedAnswer {
  text: string;
  cited: number[];
  noSource: boolean;
}

interface RankedPassage {
  index: number;
  passage: TutorPassage;
  coverage: number;
  score: number;
  sentences: { text: string; match: number; section: string | null }[];
}

function rankPassages(question: string, passages: TutorPassage[]): RankedPassage[] {
  const qTerms = new Set(terms(question));
  if (qTerms.size === 0) return [];
  return passages
    .map((passage, index) => {
      const passageTerms = new Set(terms(passage.text));
      const covered = [...qTerms].filter((t) => passageTerms.has(t)).length;
      let section: string | null = null;
      const scored = sentences(passage.text).map((text) => {
        if (isHeading(text)) section = text;
        const own = new Set(terms(text));
        const match = [...qTerms].filter((t) => own.has(t)).length;
        return { text, match, section: isHeading(text) ? null : section };
      });
      const best = Math.max(0, ...scored.map((s) => s.match));
      const coverage = covered / qTerms.size;
      return {
        index,
        passage,
        coverage,
        // Coverage first, then the best sentence, then the search's own order.
        score: coverage + (0.3 * best) / qTerms.size + 0.2 / (index + 1),
        sentences: scored,
      };
    })
    .filter((r) => r.coverage >= RELEVANCE_THRESHOLD)
    .sort((a, b) => b.score - a.score || a.index - b.index);
}

/** The passage's most relevant sentences (document order) and the section they sit in. */
function keySentences(ranked: RankedPassage, max: number) {
  const candidates = ranked.sentences
    .map((s, i) => ({ ...s, i }))
    .filter((s) => s.match > 0 && !isHeading(s.text));
  const top = [...candidates].sort((a, b) => b.match - a.match || a.i - b.i).slice(0, max);
  // A sentence announcing a list (« … : ») brings its first item along.
  const chosen = new Set(top.map((s) => s.i));
  for (const s of top) {
    if (s.text.endsWith(":") && s.i + 1 < ranked.sentences.length) chosen.add(s.i + 1);
  }
  const ordered = [...chosen].sort((a, b) => a - b).map((i) => ranked.sentences[i]!);
  return { lines: ordered.map((s) => s.text), section: top[0]?.section ?? null };
}

const COPY_REQUEST =
  /(recopier|copier|corrig[ée] complet|fais[- ](?:moi )?(?:mon|le|cet|ce) (?:exercice|devoir|dm)|donne[- ]moi (?:juste |directement |seulement |vite )?(?:la|les) (?:r[ée]ponses?|solutions?|r[ée]sultats?))/iu;

export function asksForAnswerToCopy(question: string): boolean {
  return COPY_REQUEST.test(question);
}

function nothingFound(request: ParsedTutorRequest): ComposedAnswer {
  const subject = {
    maths: "de mathématiques",
    nsi: "de NSI",
    "physique-chimie": "de physique-chimie",
  }[request.subject];
  return {
    text:
      `Je n'ai rien trouvé dans les fiches ${subject} du centre qui réponde à cette question, ` +
      "et je préfère ne pas inventer une réponse.\n\n" +
      "Essaie de la reformuler avec les mots du cours (le nom de la notion, de la formule ou de la méthode), " +
      "ou pose-la à ton coach lors de ta prochaine séance.",
    cited: [],
    noSource: true,
  };
}

function weakDomainLine(request: ParsedTutorRequest, text: string): string | null {
  const own = new Set(terms(text));
  const related = request.weakDomains.find((d) => terms(d.label).some((t) => own.has(t)));
  return related
    ? `Ton dernier bilan montrait que « ${related.label} » était à retravailler (${related.percent} %) : cette notion mérite une fiche de révision.`
    : null;
}

function memoryLine(request: ParsedTutorRequest, text: string): string | null {
  const own = new Set(terms(text));
  const memory = request.memories.find((m) => terms(m).some((t) => own.has(t)));
  return memory ? `Je me souviens que tu avais noté ceci : ${memory}` : null;
}

function direct(request: ParsedTutorRequest, ranked: RankedPassage[]): ComposedAnswer {
  const first = ranked[0]!;
  const { lines, section } = keySentences(first, 3);
  const parts = [
    `D'après ta fiche ${citationLabel(first.passage)}${section ? `, partie « ${section} »` : ""} :`,
    lines.join("\n"),
  ];
  const cited = [first.index];
  // Another sheet only when one of its sentences shares at least two of the question's terms.
  const second = ranked.find(
    (r) =>
      r.index !== first.index &&
      r.passage.documentId !== first.passage.documentId &&
      r.sentences.some((x) => x.match >= 2 && !isHeading(x.text)),
  );
  if (second) {
    const extra = keySentences(second, 1).lines.find((l) => !lines.includes(l));
    if (extra) {
      parts.push(`Voir aussi ${citationLabel(second.passage)} : ${extra}`);
      cited.push(second.index);
    }
  }
  const all = parts.join("\n\n");
  for (const line of [weakDomainLine(request, all), memoryLine(request, all)]) {
    if (line) parts.push(line);
  }
  parts.push("Si un point reste flou, dis-moi lequel et je le reprends avec un exemple.");
  return { text: parts.join("\n\n"), cited, noSource: false };
}

/** 0: a question back; 1: a hint; 2: a worked step. Follow-ups continue the current exercise. */
export function socraticStep(request: ParsedTutorRequest): number {
  const previous = request.history.filter((m) => m.role === "assistant").length;
  if (previous === 0) return 0;
  const lastQuestion = [...request.history].reverse().find((m) => m.role === "user");
  const now = new Set(terms(request.question));
  const before = new Set(lastQuestion ? terms(lastQuestion.text) : []);
  const shared = [...now].filter((t) => before.has(t)).length;
  const newExercise = now.size >= 2 && shared / now.size < 0.2;
  return newExercise ? 0 : Math.min(2, previous);
}

function socratic(request: ParsedTutorRequest, ranked: RankedPassage[]): ComposedAnswer {
  const first = ranked[0]!;
  const { lines, section } = keySentences(first, 2);
  const where = `${citationLabel(first.passage)}${section ? `, partie « ${section} »` : ""}`;
  const step = socraticStep(request);
  const opening = asksForAnswerToCopy(request.question)
    ? "Je ne vais pas te donner une réponse toute faite à recopier : ton devoir doit rester ton travail, et c'est en le faisant que tu progresses. En revanche, je te guide pas à pas."
    : step === 0
      ? "Cherchons ensemble, pas à pas."
      : step === 1
        ? "Bonne piste, continuons."
        : "Voyons maintenant une étape rédigée.";
  const parts = [opening];
  if (step === 0) {
    const notion = section ?? first.passage.documentTitle;
    parts.push(
      `Première question : quelle notion du cours reconnais-tu dans ta question ? Regarde ta fiche ${where}.`,
      `Deuxième question : que dit la fiche sur « ${notion} », et quelle règle pourrais-tu appliquer ici ?`,
      `Pour t'aider à démarrer, complète : « ${maskResults(blankKeyTerm(lines[0] ?? notion, request.question))} »`,
      "Dis-moi ce que tu proposes comme première étape, même si tu n'es pas sûr : on vérifiera ensemble.",
    );
  } else if (step === 1) {
    parts.push(
      `Indice (${where}) : ${lines.map(maskResults).join(" ")}`,
      "Comment appliques-tu cette règle à ton exercice ? Écris l'étape suivante et je te dis si tu es sur la bonne voie.",
    );
  } else {
    const example = first.sentences.find((s) => /exemple|=/i.test(s.text))?.text ?? lines[0];
    parts.push(
      `Étape rédigée, sur l'exemple de ta fiche ${where} : ${example}`,
      "À toi : applique la même méthode à ton exercice, puis donne-moi ton résultat pour que je le vérifie.",
    );
  }
  return { text: parts.join("\n\n"), cited: [first.index], noSource: false };
}

/** Hides, in a rule, the words the question does not contain (a fill-in-the-blank). */
function blankKeyTerm(sentence: string, question: string): string {
  const asked = new Set(terms(question));
  const words = sentence.split(" ");
  // Blank the last content word the question does not mention: usually the rule's answer.
  for (let i = words.length - 1; i >= 0; i--) {
    const t = terms(words[i]!);
    if (t.length === 1 && !asked.has(t[0]!) && words[i]!.length > 3) {
      words[i] = words[i]!.replace(/[\p{L}\p{N}'’]+/u, "…");
      return words.join(" ");
    }
  }
  return sentence;
}

export function composeLocalAnswer(request: ParsedTutorRequest): ComposedAnswer {
  const ranked = rankPassages(request.question, request.passages);
  if (ranked.length === 0) return nothingFound(request);
  return request.mode === "socratique" ? socratic(request, ranked) : direct(request, ranked);
}

/** ~3.5 characters per token in French: the local tutor's usage, for budgets and stats. */
function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.5);
}

export class LocalTutor implements TutorProvider {
  readonly name = "local" as const;
  readonly model = LOCAL_TUTOR_MODEL;
  readonly deterministic = true;

  /** `paceMs`: pause between word groups (the first leaves at once); 0 in tests and benches. */
  constructor(private readonly options: { paceMs?: number } = {}) {}

  async *answer(input: TutorRequest, signal?: AbortSignal): AsyncGenerator<string, TutorResult> {
    const request = zTutorRequest.parse(input);
    const composed = composeLocalAnswer(request);
    // Word groups, as a model would stream them: the first one leaves at once.
    const pieces = composed.text.match(/\S+\s*/g) ?? [];
    const pace = this.options.paceMs ?? 0;
    for (let i = 0; i < pieces.length; i += 3) {
      if (signal?.aborted) throw signal.reason;
      if (i > 0 && pace > 0) await abortableSleep(pace, signal);
      yield pieces.slice(i, i + 3).join("");
    }
    return {
      cited: composed.cited,
      noSource: composed.noSource,
      inputTokens: estimateTokens(request.question + request.passages.map((p) => p.text).join(" ")),
      outputTokens: estimateTokens(composed.text),
    };
  }
}
