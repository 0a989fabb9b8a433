// Types crossing this package's boundary: what generation takes, what a provider
// must implement, what comes back. Input is validated with zod before any work.
import { zNiveau, zStatut, zSubject } from "@nexus/shared/domain";
import { zBilanScores, zPedagogicalProfile } from "@nexus/shared/results";
import type { GenerationMeta, Synthesis } from "@nexus/shared/synthesis";
import { z } from "zod";

export const zRetrievedChunk = z.object({
  chunkId: z.string().min(1),
  documentTitle: z.string().trim().min(1),
  page: z.number().int().min(1),
  text: z.string(),
  domainIds: z.array(z.string()).optional(),
  score: z.number().optional(),
});
export type RetrievedChunk = z.infer<typeof zRetrievedChunk>;

/** Parsed at the start of generation: unknown fields (a student record's ids, school…) are stripped. */
export const zSynthesisInput = z.object({
  student: z.object({
    firstName: z.string().trim().min(1),
    lastName: z.string().trim().min(1),
    niveau: zNiveau,
    statut: zStatut,
    specialites: z.array(z.string()),
    /** Hours a week the student declared available for the subject: the plan fits in. */
    weeklyAvailabilityHours: z.number().positive().max(40).optional(),
  }),
  subject: zSubject,
  scores: zBilanScores.refine((s) => s.domains.length > 0, "Le bilan ne contient aucun domaine."),
  profile: zPedagogicalProfile,
  chunks: z.array(zRetrievedChunk),
  instructions: z.string().max(4000).optional(),
});
export type SynthesisInput = z.infer<typeof zSynthesisInput>;
export type SynthesisStudent = SynthesisInput["student"];

/** An offer chosen by the catalogue rules, with the rule's own French reason. */
export interface OfferSuggestion {
  offerId: string;
  title: string;
  reason: string;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ProviderRequest {
  input: SynthesisInput;
  /** The offers the rules selected: the only ids a provider may propose. */
  offers: OfferSuggestion[];
  /** Present on the single repair attempt: what went wrong with the previous answer. */
  repair?: { previous: ProviderOutput; problems: string[] };
}

export interface ProviderOutput {
  /** Parsed answer (object) or the raw text when it was not JSON-shaped. */
  content: unknown;
  /** The answer as text, for repair prompts and logs. */
  rawText: string;
  usage: TokenUsage;
  /** Provider-specific data needed to continue the conversation (e.g. a tool_use id). */
  replay?: unknown;
}

export interface SynthesisProvider {
  readonly name: GenerationMeta["provider"];
  readonly model: string;
  readonly promptVersion: string;
  /** LLMs get one repair attempt; the deterministic local writer would repeat itself. */
  readonly supportsRepair: boolean;
  generate(request: ProviderRequest, signal?: AbortSignal): Promise<ProviderOutput>;
}

export interface SynthesisResult {
  synthesis: Synthesis;
  meta: GenerationMeta;
  repaired: boolean;
}
