// The local writer as a SynthesisProvider, without the prompt files: Convex-safe
// (no Node built-in anywhere in its imports), so the demo seed writes its
// syntheses with exactly the worker's local writer and grounding check.
// local-provider.ts adds the prompt-based input-token estimate on top.
import type { Synthesis } from "@nexus/shared/synthesis";
import type { ProviderOutput, ProviderRequest, SynthesisProvider } from "./contracts";
import { writeLocalSynthesis } from "./local-writer";

export const LOCAL_MODEL = "nexus-local-writer";
export const LOCAL_WRITER_VERSION = "local-writer-v1";

export function countWords(text: string): number {
  return text.split(/\s+/u).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

export function synthesisText(s: Synthesis): string {
  return [
    s.summary,
    s.parentSummary,
    ...s.strengths.map((x) => x.text),
    ...s.weaknesses.map((x) => x.text),
    ...s.recommendations.flatMap((r) => [r.title, r.text]),
    ...s.studyPlan.flatMap((w) => [...w.objectives, ...w.activities.map((a) => a.description)]),
    ...s.offers.flatMap((o) => [o.title, o.reason]),
  ].join(" ");
}

/**
 * `promptWords` estimates the input an LLM would have received; without it the
 * input figure is 0 (no prompt was built — the writer does not need one).
 */
export class LocalWriterProvider implements SynthesisProvider {
  readonly name = "local" as const;
  readonly model = LOCAL_MODEL;
  readonly promptVersion = LOCAL_WRITER_VERSION;
  readonly supportsRepair = false;

  constructor(private readonly promptWords: (request: ProviderRequest) => number = () => 0) {}

  async generate(request: ProviderRequest): Promise<ProviderOutput> {
    const synthesis = writeLocalSynthesis(request.input, request.offers);
    return {
      content: synthesis,
      rawText: JSON.stringify(synthesis),
      usage: {
        inputTokens: this.promptWords(request),
        outputTokens: countWords(synthesisText(synthesis)),
      },
    };
  }
}
