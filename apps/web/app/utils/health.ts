// The /api/health report and the worker freshness rule (pure, tested).
export interface HealthReport {
  web: "ok";
  convex: "ok" | "unreachable";
  worker: "fresh" | "stale" | "unknown";
  workerLastSeenAt: number | null;
}

export function workerFreshness(
  lastSeenAt: number | null,
  now: number,
  freshMs: number,
): HealthReport["worker"] {
  if (lastSeenAt === null) return "stale";
  return now - lastSeenAt <= freshMs ? "fresh" : "stale";
}
