// ARIA through OpenAI: chat completions streamed (stream: true, usage in the last chunk),
// the SDK's own retries off, ours in llm-stream.ts.
import OpenAI from "openai";
import { estimateTokens } from "../llm-call";
import {
  type TutorProvider,
  type TutorRequest,
  type TutorResult,
  zTutorRequest,
} from "./contracts";
import { type StreamOptions, streamWithBudget } from "./llm-stream";
import { citedIndexes, tutorMessages, tutorSystemPrompt } from "./prompt";

export interface OpenAITutorOptions extends StreamOptions {
  apiKey: string;
  model: string;
  baseURL?: string;
  timeoutMs: number;
  maxOutputTokens: number;
}

export class OpenAITutor implements TutorProvider {
  readonly name = "openai" as const;
  readonly deterministic = false;
  readonly model: string;
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAITutorOptions) {
    this.model = options.model;
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      maxRetries: 0,
    });
  }

  async *answer(input: TutorRequest, signal?: AbortSignal): AsyncGenerator<string, TutorResult> {
    const request = zTutorRequest.parse(input);
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: "system", content: tutorSystemPrompt(request) },
      ...tutorMessages(request),
    ];
    const estimate =
      estimateTokens(...messages.map((m) => String(m.content))) + this.options.maxOutputTokens;
    let text = "";
    const usage = yield* streamWithBudget(
      "openai",
      estimate,
      async (sig) => {
        const stream = await this.client.chat.completions.create(
          {
            model: this.model,
            messages,
            max_completion_tokens: this.options.maxOutputTokens,
            stream: true,
            stream_options: { include_usage: true },
          },
          { signal: sig },
        );
        let tokens = { inputTokens: 0, outputTokens: 0 };
        let finished = false;
        async function* deltas() {
          for await (const chunk of stream) {
            if (chunk.choices[0]?.finish_reason) finished = true;
            if (chunk.usage) {
              tokens = {
                inputTokens: chunk.usage.prompt_tokens,
                outputTokens: chunk.usage.completion_tokens,
              };
            }
            const delta = chunk.choices[0]?.delta?.content;
            if (delta) {
              text += delta;
              yield delta;
            }
          }
          // A stream that ends without a finish_reason was cut (proxy, network).
          if (!finished) throw new Error("flux OpenAI interrompu avant la fin de la réponse");
        }
        return { deltas: deltas(), usage: () => tokens };
      },
      this.options,
      signal,
    );
    const cited = citedIndexes(text, request.passages.length);
    return { cited, noSource: cited.length === 0, ...usage };
  }
}
