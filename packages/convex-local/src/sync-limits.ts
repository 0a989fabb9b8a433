// Limits protecting the runtime from one client, and their bookkeeping:
// subscription caps per session and per identity (over the cap a query is
// accepted but gets QueryFailed), each session's budget of query time (it
// refills with wall time; a session over budget waits and its updates
// coalesce), and when a long-running Transition may be finished in one hold.
// Owns no state of its own: the counters live on the sessions.
import type { Subscription, SyncSession } from "./sync-session.ts";

/** Limits protecting the runtime from one client (see the header comment). */
export interface SyncLimits {
  /** Live queries one WebSocket may run; further ones get QueryFailed. */
  maxSubscriptionsPerSession: number;
  /** Live queries one identity (tokenIdentifier) may run across its WebSockets. */
  maxSubscriptionsPerIdentity: number;
  /** How long one hold of the transaction lock serving quick sessions may last. */
  sliceMs: number;
  /** Longest hold for a session whose work did not fit in its previous holds. */
  maxHoldMs: number;
  /**
   * A Transition still incomplete after this long (commits kept invalidating
   * results between holds) may be finished in one hold ("catch-up"), when
   * what is left is estimated at `maxCatchUpMs` or less and the session has
   * used less than half of its burst budget: it cannot be starved forever,
   * and a session re-running heavy queries all the time never gets one.
   */
  catchUpAfterMs: number;
  maxCatchUpMs: number;
  /** Share of wall time a session's query re-runs may use in the long run. */
  sessionShare: number;
  /** Query time a session may use in a burst before its share applies. */
  sessionBurstMs: number;
}

export const DEFAULT_SYNC_LIMITS: SyncLimits = {
  maxSubscriptionsPerSession: 200,
  maxSubscriptionsPerIdentity: 400,
  sliceMs: 5,
  maxHoldMs: 10,
  catchUpAfterMs: 250,
  maxCatchUpMs: 100,
  sessionShare: 0.25,
  sessionBurstMs: 1000,
};

/**
 * Admits a new (or re-admitted) subscription when it fits the caps and
 * counts it; otherwise returns the error its QueryFailed carries.
 */
export function admitSubscription(
  limits: SyncLimits,
  sessions: Iterable<SyncSession>,
  session: SyncSession,
  subscription: Subscription,
): string | null {
  const { maxSubscriptionsPerSession, maxSubscriptionsPerIdentity } = limits;
  subscription.admitted = false;
  if (session.admittedCount >= maxSubscriptionsPerSession) {
    return `Too many live queries on this connection: convex-local runs at most ${maxSubscriptionsPerSession} per WebSocket. Unsubscribe from some queries.`;
  }
  const identity = session.identityKey;
  if (identity !== "") {
    let total = session.admittedCount;
    for (const other of sessions) {
      if (other !== session && !other.closed && other.identityKey === identity) {
        total += other.admittedCount;
      }
    }
    if (total >= maxSubscriptionsPerIdentity) {
      return `Too many live queries for this user: convex-local runs at most ${maxSubscriptionsPerIdentity} per identity across its connections. Unsubscribe from some queries.`;
    }
  }
  subscription.admitted = true;
  session.admittedCount += 1;
  return null;
}

/** The session's budget of query time (ms) now; negative: it must wait. */
export function refillCredit(limits: SyncLimits, session: SyncSession, now: number): number {
  const { sessionShare, sessionBurstMs } = limits;
  session.credit = Math.min(
    sessionBurstMs,
    session.credit + (now - session.creditAt) * sessionShare,
  );
  session.creditAt = now;
  return session.credit;
}

/** Whether a long session's next hold may finish its Transition whatever it takes. */
export function mayCatchUp(limits: SyncLimits, session: SyncSession, now: number): boolean {
  const { catchUpAfterMs, maxCatchUpMs, sessionBurstMs } = limits;
  if (session.roundStartedAt === 0 || now - session.roundStartedAt < catchUpAfterMs) return false;
  if (session.credit < sessionBurstMs / 2) return false;
  const perQuery = session.roundCost / Math.max(1, session.roundRuns);
  return perQuery * session.stale.size <= maxCatchUpMs;
}
