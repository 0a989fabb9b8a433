// The offline provider: the deterministic French writer (local-writer.ts).
// Token figures are estimates by word count (words of the prompt an LLM would
// have received, words of the produced text), so usage stays comparable.
import { buildBilanPrompt } from "./bilan-prompt";
import { countWords, LocalWriterProvider } from "./local-writer-provider";

export class LocalSynthesisProvider extends LocalWriterProvider {
  constructor() {
    super((request) => {
      const prompt = buildBilanPrompt(request.input, request.offers);
      return countWords(`${prompt.system} ${prompt.user}`);
    });
  }
}
