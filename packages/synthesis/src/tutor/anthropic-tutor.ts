// ARIA through Anthropic: the Messages API streamed (stream: true events: message_start
// carries the input tokens, content_block_delta the text, message_delta the output tokens),
// the SDK's own retries off, ours in llm-stream.ts.
import Anthropic from "@anthropic-ai/sdk";
import { estimateTokens } from "../llm-call";
import {
  type TutorProvider,
  type TutorRequest,
  type TutorResult,
  zTutorRequest,
} from "./contracts";
import { type StreamOptions, streamWithBudget } from "./llm-stream";
import { citedIndexes, tutorMessages, tutorSystemPrompt } from "./prompt";

export interface AnthropicTutorOptions extends StreamOptions {
  apiKey: string;
  model: string;
  baseURL?: string;
  timeoutMs: number;
  maxOutputTokens: number;
}

export class AnthropicTutor implements TutorProvider {
  readonly name = "anthropic" as const;
  readonly deterministic = false;
  readonly model: string;
  private readonly client: Anthropic;

  constructor(private readonly options: AnthropicTutorOptions) {
    this.model = options.model;
    this.client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      maxRetries: 0,
    });
  }

  async *answer(input: TutorRequest, signal?: AbortSignal): AsyncGenerator<string, TutorResult> {
    const request = zTutorRequest.parse(input);
    const system = tutorSystemPrompt(request);
    const messages = tutorMessages(request);
    const estimate =
      estimateTokens(system, ...messages.map((m) => m.content)) + this.options.maxOutputTokens;
    let text = "";
    const usage = yield* streamWithBudget(
      "anthropic",
      estimate,
      async (sig) => {
        const stream = await this.client.messages.create(
          {
            model: this.model,
            system,
            messages,
            max_tokens: this.options.maxOutputTokens,
            stream: true,
          },
          { signal: sig },
        );
        const tokens = { inputTokens: 0, outputTokens: 0 };
        let stopped = false;
        async function* deltas() {
          for await (const event of stream) {
            if (event.type === "message_start") {
              tokens.inputTokens = event.message.usage.input_tokens;
            } else if (event.type === "message_delta") {
              tokens.outputTokens = event.usage.output_tokens;
            } else if (event.type === "message_stop") {
              stopped = true;
            } else if (event.type === "content_block_delta" && event.delta.type === "text_delta") {
              text += event.delta.text;
              yield event.delta.text;
            }
          }
          // A stream that ends without message_stop was cut (proxy, network).
          if (!stopped) throw new Error("flux Anthropic interrompu avant la fin du message");
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
