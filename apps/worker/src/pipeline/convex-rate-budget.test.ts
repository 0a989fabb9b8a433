// The shared LLM rate budget, worker side, against the real Convex functions (convex-test):
// a refused call waits exactly the retryAfterMs Convex gives, the tokens a call really used are
// what the window counts, a crashed holder's lease expires, and a provider call under this
// budget releases the tokens its response reports.
// Mutants this catches: sleeping a fixed short delay instead of retryAfterMs (more acquire
// calls before the lease frees); releasing 0 (or the estimate) instead of actualTokens; decide()
// counting expired leases (the waiter never gets in); the release never sent.
import { generateSynthesis } from "@nexus/synthesis/generate";
import { writeLocalSynthesis } from "@nexus/synthesis/local-writer";
import { selectOffers } from "@nexus/synthesis/offers";
import { createProviderFromEnv } from "@nexus/synthesis/provider-env";
import type { RateLimits } from "@nexus/synthesis/rate-budget";
import {
  apiError,
  type FakeServer,
  openAICompletion,
  startFakeServer,
} from "@nexus/synthesis/test-fake-server";
import { makeInput } from "@nexus/synthesis/test-fixtures";
import { getFunctionName } from "convex/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { makeConvexTest } from "../../../../convex/test.setup";
import type { T } from "../../../../convex/world.fixtures";
import { workerConvexOf } from "../convex-test.test-helpers.ts";
import type { WorkerConvex } from "../handler.ts";
import { createConvexRateBudget } from "./convex-rate-budget.ts";

afterEach(() => {
  vi.useRealTimers();
});

/** The worker's client, recording every call so a test can await the fire-and-forget release. */
function recordingConvex(t: T) {
  const inner = workerConvexOf(t);
  const calls: { name: string; args: unknown; done: Promise<unknown> }[] = [];
  const convex: WorkerConvex = {
    query: inner.query,
    action: inner.action,
    mutation: (ref, args) => {
      const done = inner.mutation(ref, args);
      calls.push({ name: getFunctionName(ref), args, done });
      return done;
    },
  };
  const named = (name: string) => calls.filter((c) => c.name === name);
  const settled = () => Promise.all(calls.map((c) => c.done.catch(() => {})));
  return { convex, named, settled };
}

async function budgetRow(t: T, provider: string) {
  return await t.run(
    async (ctx) =>
      await ctx.db
        .query("llmBudgets")
        .withIndex("by_provider", (q) => q.eq("provider", provider))
        .unique(),
  );
}

function limits(partial: Partial<RateLimits>): RateLimits {
  return { maxConcurrency: 10, requestsPerMinute: 100, tokensPerMinute: 100_000, ...partial };
}

/** Lets pending promises and convex-test's work run without moving the fake clock. */
async function flush() {
  for (let i = 0; i < 20; i++) await vi.advanceTimersByTimeAsync(0);
}

