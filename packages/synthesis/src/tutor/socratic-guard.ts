// The Socratic promise, kept whatever the provider writes: a first Socratic reply never gives
// the exercise's final answer. The offline tutor already masks results; an LLM is only asked
// to in its prompt, so every provider's first Socratic reply goes through this guard:
// - a sentence stating a result (« la réponse est… », « on obtient… », « donc x = … ») with a
//   value the question does not already contain is withheld;
// - in other sentences, a value given after « = », « vaut », « est égal à », « soit »,
//   « donc » that the question does not contain is masked (« … »), so the method stays;
// - a known final answer (the labelled set's, when the caller has one) is never let through;
// - when anything was held back, the reply ends with a guiding question instead.
// Text is released sentence by sentence while the stream goes on (cut points depend on the
// text only, not on how the provider split it, so a deterministic tutor stays deterministic).
import type { TutorProvider, TutorRequest, TutorResult } from "./contracts";
import { fold, numbersIn } from "./text";

export const GUIDING_QUESTION =
  "À toi de terminer : quelle valeur trouves-tu en appliquant cette méthode ? " +
  "Écris-moi ton résultat et je te dirai si tu es sur la bonne voie.";

/** A sentence that announces the answer: withheld if it holds any figure or « = ». */
const ANSWER_STATEMENT =
  /\b(?:(?:la|ta|sa|une) )?(?:r[ée]ponses?|solutions?|r[ée]sultats?)(?: finale?s?)?\s*(?:est|sont|vaut|:|=)|\b(?:on|tu) (?:obtien[st]?|trouve[sz]?|trouvera[sz]?|arrive[sz]? à)(?!\p{L})|\bd'o[ùu](?!\p{L})|\bau final\b|\bfinalement\b|\best (?:la|une) solution\b/iu;
/** A sentence giving a notion's value: withheld if it holds a figure the question does not. */
const RESULT_STATEMENT =
  /\b(?:sommet|somme|aire|espérance|variance|probabilité|valeur|limite|discriminant|tangente)\b[^.!?\n]*\b(?:est|vaut|sont|a pour (?:coordonnées|équation|valeur))\b/iu;
/** Citation markers « [1] » are not figures of the answer. */
const withoutCitations = (text: string) => text.replace(/\[\d+\]/g, "");

/**
 * A clause's piece: any character but a clause end (a decimal comma or point is not one), the
 * next « = » (each value of a chain is judged alone) or a citation marker « [1] ».
 */
const PIECE = "(?:[^,;.!?=\\[\\n]|[,.](?=\\d))";
/** A value after a result connector, up to the end of the clause. */
const GIVEN_VALUE = new RegExp(
  `(=|≈|\\bvaut\\b|(?<!\\p{L})(?:est )?[ée]gale? à(?!\\p{L})|\\bsoit\\b|\\bdonc\\b)(\\s*)(${PIECE}*?\\p{N}${PIECE}*?)(?=\\s*(?:[,.](?!\\d)|[;!?=\\[\\n]|$))`,
  "giu",
);

/**
 * A value that reads as a result: only figures and operators, or a short expression in x
 * (« 6x − 9 », « 3x² », « ln 5 »). A formula in other letters (« b² − 4ac ») is the method.
 */
const isResultLike = (value: string) => {
  const v = value.replace(/^\s*(?:ici|alors|bien|exactement|environ|donc)\s+/iu, "").trim();
  if (/^[\s\d.,/()×*;+−–^-]+$/u.test(v)) return true;
  return v.length <= 12 && !/\p{L}/u.test(v.replace(/ln|log|exp|sqrt|e\^|x/giu, ""));
};

const normalise = (text: string) =>
  fold(text)
    .replace(/[−–]/g, "-")
    .replace(/\s+/g, "")
    .replace(/(\d),(\d)/g, "$1.$2");

export interface GuardContext {
  question: string;
  /** The exercise's final answer(s) when known (e.g. the labelled set). */
  known?: string[];
}

