// OpenAI provider: chat completions with strict structured outputs (JSON schema
// derived from zSynthesis). Retries, timeouts and the rate budget are ours
// (llm-call.ts); the SDK's own retries are off.
import OpenAI from "openai";
import { buildBilanPrompt, buildRepairMessage, PROMPT_VERSION } from "./bilan-prompt";
import type { ProviderOutput, ProviderRequest, SynthesisProvider } from "./contracts";
import { SynthesisError } from "./errors";
import { synthesisJsonSchema } from "./json-schema";
import { callLlm, estimateTokens, type LlmCallOptions, parseJsonText } from "./llm-call";

export const DEFAULT_OPENAI_MODEL = "gpt-4o-mini";

export interface OpenAIProviderOptions extends LlmCallOptions {
  apiKey: string;
  model: string;
  baseURL?: string;
  timeoutMs: number;
  maxOutputTokens: number;
  fetch?: typeof fetch;
}

export class OpenAISynthesisProvider implements SynthesisProvider {
  readonly name = "openai" as const;
  readonly promptVersion = PROMPT_VERSION;
  readonly supportsRepair = true;
  readonly model: string;
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAIProviderOptions) {
    this.model = options.model;
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      maxRetries: 0,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async generate(request: ProviderRequest, signal?: AbortSignal): Promise<ProviderOutput> {
    const prompt = buildBilanPrompt(request.input, request.offers, this.promptVersion);
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: "system", content: prompt.system },
      { role: "user", content: prompt.user },
    ];
    if (request.repair) {
      messages.push(
        { role: "assistant", content: request.repair.previous.rawText },
        { role: "user", content: buildRepairMessage(request.repair.problems) },
      );
    }
    const estimate =
      estimateTokens(...messages.map((m) => String(m.content))) + this.options.maxOutputTokens;
    const completion = await callLlm(
      "openai",
      this.model,
      estimate,
      async (sig) => {
        const value = await this.client.chat.completions.create(
          {
            model: this.model,
            messages,
            max_completion_tokens: this.options.maxOutputTokens,
            response_format: {
              type: "json_schema",
              json_schema: { name: "bilan_synthesis", strict: true, schema: synthesisJsonSchema() },
            },
          },
          { signal: sig },
        );
        return { value, tokens: value.usage?.total_tokens ?? estimate };
      },
      this.options,
      signal,
    );
    const message = completion.choices[0]?.message;
    if (message?.refusal) {
      throw new SynthesisError(
        "provider_rejected",
        `OpenAI (${this.model}) a refusé de rédiger le bilan : ${message.refusal}`,
        false,
      );
    }
    const rawText = message?.content ?? "";
    return {
      content: parseJsonText(rawText),
      rawText,
      usage: {
        inputTokens: completion.usage?.prompt_tokens ?? 0,
        outputTokens: completion.usage?.completion_tokens ?? 0,
      },
    };
  }
}
