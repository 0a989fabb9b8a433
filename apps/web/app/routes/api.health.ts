// GET /api/health: { web, convex, worker } for monitoring; 200 when all are well, else 503.
// Uses only health.check, the one Convex query open to anonymous callers.
import { api } from "@convex/_generated/api";
import { convexForRequest } from "~/utils/convex.server";
import { getEnv } from "~/utils/env.server";

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

export async function loader() {
  const env = getEnv();
  let report: HealthReport;
  try {
    const check = await convexForRequest().query(api.health.check, {});
    report = {
      web: "ok",
      convex: "ok",
      worker: workerFreshness(check.workerLastSeenAt, Date.now(), env.HEALTH_WORKER_FRESH_MS),
      workerLastSeenAt: check.workerLastSeenAt,
    };
  } catch {
    report = { web: "ok", convex: "unreachable", worker: "unknown", workerLastSeenAt: null };
  }
  const healthy = report.convex === "ok" && report.worker === "fresh";
  return Response.json(report, {
    status: healthy ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
