// The worker's Convex client over a convex-test deployment (the real functions of convex/, in
// memory), signed in as the worker: handlers and pipeline pieces run against them in tests.
import { asWorker, type T } from "../../../convex/world.fixtures";
import type { WorkerConvex } from "./handler.ts";

export function workerConvexOf(t: T): WorkerConvex {
  // convex-test's rest-argument signatures, called with the one argument the worker passes.
  const client = asWorker(t) as unknown as {
    query(ref: unknown, args: unknown): Promise<never>;
    mutation(ref: unknown, args: unknown): Promise<never>;
    action(ref: unknown, args: unknown): Promise<never>;
  };
  return {
    query: (ref, args) => client.query(ref, args),
    mutation: (ref, args) => client.mutation(ref, args),
    action: (ref, args) => client.action(ref, args),
  };
}
