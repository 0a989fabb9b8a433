// QueueClient over a ConvexClient (WebSocket): mutations for the protocol, a
// live query for the due-work wake-up. Every call carries WORKER_SECRET.
import { ConvexClient } from "convex/browser";
import { api } from "../../../convex/_generated/api.js";
import type { Id } from "../../../convex/_generated/dataModel.js";
import type { QueueClient } from "./queue-client.ts";

type JobId = Id<"jobs">;

export function createConvexQueueClient(options: { convexUrl: string; workerSecret: string }): {
  queue: QueueClient;
  client: ConvexClient;
} {
  const client = new ConvexClient(options.convexUrl, { unsavedChangesWarning: false });
  const workerSecret = options.workerSecret;
  const queue: QueueClient = {
    register: async (info) => {
      await client.mutation(api.workers.register, { workerSecret, ...info });
    },
    beat: (args) =>
      client.mutation(api.workers.beat, {
        workerSecret,
        ...args,
        currentJobs: args.currentJobs as JobId[],
      }),
    stop: async (workerId) => {
      await client.mutation(api.workers.stop, { workerSecret, workerId });
    },
    claim: (args) => client.mutation(api.jobs.claim, { workerSecret, ...args }),
    heartbeat: (args) =>
      client.mutation(api.jobs.heartbeat, { workerSecret, ...args, jobId: args.jobId as JobId }),
    complete: async (args) => {
      await client.mutation(api.jobs.complete, {
        workerSecret,
        ...args,
        jobId: args.jobId as JobId,
      });
    },
    fail: (args) =>
      client.mutation(api.jobs.fail, { workerSecret, ...args, jobId: args.jobId as JobId }),
    release: async (args) => {
      await client.mutation(api.jobs.release, {
        workerSecret,
        ...args,
        jobId: args.jobId as JobId,
      });
    },
    subscribeDueWork: (kinds, onUpdate, onError) =>
      client.onUpdate(api.jobs.dueWork, { workerSecret, kinds }, onUpdate, onError),
    isConnected: () => client.connectionState().isWebSocketConnected,
    close: () => client.close(),
  };
  return { queue, client };
}
