// The offline provider: the deterministic French writer (local-writer.ts).
// Token figures are estimates by word count (words of the prompt an LLM would
// have received, words of the produced text), so usage stays comparable.
import type { Synthesis } from "@nexus/shared/synthesis";
import { buildBilanPrompt } from "./bilan-prompt";
import type { ProviderOutput, ProviderRequest, SynthesisProvider } from "./contracts";
import { writeLocalSynthesis } from "./local-writer";

export const LOCAL_MODEL = "nexus-local-writer";
export const LOCAL_WRITER_VERSION = "local-writer-v1";

export function countWords(text: string): number {
  return text.split(/\s+/u).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

function synthesisText(s: Synthesis): string {
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

export class LocalSynthesisProvider implements SynthesisProvider {
  readonly name = "local" as const;
  readonly model = LOCAL_MODEL;
  readonly promptVersion = LOCAL_WRITER_VERSION;
  readonly supportsRepair = false;

  async generate(request: ProviderRequest): Promise<ProviderOutput> {
    const synthesis = writeLocalSynthesis(request.input, request.offers);
    const prompt = buildBilanPrompt(request.input, request.offers);
    return {
      content: synthesis,
      rawText: JSON.stringify(synthesis),
      usage: {
        inputTokens: countWords(`${prompt.system} ${prompt.user}`),
        outputTokens: countWords(synthesisText(synthesis)),
      },
    };
  }
}
