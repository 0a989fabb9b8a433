import { describe, expect, it } from "vitest";
import { createProviderFromEnv, ProviderConfigError, parseLlmEnv } from "./provider-env";

describe("createProviderFromEnv", () => {
  it.each([
    [{}, "local", "nexus-local-writer"],
    [{ OPENAI_API_KEY: "" }, "local", "nexus-local-writer"],
    [{ OPENAI_API_KEY: "sk" }, "openai", "gpt-4o-mini"],
    [{ ANTHROPIC_API_KEY: "sk" }, "anthropic", "claude-sonnet-4-5"],
    [{ OPENAI_API_KEY: "sk", ANTHROPIC_API_KEY: "sk" }, "openai", "gpt-4o-mini"],
    [
      {
        LLM_PROVIDER: "anthropic",
        OPENAI_API_KEY: "sk",
        ANTHROPIC_API_KEY: "sk",
        ANTHROPIC_MODEL: "claude-haiku-4-5",
      },
      "anthropic",
      "claude-haiku-4-5",
    ],
    [{ LLM_PROVIDER: "local", OPENAI_API_KEY: "sk" }, "local", "nexus-local-writer"],
    [
      { LLM_PROVIDER: " OpenAI ", OPENAI_API_KEY: "sk", OPENAI_MODEL: "gpt-4.1-mini" },
      "openai",
      "gpt-4.1-mini",
    ],
  ] as [Record<string, string>, string, string][])("%o → %s %s", (env, name, model) => {
    const p = createProviderFromEnv(env);
    expect(p.name).toBe(name);
    expect(p.model).toBe(model);
  });

  it("gives clear errors for inconsistent or invalid settings", () => {
    expect(() => createProviderFromEnv({ LLM_PROVIDER: "openai" })).toThrow(
      /requires OPENAI_API_KEY/,
    );
    expect(() => createProviderFromEnv({ LLM_PROVIDER: "anthropic" })).toThrow(
      /requires ANTHROPIC_API_KEY/,
    );
    expect(() => createProviderFromEnv({ LLM_PROVIDER: "mistral" })).toThrow(ProviderConfigError);
    expect(() => parseLlmEnv({ LLM_RPM: "beaucoup" })).toThrow(/LLM_RPM/);
    expect(() => parseLlmEnv({ OPENAI_BASE_URL: "not a url" })).toThrow(/OPENAI_BASE_URL/);
  });

  it("reads rate and retry settings with defaults", () => {
    expect(parseLlmEnv({})).toMatchObject({
      LLM_MAX_CONCURRENCY: 4,
      LLM_RPM: 60,
      LLM_TPM: 200_000,
      LLM_MAX_RETRIES: 3,
      LLM_TIMEOUT_MS: 60_000,
    });
    expect(parseLlmEnv({ LLM_RPM: "500", LLM_MAX_RETRIES: "0" })).toMatchObject({
      LLM_RPM: 500,
      LLM_MAX_RETRIES: 0,
    });
  });
});
