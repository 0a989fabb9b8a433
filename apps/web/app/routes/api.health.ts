// GET /api/health: { web, convex, worker } for monitoring; 200 when all are well, else 503.
// Uses only health.check, the one Convex query open to anonymous callers.
import { api } from "@convex/_generated/api";
import { convexForRequest } from "~/utils/convex.server";
import { getEnv } from "~/utils/env.server";
import { type HealthReport, workerFreshness } from "~/utils/health";

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