/** Numbers of `text` that the question does not contain (the data given stays visible). */
function newNumbers(text: string, question: string): string[] {
  const given = new Set(numbersIn(question).map((n) => n.replace(/^-/, "")));
  return numbersIn(text).filter((n) => !given.has(n.replace(/^-/, "")));
}

/** One sentence, guarded: `null` when it must be withheld. */
export function guardSentence(
  sentence: string,
  context: GuardContext,
): { text: string | null; changed: boolean } {
  const flat = normalise(sentence);
  if ((context.known ?? []).some((k) => normalise(k).length > 0 && flat.includes(normalise(k)))) {
    return { text: null, changed: true };
  }
  const bare = withoutCitations(sentence);
  if (ANSWER_STATEMENT.test(bare) && /[\d=]/.test(bare)) return { text: null, changed: true };
  if (RESULT_STATEMENT.test(bare) && newNumbers(bare, context.question).length > 0) {
    return { text: null, changed: true };
  }
  let changed = false;
  const text = sentence.replace(
    GIVEN_VALUE,
    (match, lead: string, space: string, value: string) => {
      if (newNumbers(value, context.question).length === 0 || !isResultLike(value)) return match;
      changed = true;
      return `${lead}${space || " "}…`;
    },
  );
  return { text, changed };
}

/** Whether the request is the first reply of a Socratic conversation. */
export function isFirstSocraticReply(request: Pick<TutorRequest, "mode" | "history">): boolean {
  return (
    request.mode === "socratique" && !(request.history ?? []).some((m) => m.role === "assistant")
  );
}

/** End of the first complete sentence of `text` (index after its space), or -1. */
function sentenceEnd(text: string): number {
  const match = /[.!?…]["»)]?(?=\s)\s+|\n+/u.exec(text);
  return match ? match.index + match[0].length : -1;
}

/** Guards a whole text at once (what the stream below yields, in one piece). */
export function guardReply(text: string, context: GuardContext): string {
  const guard = new SocraticGuard(context);
  return guard.push(text) + guard.end();
}

/** Streaming form: push deltas, get back the guarded text of the sentences now complete. */
export class SocraticGuard {
  private pending = "";
  changed = false;

  constructor(private readonly context: GuardContext) {}

  push(delta: string): string {
    this.pending += delta;
    let out = "";
    for (let end = sentenceEnd(this.pending); end >= 0; end = sentenceEnd(this.pending)) {
      out += this.release(this.pending.slice(0, end));
      this.pending = this.pending.slice(end);
    }
    return out;
  }

  /** The rest, then the guiding question when something was held back. */
  end(): string {
    let out = this.release(this.pending);
    this.pending = "";
    if (this.changed)
      out += `${out.length > 0 && !out.endsWith("\n") ? "\n\n" : ""}${GUIDING_QUESTION}`;
    return out;
  }

  private release(piece: string): string {
    if (piece.length === 0) return "";
    const trailing = piece.match(/\s*$/)![0];
    const { text, changed } = guardSentence(
      piece.slice(0, piece.length - trailing.length),
      this.context,
    );
    if (changed) this.changed = true;
    return text === null ? "" : text + trailing;
  }
}

/**
 * Any provider, with its first Socratic replies guarded. Citations and tokens are the
 * provider's; other replies pass through untouched.
 */
export function withSocraticGuard(provider: TutorProvider): TutorProvider {
  return {
    name: provider.name,
    model: provider.model,
    deterministic: provider.deterministic,
    async *answer(
      request: TutorRequest,
      signal?: AbortSignal,
    ): AsyncGenerator<string, TutorResult> {
      if (!isFirstSocraticReply(request)) return yield* provider.answer(request, signal);
      const guard = new SocraticGuard({ question: request.question });
      const inner = provider.answer(request, signal);
      for (;;) {
        const next = await inner.next();
        if (next.done) {
          const rest = guard.end();
          if (rest.length > 0) yield rest;
          return next.value;
        }
        const out = guard.push(next.value);
        if (out.length > 0) yield out;
      }
    },
  };
}
