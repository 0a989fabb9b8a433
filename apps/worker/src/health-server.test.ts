import { describe, expect, it } from "vitest";
import { readiness } from "./health-server.ts";
import type { WorkerStatus } from "./worker.ts";

const base: WorkerStatus = {
  workerId: "w",
  state: "running",
  connected: true,
  subscription: "live",
  lastPollOkAt: 1_000,
  lastClaimAt: 1_000,
  running: [],
  completed: 0,
  failedCalls: 0,
};

describe("readiness", () => {
  it("is ready when running, connected and recently polled", () => {
    expect(readiness(base, 2_000, 15_000)).toEqual({ ready: true, reasons: [] });
  });

  it.each([
    [{ connected: false }, /not connected/],
    [{ lastPollOkAt: null }, /no successful poll/],
    [{ state: "stopping" as const }, /state=stopping/],
  ])("is not ready with %j", (patch, reason) => {
    const r = readiness({ ...base, ...patch }, 2_000, 15_000);
    expect(r.ready).toBe(false);
    expect(r.reasons.join()).toMatch(reason);
  });

  it("is not ready when the last poll is stale", () => {
    expect(readiness(base, 20_000, 15_000).reasons.join()).toMatch(/19000 ms ago/);
  });
});
