// The Convex access handed to job handlers: the worker's own ConvexClient, already
// signed in with the worker's service token. A failed call rejects with a ConvexCallError
// naming the function, so the job's stored error says where it happened (errors.ts).
import type { ConvexClient } from "convex/browser";
import { type FunctionReference, getFunctionName } from "convex/server";
import { ConvexCallError } from "./errors.ts";
import type { WorkerConvex } from "./handler.ts";

async function named<T>(ref: FunctionReference<any>, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw new ConvexCallError(getFunctionName(ref), error);
  }
}

export function createWorkerConvex(client: ConvexClient): WorkerConvex {
  return {
    query: (ref, args) => named(ref, client.query(ref, args)),
    mutation: (ref, args) => named(ref, client.mutation(ref, args)),
    action: (ref, args) => named(ref, client.action(ref, args)),
  };
}
