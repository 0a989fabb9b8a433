import type { Synthesis } from "@nexus/shared/synthesis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SynthesisError } from "./errors";
import { generateSynthesis } from "./generate";
import { writeLocalSynthesis } from "./local-writer";
import { selectOffers } from "./offers";
import { createProviderFromEnv } from "./provider-env";
import { unlimitedRateBudget } from "./rate-budget";
import { apiError, type FakeServer, openAICompletion, startFakeServer } from "./test-fake-server";
import { makeInput } from "./test-fixtures";

const input = makeInput({
  subject: "maths",
  masteries: ["non_acquis", "en_cours", "acquis", "maitrise"],
  profile: "fragile",
  chunks: true,
});
// A grounded answer, as a well-behaved model would write it.
const good: Synthesis = writeLocalSynthesis(
  input,
  selectOffers(input.scores, input.profile, input.student),
);

let server: FakeServer;
let delays: number[];

function provider(extraEnv: Record<string, string> = {}) {
  return createProviderFromEnv(
    {
      LLM_PROVIDER: "openai",
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: `${server.url}/v1`,
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

describe("OpenAI provider against a fake server", () => {
  it("generates a grounded synthesis with structured outputs", async () => {
    server.script([{ status: 200, body: openAICompletion(JSON.stringify(good)) }]);
    const result = await generateSynthesis(input, provider({ OPENAI_MODEL: "gpt-4o-mini-test" }));
    expect(result.synthesis).toEqual(good);
    expect(result.repaired).toBe(false);
    expect(result.meta).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini-test",
      promptVersion: "bilan-v1",
      inputTokens: 1200,
      outputTokens: 800,
    });
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.path).toBe("/v1/chat/completions");
    expect(req.headers.authorization).toBe("Bearer sk-test");
    expect(req.body.model).toBe("gpt-4o-mini-test");
    expect(req.body.response_format.type).toBe("json_schema");
    expect(req.body.response_format.json_schema.strict).toBe(true);
    expect(req.body.response_format.json_schema.schema.required).toContain("recommendations");
    // The prompt carries the exact figures, the domain ids, the chunks and the allowed offers.
    const user = req.body.messages[1].content as string;
    expect(req.body.messages[0].role).toBe("system");
    expect(user).toContain("| suites | Suites numériques | 25\u00a0% | Non acquis |");
    expect(user).toContain("chunkId: maths-c1");
    expect(user).toContain("offerId: stage-intensif");
  });

  it("retries after a 429, honouring retry-after", async () => {
    server.script([
      apiError(429, "Rate limit reached", { "retry-after": "2" }),
      { status: 200, body: openAICompletion(JSON.stringify(good)) },
    ]);
    const result = await generateSynthesis(input, provider());
    expect(result.synthesis).toEqual(good);
    expect(server.requests).toHaveLength(2);
    expect(delays).toEqual([2000]);
  });

  it("backs off exponentially without retry-after, then fails retryable on a persistent outage", async () => {
    server.script([apiError(500, "Internal error")]);
    const error = await generateSynthesis(input, provider()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SynthesisError);
    expect(error).toMatchObject({ code: "provider_unavailable", retryable: true });
    expect((error as Error).message).toMatch(
      /OpenAI \(gpt-4o-mini\) est indisponible : HTTP 500 après 3 tentatives/,
    );
    expect(server.requests).toHaveLength(3);
    expect(delays).toEqual([1000, 2000]);
  });

  it("repairs invalid JSON once, sending the validation errors back", async () => {
    const broken = { ...good, recommendations: [] } as Record<string, unknown>;
    delete broken.parentSummary;
    server.script([
      { status: 200, body: openAICompletion(JSON.stringify(broken)) },
      { status: 200, body: openAICompletion(JSON.stringify(good)) },
    ]);
    const result = await generateSynthesis(input, provider());
    expect(result.repaired).toBe(true);
    expect(result.synthesis).toEqual(good);
    expect(result.meta.inputTokens).toBe(2400);
    const repair = server.requests[1]!.body.messages as { role: string; content: string }[];
    expect(repair).toHaveLength(4);
    expect(repair[2]).toEqual({ role: "assistant", content: JSON.stringify(broken) });
    expect(repair[3]!.content).toContain("parentSummary");
    expect(repair[3]!.content).toContain("recommendations");
  });

  it("repairs text that is not JSON at all", async () => {
    server.script([
      { status: 200, body: openAICompletion("Voici le bilan : Léa progresse bien.") },
      { status: 200, body: openAICompletion(JSON.stringify(good)) },
    ]);
    const result = await generateSynthesis(input, provider());
    expect(result.repaired).toBe(true);
    expect(server.requests[1]!.body.messages[3].content).toContain("pas un objet JSON valide");
  });

  it("repairs a grounding violation on the second call", async () => {
    const ungrounded = structuredClone(good);
    ungrounded.weaknesses[0]!.text = "Le domaine « Suites numériques » est à 33 %.";
    ungrounded.recommendations[0]!.sources = [
      { chunkId: "maths-c1", documentTitle: "Fiches de révision maths", page: 9 },
    ];
    server.script([
      { status: 200, body: openAICompletion(JSON.stringify(ungrounded)) },
      { status: 200, body: openAICompletion(JSON.stringify(good)) },
    ]);
    const result = await generateSynthesis(input, provider());
    expect(result.repaired).toBe(true);
    expect(result.synthesis).toEqual(good);
    const repairText = server.requests[1]!.body.messages[3].content as string;
    expect(repairText).toContain("weaknesses[0].text");
    expect(repairText).toContain("33 %");
    expect(repairText).toContain("page 4");
  });

  it("fails, not retryable, when the repaired answer is still ungrounded", async () => {
    const ungrounded = structuredClone(good);
    ungrounded.summary = "Réussite globale : 99 %.";
    server.script([{ status: 200, body: openAICompletion(JSON.stringify(ungrounded)) }]);
    const error = await generateSynthesis(input, provider()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ungrounded", retryable: false });
    expect((error as Error).message).toMatch(/après une tentative de correction.*99 %/);
    expect(server.requests).toHaveLength(2);
  });

  it("keeps the rule-selected offers even when the model drops one, and rejects invented ones", async () => {
    const dropped = {
      ...structuredClone(good),
      offers: [{ ...good.offers[0]!, reason: "Reformulé par le modèle." }],
    };
    server.script([{ status: 200, body: openAICompletion(JSON.stringify(dropped)) }]);
    const result = await generateSynthesis(input, provider());
    expect(result.synthesis.offers.map((o) => o.offerId)).toEqual(
      good.offers.map((o) => o.offerId),
    );
    expect(result.synthesis.offers[0]!.reason).toBe("Reformulé par le modèle.");
    expect(result.synthesis.offers[1]!.reason).toBe(good.offers[1]!.reason);

    const invented = {
      ...structuredClone(good),
      offers: [...good.offers, { offerId: "vip", title: "VIP", reason: "…" }],
    };
    server.script([
      { status: 200, body: openAICompletion(JSON.stringify(invented)) },
      { status: 200, body: openAICompletion(JSON.stringify(good)) },
    ]);
    const repaired = await generateSynthesis(input, provider());
    expect(repaired.repaired).toBe(true);
    expect(server.requests[1]!.body.messages[3].content).toContain("vip");
  });

  it("does not retry a rejected request (401)", async () => {
    server.script([apiError(401, "Incorrect API key provided")]);
    const error = await generateSynthesis(input, provider()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "provider_rejected", retryable: false });
    expect((error as Error).message).toContain("HTTP 401");
    expect(server.requests).toHaveLength(1);
  });

  it("times out a silent server and reports it as retryable", async () => {
    server.script([{ status: 200, hang: true }]);
    const error = await generateSynthesis(
      input,
      provider({ LLM_TIMEOUT_MS: "150", LLM_MAX_RETRIES: "1" }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "provider_unavailable", retryable: true });
    expect((error as Error).message).toContain("délai de réponse dépassé");
    expect(server.requests).toHaveLength(2);
  });
});
