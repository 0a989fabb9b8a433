import { describe, expect, it } from "vitest";
import {
  formatAttempts,
  jobFiltersToParams,
  jobListArgs,
  MINUTE_MS,
  parseJobFilters,
  progressPercent,
  reprocessTargetOf,
  roundToMinute,
  STUCK_PENDING_MS,
  stuckReason,
} from "./jobs-console";

const NOW = Date.UTC(2026, 11, 1, 10, 30);

describe("parseJobFilters", () => {
  it.each([
    ["", {}],
    ["statut=failed", { status: "failed" }],
    [
      "statut=failed&type=system.echo&age=24h",
      { status: "failed", kind: "system.echo", age: "24h" },
    ],
    ["statut=&type=&age=", {}],
    ["statut=perdu&type=inconnu&age=2ans", {}],
    ["type=bilan.generate&autre=1", { kind: "bilan.generate" }],
  ])("%s", (query, expected) => {
    expect(parseJobFilters(new URLSearchParams(query))).toEqual(expected);
  });

  it("round-trips through the search params", () => {
    const filters = { status: "running", kind: "email.send", age: "7j" } as const;
    expect(parseJobFilters(jobFiltersToParams(filters))).toEqual(filters);
    expect(jobFiltersToParams({}).toString()).toBe("");
  });
});

describe("jobListArgs", () => {
  it("turns the age into `since` from the rounded clock and leaves out empty filters", () => {
    expect(jobListArgs({}, NOW, 50)).toEqual({ paginationOpts: { numItems: 50, cursor: null } });
    expect(jobListArgs({ status: "failed", age: "1h" }, NOW, 50)).toEqual({
      status: "failed",
      since: NOW - 60 * MINUTE_MS,
      paginationOpts: { numItems: 50, cursor: null },
    });
  });

  it("rounds the clock down to the minute", () => {
    expect(roundToMinute(NOW + 59_999)).toBe(NOW);
  });
});

describe("stuckReason", () => {
  const base = { runAt: NOW - MINUTE_MS, leaseExpiresAt: null };
  it.each([
    ["running, lease still valid", { ...base, status: "running", leaseExpiresAt: NOW + 1 }, false],
    ["running, lease expired", { ...base, status: "running", leaseExpiresAt: NOW - 1 }, true],
    ["running, no lease yet", { ...base, status: "running" }, false],
    ["pending, due a minute ago", { ...base, status: "pending" }, false],
    [
      "pending, due long ago",
      { ...base, status: "pending", runAt: NOW - STUCK_PENDING_MS - 1 },
      true,
    ],
    [
      "pending, scheduled later",
      { ...base, status: "pending", runAt: NOW + STUCK_PENDING_MS },
      false,
    ],
    ["failed long ago", { ...base, status: "failed", runAt: NOW - 10 * STUCK_PENDING_MS }, false],
    ["completed, old lease", { ...base, status: "completed", leaseExpiresAt: NOW - 1 }, false],
  ] as const)("%s", (_name, job, stuck) => {
    const reason = stuckReason(job, NOW);
    expect(reason !== null).toBe(stuck);
    if (reason) expect(reason).toMatch(/^Bloquée/);
  });
});

describe("small formatters", () => {
  it("clamps the progress percent", () => {
    expect(progressPercent(null)).toBeNull();
    expect(progressPercent({})).toBeNull();
    expect(progressPercent({ percent: 42.4 })).toBe(42);
    expect(progressPercent({ percent: 140 })).toBe(100);
    expect(progressPercent({ percent: -3 })).toBe(0);
    expect(progressPercent({ percent: Number.NaN })).toBeNull();
  });

  it("writes attempts as « 2 / 5 » with non-breaking spaces", () => {
    expect(formatAttempts(2, 5)).toBe("2\u00a0/\u00a05");
  });

  it("knows which records can be reprocessed", () => {
    expect(reprocessTargetOf({ table: "bilans", id: "b1" })).toEqual({ target: "bilan", id: "b1" });
    expect(reprocessTargetOf({ table: "documents", id: "d1" })).toEqual({
      target: "document",
      id: "d1",
    });
    expect(reprocessTargetOf({ table: "alerts", id: "a1" })).toBeNull();
    expect(reprocessTargetOf(null)).toBeNull();
  });
});
