// QueueClient over a ConvexClient (WebSocket): mutations for the protocol, a
// live query for the due-work wake-up. The client is signed in with the worker's own
// service tokens, renewed before they expire.
import { ConvexClient, type ConvexClientOptions } from "convex/browser";
import { api } from "../../../convex/_generated/api.js";
import type { Id } from "../../../convex/_generated/dataModel.js";
import type { TokenSource } from "./auth/credentials.ts";
import type { QueueClient } from "./queue-client.ts";

type JobId = Id<"jobs">;

export function createConvexQueueClient(options: {
  convexUrl: string;
  tokens: TokenSource;
  logger?: ConvexClientOptions["logger"];
}): {
  queue: QueueClient;
  client: ConvexClient;
} {
  const client = new ConvexClient(options.convexUrl, {
    unsavedChangesWarning: false,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  client.setAuth(options.tokens);
  const queue: QueueClient = {
    register: async (info) => {
      await client.mutation(api.workers.register, { ...info });
    },
    beat: (args) =>
      client.mutation(api.workers.beat, {
        ...args,
        currentJobs: args.currentJobs as JobId[],
      }),
    stop: async (workerId) => {
      await client.mutation(api.workers.stop, { workerId });
    },
    claim: (args) => client.mutation(api.jobs.claim, { ...args }),
    heartbeat: (args) =>
      client.mutation(api.jobs.heartbeat, { ...args, jobId: args.jobId as JobId }),
    complete: async (args) => {
      await client.mutation(api.jobs.complete, {
        ...args,
        jobId: args.jobId as JobId,
      });
    },
    fail: (args) => client.mutation(api.jobs.fail, { ...args, jobId: args.jobId as JobId }),
    release: async (args) => {
      await client.mutation(api.jobs.release, {
        ...args,
        jobId: args.jobId as JobId,
      });
    },
    subscribeDueWork: (kinds, onUpdate, onError) =>
      client.onUpdate(api.jobs.dueWork, { kinds }, onUpdate, onError),
    isConnected: () => client.connectionState().isWebSocketConnected,
    close: () => client.close(),
  };
  return { queue, client };
}
