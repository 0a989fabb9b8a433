// The Convex access handed to job handlers: the worker's own ConvexClient, already
// signed in with the worker's service token.
import type { ConvexClient } from "convex/browser";
import type { WorkerConvex } from "./handler.ts";

export function createWorkerConvex(client: ConvexClient): WorkerConvex {
  return {
    query: (ref, args) => client.query(ref, args),
    mutation: (ref, args) => client.mutation(ref, args),
    action: (ref, args) => client.action(ref, args),
  };
}
