// The Convex access handed to job handlers: worker-secret functions with the
// secret filled in, over the worker's own ConvexClient.
import type { ConvexClient } from "convex/browser";
import type { WorkerConvex } from "./handler.ts";

export function createWorkerConvex(client: ConvexClient, workerSecret: string): WorkerConvex {
  return {
    query: (ref, args) => client.query(ref, { ...args, workerSecret } as any),
    mutation: (ref, args) => client.mutation(ref, { ...args, workerSecret } as any),
    action: (ref, args) => client.action(ref, { ...args, workerSecret } as any),
  };
}
