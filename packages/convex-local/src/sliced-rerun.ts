// Re-runs subscribed queries after commits, in time-sliced passes under the
// transaction lock. Owns the pass loop (one pass at a time, woken by commits
// and client messages), the choice of which sessions each hold serves and
// for how long, and the per-state run cache; uses transitions.ts for what a
// Transition carries and sync-limits.ts for budgets.
//
// Consistency: a session's Transition at timestamp `ts` carries results that
// are all valid at `ts`. Query re-runs happen while holding the transaction
// lock (ConvexEngine.snapshot), but in short holds ("slices") between which
// waiting mutations commit. Every commit is recorded, synchronously, in each
// session's dirty tables and index keys. At the start of each hold the session
// takes its dirty sets: any subscription whose read set they touch — results
// already computed for the Transition under construction included — is
// re-run. A Transition is emitted only inside a hold, once no subscription of
// the session is left to run: then every commit up to the hold's `ts` has been
// taken into account, and every result is valid at `ts`.
//
// Fairness: sessions whose work spans several holds get longer (bounded)
// holds after the quick ones, and a session over its budget of query time
// waits (its updates coalesce).
import { type ConvexEngine, runInRootContext, runtimeConsole } from "./engine.ts";
import { QueryRunCache } from "./query-runs.ts";
import { mayCatchUp, refillCredit, type SyncLimits } from "./sync-limits.ts";
import type { SessionAuth, SyncSession } from "./sync-session.ts";
import { type Admit, absorbPending, emitTransition } from "./transitions.ts";

/** Lets I/O callbacks and transactions waiting for the lock run before the next hold. */
const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface SlicedRerunOptions {
  engine: ConvexEngine;
  limits: SyncLimits;
  /** The live sessions (owned by the sync server). */
  sessions: Set<SyncSession>;
  admit: Admit;
  /** False (and the session is closed with AuthError) once its query identity has expired. */
  checkNotExpired: (session: SyncSession, auth: SessionAuth) => boolean;
}

export class SlicedRerun {
  private readonly engine: ConvexEngine;
  private readonly limits: SyncLimits;
  private readonly sessions: Set<SyncSession>;
  private readonly admit: Admit;
  private readonly checkNotExpired: SlicedRerunOptions["checkNotExpired"];
  private readonly runs: QueryRunCache;
  private passRequested = false;
  private passRunning: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private stopped = false;

  constructor(options: SlicedRerunOptions) {
    this.engine = options.engine;
    this.limits = options.limits;
    this.sessions = options.sessions;
    this.admit = options.admit;
    this.checkNotExpired = options.checkNotExpired;
    this.runs = new QueryRunCache(options.engine);
  }

  /** Asks for a pass (after a commit or a client message); starts the loop if idle. */
  requestPass(): void {
    this.passRequested = true;
    this.wake?.();
    if (this.passRunning !== null || this.stopped) return;
    runInRootContext(() => {
      this.passRunning = this.runPasses().finally(() => {
        this.passRunning = null;
        if (this.passRequested) this.requestPass();
      });
    });
  }

  /** Waits until every requested pass has run (used at shutdown and by tests). */
  async idle(): Promise<void> {
    while (this.passRunning !== null) await this.passRunning;
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private async runPasses(): Promise<void> {
    while (!this.stopped) {
      this.passRequested = false;
      let waitMs: number | null = null;
      try {
        waitMs = await this.hold();
      } catch (error) {
        runtimeConsole.error("[sync] failed to update subscriptions", error);
      }
      if (waitMs === null) {
        if (!this.passRequested) return;
      } else if (waitMs > 0) {
        // Only sessions over budget have work: sleep until the first one may
        // run again, or until a commit or a message brings other work.
        if (!this.passRequested) await this.sleep(waitMs);
      }
      // Let mutations waiting for the lock, and socket messages, in.
      await nextMacrotask();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  /**
   * One hold of the transaction lock. Quick sessions first (whose Transition
   * under construction has cost less than `sliceMs`), served in turn within `sliceMs`;
   * otherwise the session with the longest-waiting unfinished Transition, for
   * up to `maxHoldMs`. Returns null when no session has work, 0 when more
   * remains, or the ms until a session over budget may run again.
   */
  private async hold(): Promise<number | null> {
    const now = performance.now();
    const quick: SyncSession[] = [];
    const long: SyncSession[] = [];
    let waitMs = Number.POSITIVE_INFINITY;
    for (const session of this.sessions) {
      if (!absorbPending(session, this.admit)) continue;
      const credit = refillCredit(this.limits, session, now);
      if (credit <= 0) {
        waitMs = Math.min(waitMs, -credit / this.limits.sessionShare);
        continue;
      }
      const heavy = Math.max(session.roundCost, session.lastRoundCost) >= this.limits.sliceMs;
      (heavy ? long : quick).push(session);
    }
    if (quick.length === 0 && long.length === 0) {
      return waitMs === Number.POSITIVE_INFINITY ? null : Math.ceil(waitMs) + 1;
    }
    const byTurn = (a: SyncSession, b: SyncSession) => a.lastServedAt - b.lastServedAt;
    quick.sort(byTurn);
    long.sort(byTurn);
    // A long session also gets its turn when quick ones keep coming, unless
    // a client is waiting for its own mutation to be reflected.
    const waiting = quick.some((session) => session.awaitedTs > session.sent.ts);
    const serveLong =
      long.length > 0 &&
      (quick.length === 0 ||
        (!waiting && now - (long[0] as SyncSession).lastServedAt > 4 * this.limits.maxHoldMs));
    await this.engine.snapshot(async (ts) => {
      this.runs.atState(ts);
      const start = performance.now();
      if (serveLong) {
        const session = long[0] as SyncSession;
        const budget = mayCatchUp(this.limits, session, start)
          ? Number.POSITIVE_INFINITY
          : Math.min(this.limits.maxHoldMs, this.limits.sliceMs * 2 ** (session.longHolds + 1));
        const done = await this.serve(session, ts, start + budget);
        if (!done) session.longHolds += 1;
        return;
      }
      const deadline = start + this.limits.sliceMs;
      for (const session of quick) {
        if (performance.now() >= deadline) break;
        await this.serve(session, ts, deadline);
      }
    });
    return 0;
  }

  /**
   * Runs a session's stale queries until `deadline`; sends its Transition
   * when none is left (returns whether it did, or had nothing to send).
   */
  private async serve(session: SyncSession, ts: bigint, deadline: number): Promise<boolean> {
    const started = performance.now();
    if (session.roundStartedAt === 0) session.roundStartedAt = started;
    try {
      // Under the lock: every commit up to `ts` is in the dirty sets now.
      absorbPending(session, this.admit);
      if (session.closed || !this.checkNotExpired(session, session.queryAuth)) return true;
      for (const queryId of session.stale) {
        if (performance.now() >= deadline) return false;
        const subscription = session.subscriptions.get(queryId);
        session.stale.delete(queryId);
        if (subscription === undefined) continue;
        session.results.set(queryId, await this.runs.run(subscription, session.queryAuth));
        session.roundRuns += 1;
        if (session.closed) return true;
      }
      emitTransition(session, ts);
      return true;
    } finally {
      const now = performance.now();
      session.credit -= now - started;
      session.roundCost += now - started;
      session.lastServedAt = now;
    }
  }
}
