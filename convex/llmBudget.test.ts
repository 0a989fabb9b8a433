import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import { type BudgetState, decide, release, WINDOW_MS } from "./model/llmBudget";
import { makeConvexTest } from "./test.setup";
import { asStaffMember, asWorker, outcomeOf, withApiKey } from "./world.fixtures";

const limits = { requestsPerMinute: 3, tokensPerMinute: 1000, concurrency: 2 };
const empty: BudgetState = { windowStart: 0, requests: 0, tokens: 0, leases: [] };

function grant(state: BudgetState, now: number, tokens: number, leaseId: string) {
  const decision = decide(state, { now, tokens, leaseId, leaseMs: 30_000 }, limits);
  if (!decision.granted) throw new Error(`expected a grant, got ${decision.reason}`);
  return decision.state;
}

describe("LLM budget rules", () => {
  it("limits concurrent calls and frees a slot on release", () => {
    let state = grant(empty, 10, 100, "a");
    state = grant(state, 20, 100, "b");
    expect(
      decide(state, { now: 30, tokens: 100, leaseId: "c", leaseMs: 30_000 }, limits),
    ).toMatchObject({
      granted: false,
      reason: "concurrency",
    });
    state = release(state, "a", 100, 40);
    expect(
      decide(state, { now: 50, tokens: 100, leaseId: "c", leaseMs: 30_000 }, limits).granted,
    ).toBe(true);
  });

  it("limits requests per minute until the window rolls over", () => {
    let state = empty;
    for (const id of ["a", "b", "c"]) state = release(grant(state, 10, 1, id), id, 1, 11);
    const refused = decide(state, { now: 20, tokens: 1, leaseId: "d", leaseMs: 1000 }, limits);
    expect(refused).toEqual({ granted: false, reason: "requests", retryAfterMs: WINDOW_MS - 20 });
    expect(
      decide(state, { now: WINDOW_MS, tokens: 1, leaseId: "d", leaseMs: 1000 }, limits).granted,
    ).toBe(true);
  });

  it("counts actual tokens on release and refuses what would exceed tokens per minute", () => {
    let state = grant(empty, 0, 100, "a");
    state = release(state, "a", 900, 5); // the call used more than estimated
    expect(state.tokens).toBe(900);
    expect(
      decide(state, { now: 6, tokens: 200, leaseId: "b", leaseMs: 1000 }, limits),
    ).toMatchObject({
      granted: false,
      reason: "tokens",
    });
    expect(
      decide(state, { now: 6, tokens: 100, leaseId: "b", leaseMs: 1000 }, limits).granted,
    ).toBe(true);
  });

  it("stops counting a lease whose holder crashed once it expires", () => {
    let state = grant(empty, 0, 1, "a");
    state = grant(state, 0, 1, "b");
    expect(
      decide(state, { now: 29_999, tokens: 1, leaseId: "c", leaseMs: 1 }, limits).granted,
    ).toBe(false);
    expect(
      decide(state, { now: 30_001, tokens: 1, leaseId: "c", leaseMs: 1 }, limits).granted,
    ).toBe(true);
  });
});

describe("llmBudget functions", () => {
  it("shares one budget between callers and refuses non-workers", async () => {
    const t = makeConvexTest();
    const args = {
      provider: "openai",
      tokens: 10,
      leaseMs: 60_000,
      limits: { ...limits, concurrency: 1 },
    };
    const first = await asWorker(t).mutation(api.llmBudget.acquire, args);
    expect(first.granted).toBe(true);
    expect(await asWorker(t).mutation(api.llmBudget.acquire, args)).toMatchObject({
      granted: false,
      reason: "concurrency",
    });
    if (!first.granted) throw new Error("unreachable");
    await asWorker(t).mutation(api.llmBudget.release, {
      provider: "openai",
      leaseId: first.leaseId,
      actualTokens: 12,
    });
    expect((await asWorker(t).mutation(api.llmBudget.acquire, args)).granted).toBe(true);
    // Nobody but the worker: no identity, a signed-in admin, an admin's API key.
    const admin = await asStaffMember(t);
    const adminId = (await admin.query(api.users.me, {}))!._id;
    for (const caller of [t, admin, (await withApiKey(t, adminId)).client]) {
      expect(await outcomeOf(caller.mutation(api.llmBudget.acquire, args))).toBe("WORKER_AUTH");
    }
  });
});
