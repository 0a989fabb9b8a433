import type { Synthesis } from "@nexus/shared/synthesis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SynthesisError } from "./errors";
import { generateSynthesis } from "./generate";
import { writeLocalSynthesis } from "./local-writer";
import { selectOffers } from "./offers";
import { createProviderFromEnv } from "./provider-env";
import { unlimitedRateBudget } from "./rate-budget";
import {
  anthropicToolMessage,
  apiError,
  type FakeServer,
  startFakeServer,
} from "./test-fake-server";
import { makeInput } from "./test-fixtures";

const input = makeInput({
  subject: "physique-chimie",
  masteries: ["en_cours", "non_acquis", "maitrise", "acquis"],
  profile: "moyen",
  niveau: "terminale",
  chunks: true,
});
const good: Synthesis = writeLocalSynthesis(
  input,
  selectOffers(input.scores, input.profile, input.student),
);

let server: FakeServer;
let delays: number[];

function provider(extraEnv: Record<string, string> = {}) {
  return createProviderFromEnv(
    {
      ANTHROPIC_API_KEY: "sk-ant-test",
      ANTHROPIC_BASE_URL: server.url,
      LLM_MAX_RETRIES: "2",
      ...extraEnv,
    },
    {
      budget: unlimitedRateBudget,
      retry: {
        sleep: async (ms) => {
          delays.push(ms);
        },
        random: () => 0.5,
      },
    },
  );
}

beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  delays = [];
});

describe("Anthropic provider against a fake server", () => {
  it("is chosen when only ANTHROPIC_API_KEY is set and generates through a forced tool", async () => {
    server.script([{ status: 200, body: anthropicToolMessage(good) }]);
    const p = provider();
    expect(p.name).toBe("anthropic");
    const result = await generateSynthesis(input, p);
    expect(result.synthesis).toEqual(good);
    expect(result.meta).toMatchObject({
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      promptVersion: "bilan-v1",
      inputTokens: 1500,
      outputTokens: 900,
    });
    const req = server.requests[0]!;
    expect(req.path).toBe("/v1/messages");
    // The SDK sends the key as x-api-key or as a bearer token depending on its version.
    expect(`${req.headers["x-api-key"] ?? ""} ${req.headers.authorization ?? ""}`).toContain(
      "sk-ant-test",
    );
    expect(req.body.tool_choice).toEqual({ type: "tool", name: "enregistrer_bilan" });
    expect(req.body.tools[0].input_schema.type).toBe("object");
    expect(req.body.system).toContain("Réponds uniquement par un objet JSON");
    expect(req.body.messages[0].content).toContain("| ondes | Ondes et signaux |");
  });

  it("retries after a 429 with retry-after-ms", async () => {
    server.script([
      apiError(429, "rate_limit_error", { "retry-after-ms": "1500" }),
      { status: 200, body: anthropicToolMessage(good) },
    ]);
    const result = await generateSynthesis(input, provider());
    expect(result.synthesis).toEqual(good);
    expect(server.requests).toHaveLength(2);
    expect(delays).toEqual([1500]);
  });

  it("repairs a schema violation by answering the tool_use with the errors", async () => {
    const broken = {
      ...structuredClone(good),
      studyPlan: [{ week: 0, objectives: [], activities: [] }],
    };
    server.script([
      { status: 200, body: anthropicToolMessage(broken) },
      { status: 200, body: anthropicToolMessage(good) },
    ]);
    const result = await generateSynthesis(input, provider());
    expect(result.repaired).toBe(true);
    expect(result.synthesis).toEqual(good);
    const messages = server.requests[1]!.body.messages;
    expect(messages[1]).toMatchObject({
      role: "assistant",
      content: [{ type: "tool_use", id: "toolu_test_1", name: "enregistrer_bilan", input: broken }],
    });
    const toolResult = messages[2].content[0];
    expect(toolResult).toMatchObject({
      type: "tool_result",
      tool_use_id: "toolu_test_1",
      is_error: true,
    });
    expect(toolResult.content).toContain("studyPlan[0].week");
    expect(toolResult.content).toContain("studyPlan[0].objectives");
  });

  it("repairs a grounding violation (unknown domain, invented source)", async () => {
    const ungrounded = structuredClone(good);
    ungrounded.strengths[0]!.domainId = "thermodynamique";
    ungrounded.recommendations[0]!.sources = [
      { chunkId: "c-404", documentTitle: "Inventé", page: 1 },
    ];
    server.script([
      { status: 200, body: anthropicToolMessage(ungrounded) },
      { status: 200, body: anthropicToolMessage(good) },
    ]);
    const result = await generateSynthesis(input, provider());
    expect(result.repaired).toBe(true);
    const feedback = server.requests[1]!.body.messages[2].content[0].content as string;
    expect(feedback).toContain("thermodynamique");
    expect(feedback).toContain("c-404");
  });

  it("fails retryable after persistent overload (529)", async () => {
    server.script([apiError(529, "Overloaded")]);
    const error = await generateSynthesis(input, provider()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SynthesisError);
    expect(error).toMatchObject({ code: "provider_unavailable", retryable: true });
    expect((error as Error).message).toMatch(
      /Anthropic \(claude-sonnet-4-5\) est indisponible : HTTP 529 après 3 tentatives/,
    );
    expect(server.requests).toHaveLength(3);
    expect(delays).toEqual([1000, 2000]);
  });

  it("fails, not retryable, when the repair is still invalid", async () => {
    server.script([{ status: 200, body: anthropicToolMessage({ summary: "" }) }]);
    const error = await generateSynthesis(input, provider()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "invalid_output", retryable: false });
    expect((error as Error).message).toContain("après une tentative de correction");
    expect(server.requests).toHaveLength(2);
  });
});
