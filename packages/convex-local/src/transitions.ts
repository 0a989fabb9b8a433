// What a session's next Transition carries: `absorbPending` folds in what
// happened since the session was last looked at (query set changes, a new
// identity, commits: which subscriptions must re-run), and `emitTransition`
// turns the results computed for it into one Transition and resets the
// round. Neither takes the lock nor runs a query (sliced-rerun.ts does).
//
// Consistency: a result computed in an earlier hold is re-checked against
// every commit recorded since, so a Transition emitted at the end of a hold
// (nothing left stale) carries only results valid at that hold's `ts`.
import { newSubscription } from "./query-runs.ts";
import { encodeVersion, type StateVersion } from "./sync-protocol.ts";
import type { Subscription, SyncSession } from "./sync-session.ts";

/** Admits a subscription within the caps, or returns why not (sync-limits.ts). */
export type Admit = (session: SyncSession, subscription: Subscription) => string | null;

function intersects(a: Set<string>, b: Set<string>): boolean {
  if (a.size === 0 || b.size === 0) return false;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const item of small) if (large.has(item)) return true;
  return false;
}

/**
 * Takes into account what happened to a session since it was last looked
 * at: query set changes, a new identity, commits. Needs no lock (it only
 * marks subscriptions to re-run); returns whether the session needs a hold.
 */
export function absorbPending(session: SyncSession, admit: Admit): boolean {
  if (session.closed) return false;
  absorbQuerySetChanges(session, admit);
  absorbIdentityChange(session, admit);
  absorbCommits(session);
  return (
    session.stale.size > 0 ||
    session.results.size > 0 ||
    session.rejected.size > 0 ||
    session.removed.length > 0 ||
    session.targetQuerySet !== session.sent.querySet ||
    session.targetIdentity !== session.sent.identity ||
    session.awaitedTs > session.sent.ts
  );
}

function absorbQuerySetChanges(session: SyncSession, admit: Admit): void {
  const modifications = session.pendingModifications;
  if (modifications.length === 0) return;
  session.pendingModifications = [];
  for (const change of modifications) {
    for (const mod of change.modifications) {
      if (mod.type === "Add") {
        const subscription = newSubscription(mod);
        session.subscriptions.set(mod.queryId, subscription);
        session.added.add(mod.queryId);
        const refusal = admit(session, subscription);
        if (refusal === null) session.stale.add(mod.queryId);
        else session.rejected.set(mod.queryId, refusal);
      } else {
        const subscription = session.subscriptions.get(mod.queryId);
        if (subscription?.admitted) session.admittedCount -= 1;
        session.subscriptions.delete(mod.queryId);
        session.added.delete(mod.queryId);
        session.stale.delete(mod.queryId);
        session.results.delete(mod.queryId);
        session.rejected.delete(mod.queryId);
        session.removed.push(mod.queryId);
      }
    }
    session.targetQuerySet = change.newVersion;
  }
}

function absorbIdentityChange(session: SyncSession, admit: Admit): void {
  const identityChange = session.pendingIdentity;
  if (identityChange === null) return;
  session.pendingIdentity = null;
  session.queryAuth = identityChange.auth;
  session.targetIdentity = identityChange.version;
  session.results.clear();
  session.stale.clear();
  // The caps count per identity: admissions are decided again.
  session.admittedCount = 0;
  for (const subscription of session.subscriptions.values()) {
    const refusal = admit(session, subscription);
    if (refusal === null) {
      session.stale.add(subscription.queryId);
      session.rejected.delete(subscription.queryId);
    } else if (subscription.lastSent !== "rejected") {
      session.rejected.set(subscription.queryId, refusal);
    }
  }
}

function absorbCommits(session: SyncSession): void {
  if (session.dirtyTables.size === 0 && session.dirtyKeys.size === 0) return;
  const tables = session.dirtyTables;
  const keys = session.dirtyKeys;
  session.dirtyTables = new Set();
  session.dirtyKeys = new Set();
  for (const subscription of session.subscriptions.values()) {
    if (!subscription.admitted || session.stale.has(subscription.queryId)) continue;
    // A result computed in an earlier hold is checked against its own reads.
    const reads = session.results.get(subscription.queryId)?.result.reads ?? subscription.reads;
    if (
      reads === null ||
      reads.all ||
      intersects(reads.tables, tables) ||
      intersects(reads.keys, keys)
    ) {
      session.stale.add(subscription.queryId);
      session.results.delete(subscription.queryId);
    }
  }
}

/** Sends the session's Transition to `ts` (everything it carries is valid at `ts`). */
export function emitTransition(session: SyncSession, ts: bigint): void {
  const changes = modificationsOf(session);
  session.results.clear();
  session.rejected.clear();
  session.added = new Set();
  session.removed = [];
  session.lastRoundCost = session.roundCost;
  session.roundCost = 0;
  session.longHolds = 0;
  session.roundStartedAt = 0;
  session.roundRuns = 0;
  const start = session.sent;
  const versionChanged =
    session.targetQuerySet !== start.querySet || session.targetIdentity !== start.identity;
  const needsTs = session.awaitedTs > start.ts;
  if (changes.length === 0 && !versionChanged && !needsTs) return;
  const end: StateVersion = {
    querySet: session.targetQuerySet,
    identity: session.targetIdentity,
    ts,
  };
  session.sent = end;
  session.sendTransition(
    `{"type":"Transition","startVersion":${JSON.stringify(encodeVersion(start))},"endVersion":${JSON.stringify(encodeVersion(end))},"modifications":[${changes.join(",")}]}`,
  );
}

/**
 * The Transition's modifications as JSON text (results spliced in as
 * serialized once, see serializeResult); records what each subscription
 * was sent. Results equal to what the client has are left out.
 */
function modificationsOf(session: SyncSession): string[] {
  const changes: string[] = session.removed.map((queryId) =>
    JSON.stringify({ type: "QueryRemoved", queryId }),
  );
  for (const [queryId, errorMessage] of session.rejected) {
    const subscription = session.subscriptions.get(queryId);
    if (subscription === undefined) continue;
    subscription.lastSent = "rejected";
    subscription.reads = null;
    changes.push(
      JSON.stringify({ type: "QueryFailed", queryId, errorMessage, logLines: [], journal: null }),
    );
  }
  for (const [queryId, run] of session.results) {
    const subscription = session.subscriptions.get(queryId);
    if (subscription === undefined) continue;
    const { result } = run;
    subscription.reads = result.reads;
    if (result.journal !== null) subscription.journal = result.journal;
    if (run.serialized === subscription.lastSent && !session.added.has(queryId)) continue;
    subscription.lastSent = run.serialized;
    const tail = `"logLines":${JSON.stringify(result.logLines)},"journal":${JSON.stringify(result.journal)}`;
    if (result.ok) {
      changes.push(`{"type":"QueryUpdated","queryId":${queryId},"value":${run.valueJson},${tail}}`);
    } else {
      const errorData = run.valueJson === undefined ? "" : `,"errorData":${run.valueJson}`;
      changes.push(
        `{"type":"QueryFailed","queryId":${queryId},"errorMessage":${JSON.stringify(result.message)},${tail}${errorData}}`,
      );
    }
  }
  return changes;
}
