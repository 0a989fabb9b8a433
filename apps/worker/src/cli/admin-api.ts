// The CLI's calls to Convex: the admin* worker-secret functions over HTTP.
import { ConvexHttpClient } from "convex/browser";
import type { FunctionArgs, FunctionReference, FunctionReturnType } from "convex/server";
import { api } from "../../../../convex/_generated/api.js";

export type AdminApi = ReturnType<typeof createAdminApi>;

export function createAdminApi(convexUrl: string, workerSecret: string) {
  const client = new ConvexHttpClient(convexUrl);
  const query = <Q extends FunctionReference<"query">>(
    ref: Q,
    args: Omit<FunctionArgs<Q>, "workerSecret">,
  ): Promise<FunctionReturnType<Q>> => client.query(ref, { ...args, workerSecret } as any);
  const mutation = <M extends FunctionReference<"mutation">>(
    ref: M,
    args: Omit<FunctionArgs<M>, "workerSecret">,
  ): Promise<FunctionReturnType<M>> => client.mutation(ref, { ...args, workerSecret } as any);
  return {
    listJobs: (args: Omit<FunctionArgs<typeof api.jobs.adminList>, "workerSecret">) =>
      query(api.jobs.adminList, args),
    getJob: (jobId: string) => query(api.jobs.adminGet, { jobId }),
    enqueue: (args: Omit<FunctionArgs<typeof api.jobs.adminEnqueue>, "workerSecret">) =>
      mutation(api.jobs.adminEnqueue, args),
    retry: (jobId: string, actor: string) => mutation(api.jobs.adminRetry, { jobId, actor }),
    cancel: (jobId: string, actor: string) => mutation(api.jobs.adminCancel, { jobId, actor }),
    reprocess: (target: "bilan" | "document", id: string) =>
      mutation(api.jobs.adminReprocess, { target, id }),
    stats: (now: number) => query(api.jobs.adminStats, { now }),
    workers: () => query(api.workers.adminList, {}),
    alerts: () => query(api.alerts.adminList, {}),
  };
}

export type JobView = FunctionReturnType<typeof api.jobs.adminGet>["job"];
export type JobEvent = FunctionReturnType<typeof api.jobs.adminGet>["events"][number];