describe("createConvexRateBudget against Convex", () => {
  it("waits the retryAfterMs Convex gives, then gets in once the holder releases", async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const t = makeConvexTest();
    const { convex, named, settled } = recordingConvex(t);
    const budget = createConvexRateBudget(convex, limits({ maxConcurrency: 1 }), {
      leaseMs: 60_000,
    });
    const releaseA = await budget.acquire("openai", 100);
    let granted = false;
    const b = budget.acquire("openai", 100).then((release) => {
      granted = true;
      return release;
    });
    await flush();
    // Refused on concurrency: the soonest lease ends in 60 s, so Convex says retry in 5 s.
    expect(named("llmBudget:acquire")).toHaveLength(2);
    releaseA(80);
    await settled();
    await vi.advanceTimersByTimeAsync(4_999);
    await flush();
    expect(granted).toBe(false);
    expect(named("llmBudget:acquire")).toHaveLength(2); // no retry before retryAfterMs
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    expect(granted).toBe(true);
    expect(named("llmBudget:acquire")).toHaveLength(3);
    (await b)(90);
    await settled();
    const row = await budgetRow(t, "openai");
    expect(row).toMatchObject({ requests: 2, tokens: 170, leases: [] });
  });

  it("counts the tokens a call really used, so the window refuses what would exceed it", async () => {
    vi.useFakeTimers({ now: 2_000_000 });
    const t = makeConvexTest();
    const { convex, named, settled } = recordingConvex(t);
    const budget = createConvexRateBudget(convex, limits({ tokensPerMinute: 1_000 }), {
      leaseMs: 30_000,
    });
    const release = await budget.acquire("openai", 100);
    release(900); // used far more than estimated
    await settled();
    expect((await budgetRow(t, "openai"))?.tokens).toBe(900);
    expect(named("llmBudget:release").map((c) => c.args)).toMatchObject([{ actualTokens: 900 }]);

    let granted = false;
    void budget.acquire("openai", 200).then(() => {
      granted = true;
    });
    await flush();
    expect(granted).toBe(false); // 900 + 200 > 1 000: waits for the next window
    await vi.advanceTimersByTimeAsync(60_000);
    await flush();
    expect(granted).toBe(true);
  });

  it("lets the next call in once a crashed holder's lease expires", async () => {
    vi.useFakeTimers({ now: 3_000_000 });
    const t = makeConvexTest();
    const { convex } = recordingConvex(t);
    const budget = createConvexRateBudget(convex, limits({ maxConcurrency: 1 }), {
      leaseMs: 2_000,
    });
    await budget.acquire("anthropic", 10); // the holder crashes: never released
    let granted = false;
    void budget.acquire("anthropic", 10).then(() => {
      granted = true;
    });
    await flush();
    expect(granted).toBe(false);
    await vi.advanceTimersByTimeAsync(2_000);
    await flush();
    expect(granted).toBe(true);
    expect((await budgetRow(t, "anthropic"))?.leases).toHaveLength(1);
  });

  it("stops waiting when the job is aborted", async () => {
    vi.useFakeTimers({ now: 4_000_000 });
    const t = makeConvexTest();
    const { convex } = recordingConvex(t);
    const budget = createConvexRateBudget(convex, limits({ maxConcurrency: 1 }), {
      leaseMs: 60_000,
    });
    await budget.acquire("openai", 10);
    const controller = new AbortController();
    const waiting = budget.acquire("openai", 10, controller.signal);
    const outcome = waiting.then(
      () => "granted",
      (error: unknown) => `rejected: ${String(error)}`,
    );
    await flush();
    controller.abort(new Error("timeout"));
    expect(await outcome).toBe("rejected: Error: timeout");
  });
});

describe("an LLM provider under the Convex budget", () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("releases the tokens the response reports, and 0 for a call that failed", async () => {
    server = await startFakeServer();
    const t = makeConvexTest();
    const { convex, named, settled } = recordingConvex(t);
    const budget = createConvexRateBudget(
      convex,
      limits({ maxConcurrency: 1, tokensPerMinute: 50_000 }),
      { leaseMs: 60_000 },
    );
    const provider = createProviderFromEnv(
      {
        LLM_PROVIDER: "openai",
        OPENAI_API_KEY: "sk-test",
        OPENAI_BASE_URL: `${server.url}/v1`,
        LLM_MAX_RETRIES: "0",
      },
      { budget, retry: { sleep: async () => {}, random: () => 0.5 } },
    );
    const input = makeInput({
      subject: "maths",
      masteries: ["non_acquis", "en_cours", "acquis", "maitrise"],
      profile: "fragile",
      chunks: true,
    });
    const good = writeLocalSynthesis(
      input,
      selectOffers(input.scores, input.profile, input.student),
    );
    server.script([{ status: 200, body: openAICompletion(JSON.stringify(good)) }]);
    const result = await generateSynthesis(input, provider);
    await settled();
    const used = result.meta.inputTokens + result.meta.outputTokens;
    expect(used).toBe(2_000);
    expect(named("llmBudget:release").map((c) => c.args)).toMatchObject([
      { provider: "openai", actualTokens: used },
    ]);
    expect(await budgetRow(t, "openai")).toMatchObject({ requests: 1, tokens: used, leases: [] });

    // A refused key: no tokens used, the estimate taken at acquire is given back.
    server.script([apiError(401, "Incorrect API key provided")]);
    await expect(generateSynthesis(input, provider)).rejects.toThrow();
    await settled();
    expect(named("llmBudget:release").map((c) => c.args)).toMatchObject([
      { actualTokens: used },
      { actualTokens: 0 },
    ]);
    expect(await budgetRow(t, "openai")).toMatchObject({ requests: 2, tokens: used, leases: [] });
  });
});
