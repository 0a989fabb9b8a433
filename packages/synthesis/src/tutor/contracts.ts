// ARIA's tutor: what an answer takes and gives back, whichever provider writes it (the
// offline tutor, OpenAI or Anthropic). A provider streams text deltas, then returns which
// passages it cited and the tokens used. Input is parsed with zod before any work.
import { z } from "zod";

export const zTutorPassage = z.object({
  chunkId: z.string().min(1),
  documentId: z.string().min(1),
  documentTitle: z.string().trim().min(1),
  pageStart: z.number().int().min(1),
  pageEnd: z.number().int().min(1),
  text: z.string(),
});
export type TutorPassage = z.infer<typeof zTutorPassage>;

export const zTutorMode = z.enum(["direct", "socratique"]);
export type TutorMode = z.infer<typeof zTutorMode>;

export const zTutorRequest = z.object({
  question: z.string().trim().min(1).max(2000),
  mode: zTutorMode,
  subject: z.enum(["maths", "nsi", "physique-chimie"]),
  /** Earlier messages of the conversation, oldest first (a few at most). */
  history: z
    .array(z.object({ role: z.enum(["user", "assistant"]), text: z.string() }))
    .max(20)
    .default([]),
  /** Retrieved passages, best first (global chunks and the student's own only). */
  passages: z.array(zTutorPassage).max(12),
  /** Weak domains of the latest bilan of the subject (label, percent). */
  weakDomains: z.array(z.object({ label: z.string(), percent: z.number() })).default([]),
  /** Facts remembered about the student (memory job), most relevant first. */
  memories: z.array(z.string()).max(5).default([]),
});
export type TutorRequest = z.input<typeof zTutorRequest>;
export type ParsedTutorRequest = z.output<typeof zTutorRequest>;

export interface TutorResult {
  /** Indexes (0-based) into request.passages of the passages the answer cites. */
  cited: number[];
  /** Nothing relevant was found: the answer says so instead of inventing. */
  noSource: boolean;
  inputTokens: number;
  outputTokens: number;
}

export interface TutorProvider {
  readonly name: "local" | "openai" | "anthropic";
  readonly model: string;
  /** Same request → same text: a restarted answer can resume after the stored prefix. */
  readonly deterministic: boolean;
  answer(request: TutorRequest, signal?: AbortSignal): AsyncGenerator<string, TutorResult>;
}

/** A stream that failed; `partial` says whether text had already been sent. */
export class TutorError extends Error {
  override readonly name = "TutorError";
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly partial: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** « La dérivation », p. 2 — or p. 2-3 for a passage over two pages. */
export function citationLabel(
  passage: Pick<TutorPassage, "documentTitle" | "pageStart" | "pageEnd">,
) {
  const pages =
    passage.pageStart === passage.pageEnd
      ? `p. ${passage.pageStart}`
      : `p. ${passage.pageStart}-${passage.pageEnd}`;
  return `« ${passage.documentTitle} », ${pages}`;
}
