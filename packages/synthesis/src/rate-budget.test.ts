import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { InMemoryRateBudget } from "./rate-budget";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2025-01-06T09:00:00Z"));
});
afterEach(() => {
  vi.useRealTimers();
});

/** Starts an acquire and tracks whether it has been granted. */
function track(budget: InMemoryRateBudget, provider: string, tokens = 10, signal?: AbortSignal) {
  const state = { granted: false, rejected: undefined as unknown, release: (_: number) => {} };
  budget.acquire(provider, tokens, signal).then(
    (release) => {
      state.granted = true;
      state.release = release;
    },
    (e) => {
      state.rejected = e;
    },
  );
  return state;
}

describe("InMemoryRateBudget", () => {
  it("enforces the concurrency limit per provider", async () => {
    const budget = new InMemoryRateBudget({
      maxConcurrency: 2,
      requestsPerMinute: 100,
      tokensPerMinute: 1e6,
    });
    const a = track(budget, "openai");
    const b = track(budget, "openai");
    const c = track(budget, "openai");
    const other = track(budget, "anthropic");
    await vi.advanceTimersByTimeAsync(0);
    expect([a.granted, b.granted, c.granted, other.granted]).toEqual([true, true, false, true]);
    a.release(10);
    await vi.advanceTimersByTimeAsync(0);
    expect(c.granted).toBe(true);
  });

  it("enforces requests per minute with a sliding window", async () => {
    const budget = new InMemoryRateBudget({
      maxConcurrency: 10,
      requestsPerMinute: 2,
      tokensPerMinute: 1e6,
    });
    const first = [track(budget, "openai"), track(budget, "openai")];
    const third = track(budget, "openai");
    await vi.advanceTimersByTimeAsync(0);
    for (const s of first) s.release(10);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(third.granted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(third.granted).toBe(true);
  });

  it("enforces tokens per minute using the actual tokens reported on release", async () => {
    const budget = new InMemoryRateBudget({
      maxConcurrency: 10,
      requestsPerMinute: 100,
      tokensPerMinute: 1000,
    });
    const a = track(budget, "anthropic", 800);
    const b = track(budget, "anthropic", 300);
    await vi.advanceTimersByTimeAsync(0);
    expect([a.granted, b.granted]).toEqual([true, false]);
    // The request used fewer tokens than estimated: room frees up at once.
    a.release(500);
    await vi.advanceTimersByTimeAsync(0);
    expect(b.granted).toBe(true);
    b.release(300);
    const c = track(budget, "anthropic", 300);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(c.granted).toBe(false);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(c.granted).toBe(true);
  });

  it("lets an oversized request run alone rather than wait forever", async () => {
    const budget = new InMemoryRateBudget({
      maxConcurrency: 10,
      requestsPerMinute: 100,
      tokensPerMinute: 100,
    });
    const big = track(budget, "openai", 5000);
    await vi.advanceTimersByTimeAsync(0);
    expect(big.granted).toBe(true);
  });

  it("removes an aborted waiter and rejects it", async () => {
    const budget = new InMemoryRateBudget({
      maxConcurrency: 1,
      requestsPerMinute: 100,
      tokensPerMinute: 1e6,
    });
    const a = track(budget, "openai");
    const controller = new AbortController();
    const b = track(budget, "openai", 10, controller.signal);
    const c = track(budget, "openai");
    await vi.advanceTimersByTimeAsync(0);
    controller.abort(new Error("job cancelled"));
    await vi.advanceTimersByTimeAsync(0);
    expect((b.rejected as Error).message).toBe("job cancelled");
    a.release(0);
    await vi.advanceTimersByTimeAsync(0);
    expect([b.granted, c.granted]).toEqual([false, true]);
  });

  it("rejects invalid limits", () => {
    expect(
      () => new InMemoryRateBudget({ maxConcurrency: 0, requestsPerMinute: 1, tokensPerMinute: 1 }),
    ).toThrow(/maxConcurrency/);
  });
});
