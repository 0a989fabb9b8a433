// Query runs shared across subscriptions: queries identical but for
// `paginationOpts.id` (same function, arguments, identity and page journal)
// run once per committed state, across sessions, and share one serialized
// result. Owns the per-state cache and the wire form of a result; knows
// nothing of sessions or of when queries are re-run.
import { convexToJson, jsonToConvex, type Value } from "convex/values";
import type { CallAuth, CallResult, ConvexEngine } from "./engine.ts";
import type { AddQuery } from "./sync-protocol.ts";
import type { Subscription } from "./sync-session.ts";

export interface QueryRun {
  result: CallResult;
  serialized: string;
  valueJson: string | undefined;
}

/**
 * A result as it goes on the wire: `valueJson` is the JSON text of the value
 * (or of the error data), spliced into every Transition that carries it, so
 * a result shared by many subscriptions is serialized once.
 */
export function serializeResult(result: CallResult): {
  serialized: string;
  valueJson: string | undefined;
} {
  if (result.ok) {
    const valueJson = JSON.stringify(result.valueJson ?? convexToJson(result.value));
    return { serialized: `ok:${valueJson}`, valueJson };
  }
  const valueJson =
    result.data === undefined ? undefined : JSON.stringify(convexToJson(result.data));
  return { serialized: `err:${result.message}:${valueJson ?? "null"}`, valueJson };
}

/** Arguments as a key, without `paginationOpts.id` (a client-side label of the page). */
export function dedupeArgsKey(args: Record<string, unknown>): string {
  const opts = args.paginationOpts;
  if (typeof opts !== "object" || opts === null || Array.isArray(opts) || !("id" in opts)) {
    return JSON.stringify(args);
  }
  const { id: _id, ...rest } = opts as Record<string, unknown>;
  return JSON.stringify({ ...args, paginationOpts: rest });
}

/** A subscription for an `Add` of ModifyQuerySet (not admitted yet, never run). */
export function newSubscription(mod: AddQuery): Subscription {
  const argsJson = (mod.args[0] ?? {}) as Record<string, unknown>;
  return {
    queryId: mod.queryId,
    udfPath: mod.udfPath,
    args: jsonToConvex(argsJson as never) as Record<string, Value>,
    dedupeKey: dedupeArgsKey(argsJson),
    journal: mod.journal ?? null,
    lastSent: undefined,
    reads: null,
    admitted: false,
  };
}

/** Query results at one committed state, by function, arguments, identity and journal. */
export class QueryRunCache {
  private cache = new Map<string, QueryRun>();
  private cacheTs = -1n;

  constructor(private readonly engine: ConvexEngine) {}

  /** Called at the start of each hold: results of an earlier state are dropped. */
  atState(ts: bigint): void {
    if (ts !== this.cacheTs) {
      this.cache = new Map();
      this.cacheTs = ts;
    }
  }

  /** Runs a query at the current state, or reuses the run of an identical one. */
  async run(subscription: Subscription, auth: CallAuth): Promise<QueryRun> {
    const key = `${subscription.udfPath}\u0000${subscription.dedupeKey}\u0000${auth.key}\u0000${subscription.journal ?? ""}`;
    let run = this.cache.get(key);
    if (run === undefined) {
      const result = await this.engine.queryInSnapshot(
        subscription.udfPath,
        subscription.args,
        auth,
        subscription.journal,
      );
      run = { result, ...serializeResult(result) };
      this.cache.set(key, run);
    }
    return run;
  }
}
