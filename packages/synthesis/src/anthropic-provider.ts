// Anthropic provider: the Messages API with one forced tool whose input_schema is
// the synthesis JSON schema, so the answer arrives as structured tool input.
// Retries, timeouts and the rate budget are ours (llm-call.ts).
import Anthropic from "@anthropic-ai/sdk";
import { buildBilanPrompt, buildRepairMessage, PROMPT_VERSION } from "./bilan-prompt";
import type { ProviderOutput, ProviderRequest, SynthesisProvider } from "./contracts";
import { synthesisJsonSchema } from "./json-schema";
import { callLlm, estimateTokens, type LlmCallOptions, parseJsonText } from "./llm-call";

export const DEFAULT_ANTHROPIC_MODEL = "claude-sonnet-4-5";
export const SYNTHESIS_TOOL_NAME = "enregistrer_bilan";

export interface AnthropicProviderOptions extends LlmCallOptions {
  apiKey: string;
  model: string;
  baseURL?: string;
  timeoutMs: number;
  maxOutputTokens: number;
  fetch?: typeof fetch;
}

interface ToolReplay {
  toolUseId: string;
  input: unknown;
}

export class AnthropicSynthesisProvider implements SynthesisProvider {
  readonly name = "anthropic" as const;
  readonly promptVersion = PROMPT_VERSION;
  readonly supportsRepair = true;
  readonly model: string;
  private readonly client: Anthropic;

  constructor(private readonly options: AnthropicProviderOptions) {
    this.model = options.model;
    this.client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      maxRetries: 0,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async generate(request: ProviderRequest, signal?: AbortSignal): Promise<ProviderOutput> {
    const prompt = buildBilanPrompt(request.input, request.offers, this.promptVersion);
    const messages: Anthropic.MessageParam[] = [{ role: "user", content: prompt.user }];
    if (request.repair) {
      const repairText = buildRepairMessage(request.repair.problems);
      const replay = request.repair.previous.replay as ToolReplay | undefined;
      if (replay) {
        // A tool_use must be answered by its tool_result: the errors go there.
        messages.push(
          {
            role: "assistant",
            content: [
              {
                type: "tool_use",
                id: replay.toolUseId,
                name: SYNTHESIS_TOOL_NAME,
                input: replay.input,
              },
            ],
          },
          {
            role: "user",
            content: [
              {
                type: "tool_result",
                tool_use_id: replay.toolUseId,
                is_error: true,
                content: repairText,
              },
            ],
          },
        );
      } else {
        messages.push(
          { role: "assistant", content: request.repair.previous.rawText || "(réponse vide)" },
          { role: "user", content: repairText },
        );
      }
    }
    const estimate =
      estimateTokens(prompt.system, prompt.user, request.repair?.previous.rawText ?? "") +
      this.options.maxOutputTokens;
    const response = await callLlm(
      "anthropic",
      this.model,
      estimate,
      async (sig) => {
        const value = await this.client.messages.create(
          {
            model: this.model,
            max_tokens: this.options.maxOutputTokens,
            system: prompt.system,
            messages,
            tools: [
              {
                name: SYNTHESIS_TOOL_NAME,
                description: "Enregistre le bilan pédagogique structuré.",
                input_schema: synthesisJsonSchema() as Anthropic.Tool.InputSchema,
              },
            ],
            tool_choice: { type: "tool", name: SYNTHESIS_TOOL_NAME },
          },
          { signal: sig },
        );
        return { value, tokens: value.usage.input_tokens + value.usage.output_tokens };
      },
      this.options,
      signal,
    );
    const usage = {
      inputTokens: response.usage.input_tokens,
      outputTokens: response.usage.output_tokens,
    };
    const tool = response.content.find(
      (b): b is Anthropic.ToolUseBlock => b.type === "tool_use" && b.name === SYNTHESIS_TOOL_NAME,
    );
    if (tool) {
      const replay: ToolReplay = { toolUseId: tool.id, input: tool.input };
      return { content: tool.input, rawText: JSON.stringify(tool.input), usage, replay };
    }
    const rawText = response.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("\n");
    return { content: parseJsonText(rawText), rawText, usage };
  }
}
