// The server side of the Convex sync protocol: one session per WebSocket,
// query subscriptions kept current after every commit.
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
// A session's Transitions wait until the MutationResponse of its own mutation
// committed before them has been sent, because the clients complete a mutation
// only on a Transition received after its response.
//
// Protection against one client starving the others: subscriptions are capped
// per session and per identity (over the cap a query gets QueryFailed), queries
// identical but for `paginationOpts.id` run once per state and share their
// result, sessions whose work spans several holds get longer (bounded) holds
// after the quick ones, and each session has a budget of query time that
// refills with wall time: a session over budget waits (its updates coalesce).
import { convexToJson, jsonToConvex, type Value } from "convex/values";
import {
  ANONYMOUS,
  type CallAuth,
  type CallResult,
  type ConvexEngine,
  type ReadSet,
  runInRootContext,
  runtimeConsole,
} from "./engine.ts";
import { AUTH_FAILURE_MESSAGE, AuthFailure, type TokenVerifier } from "./jwt-auth.ts";
import {
  type AddQuery,
  type ClientMessage,
  clientMessageSchema,
  encodeTs,
  encodeVersion,
  type QuerySetModification,
  type StateVersion,
} from "./sync-protocol.ts";

export interface SyncSocket {
  send(text: string): void;
  close(code?: number, reason?: string): void;
}

interface SessionAuth extends CallAuth {
  expiresAt: number | null;
}

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

interface Subscription {
  queryId: number;
  udfPath: string;
  args: Record<string, Value>;
  /** Arguments without `paginationOpts.id` (identical queries share one run). */
  dedupeKey: string;
  journal: string | null;
  /** Serialized last result sent (undefined: never sent). */
  lastSent: string | undefined;
  reads: ReadSet | null;
  /** Within the session's and identity's caps (otherwise it only gets QueryFailed). */
  admitted: boolean;
}

interface QueryRun {
  result: CallResult;
  serialized: string;
  valueJson: string | undefined;
}

export class SyncSession {
  readonly socket: SyncSocket;
  closed = false;
  /** Version the client is at (last Transition sent or queued). */
  sent: StateVersion = { querySet: 0, identity: 0, ts: 0n };
  expectedQuerySet = 0;
  expectedIdentity = 0;
  readonly subscriptions = new Map<number, Subscription>();
  pendingModifications: QuerySetModification[] = [];
  pendingIdentity: { version: number; auth: SessionAuth } | null = null;
  /** Identity of the queries (changes with the Transition that confirms it). */
  queryAuth: SessionAuth = { ...ANONYMOUS, expiresAt: null };
  /** Identity of mutations and actions (the latest verified token). */
  callAuth: SessionAuth = { ...ANONYMOUS, expiresAt: null };
  /** The client waits for a Transition reaching this timestamp (its mutations). */
  awaitedTs = 0n;
  holds = 0;
  private queued: string[] = [];
  inbox: Promise<void> = Promise.resolve();

  // ---- the Transition under construction ----
  /** Tables and index keys written by commits not yet taken into account. */
  dirtyTables = new Set<string>();
  dirtyKeys = new Set<string>();
  /** Subscriptions to (re-)run before the next Transition. */
  readonly stale = new Set<number>();
  /** Results computed for the next Transition (valid at the latest hold's state). */
  readonly results = new Map<number, QueryRun>();
  /** Queries refused by the caps (and why), reported as QueryFailed in the next Transition. */
  readonly rejected = new Map<number, string>();
  added = new Set<number>();
  removed: number[] = [];
  targetQuerySet = 0;
  targetIdentity = 0;
  admittedCount = 0;
  /** Query time (ms) spent on the Transition under construction. */
  roundCost = 0;
  /** What the previous Transition cost (a session that was heavy starts as such). */
  lastRoundCost = 0;
  /** Long holds that ended before that Transition was complete. */
  longHolds = 0;
  /** When work on the Transition under construction started (0: none), and queries run for it. */
  roundStartedAt = 0;
  roundRuns = 0;
  // ---- budget of query time (ms), refilled with wall time ----
  credit: number;
  creditAt = performance.now();
  lastServedAt = 0;

  constructor(socket: SyncSocket, burstMs = DEFAULT_SYNC_LIMITS.sessionBurstMs) {
    this.socket = socket;
    this.credit = burstMs;
  }

  /** Who the per-identity cap counts this session's queries for ("" when anonymous). */
  get identityKey(): string {
    return this.queryAuth.identity?.tokenIdentifier ?? "";
  }

  send(message: unknown): void {
    if (this.closed) return;
    try {
      this.socket.send(JSON.stringify(message));
    } catch {
      this.closed = true;
    }
  }

  /** Sends a Transition (JSON text), or queues it while a MutationResponse is pending. */
  sendTransition(text: string): void {
    if (this.holds > 0) {
      this.queued.push(text);
      return;
    }
    if (this.closed) return;
    try {
      this.socket.send(text);
    } catch {
      this.closed = true;
    }
  }

  release(): void {
    this.holds -= 1;
    if (this.holds === 0 && this.queued.length > 0) {
      const queued = this.queued;
      this.queued = [];
      for (const text of queued) {
        if (this.closed) return;
        try {
          this.socket.send(text);
        } catch {
          this.closed = true;
        }
      }
    }
  }

  fatal(error: string): void {
    this.send({ type: "FatalError", error });
    this.closed = true;
    this.socket.close(1011, "FatalError");
  }
}

function intersects(a: Set<string>, b: Set<string>): boolean {
  if (a.size === 0 || b.size === 0) return false;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const item of small) if (large.has(item)) return true;
  return false;
}

/**
 * A result as it goes on the wire: `valueJson` is the JSON text of the value
 * (or of the error data), spliced into every Transition that carries it, so
 * a result shared by many subscriptions is serialized once.
 */
function serializeResult(result: CallResult): {
  serialized: string;
  valueJson: string | undefined;
} {
  if (result.ok) {
    const valueJson = JSON.stringify(convexToJson(result.value));
    return { serialized: `ok:${valueJson}`, valueJson };
  }
  const valueJson =
    result.data === undefined ? undefined : JSON.stringify(convexToJson(result.data));
  return { serialized: `err:${result.message}:${valueJson ?? "null"}`, valueJson };
}

/** Arguments as a key, without `paginationOpts.id` (a client-side label of the page). */
function dedupeArgsKey(args: Record<string, unknown>): string {
  const opts = args.paginationOpts;
  if (typeof opts !== "object" || opts === null || Array.isArray(opts) || !("id" in opts)) {
    return JSON.stringify(args);
  }
  const { id: _id, ...rest } = opts as Record<string, unknown>;
  return JSON.stringify({ ...args, paginationOpts: rest });
}

/** Lets I/O callbacks and transactions waiting for the lock run before the next hold. */
const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

export class SyncServer {
  private readonly engine: ConvexEngine;
  private readonly verifier: TokenVerifier;
  private readonly limits: SyncLimits;
  private readonly sessions = new Set<SyncSession>();
  private passRequested = false;
  private passRunning: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private stopped = false;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  /** Query results at state `cacheTs`, by function, arguments, identity and journal. */
  private cache = new Map<string, QueryRun>();
  private cacheTs = -1n;

  constructor(engine: ConvexEngine, verifier: TokenVerifier, limits: Partial<SyncLimits> = {}) {
    this.engine = engine;
    this.verifier = verifier;
    this.limits = { ...DEFAULT_SYNC_LIMITS, ...limits };
    runInRootContext(() => {
      this.pingTimer = setInterval(() => {
        for (const session of this.sessions) session.send({ type: "Ping" });
      }, 15_000);
    });
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  open(socket: SyncSocket): SyncSession {
    const session = new SyncSession(socket, this.limits.sessionBurstMs);
    this.sessions.add(session);
    return session;
  }

  close(session: SyncSession): void {
    session.closed = true;
    this.sessions.delete(session);
  }

  /** Called synchronously for every top-level commit. */
  onCommit(tables: Set<string>, keys: Set<string>): void {
    for (const session of this.sessions) {
      if (session.subscriptions.size === 0) continue;
      for (const table of tables) session.dirtyTables.add(table);
      for (const key of keys) session.dirtyKeys.add(key);
    }
    this.requestPass();
  }

  receive(session: SyncSession, text: string): void {
    if (session.closed) return;
    let message: ClientMessage;
    try {
      message = clientMessageSchema.parse(JSON.parse(text));
    } catch (error) {
      session.fatal(
        `Invalid client message: ${error instanceof Error ? error.message : String(error)}`,
      );
      return;
    }
    // Messages are handled in order; actions run without blocking the queue.
    session.inbox = session.inbox
      .then(() => this.handle(session, message))
      .catch((error: unknown) => {
        runtimeConsole.error("[sync] error handling a client message", error);
        session.fatal("Internal error in convex-local");
      });
  }

  private async handle(session: SyncSession, message: ClientMessage): Promise<void> {
    if (session.closed) return;
    switch (message.type) {
      case "Connect":
      case "Event":
        return;
      case "ModifyQuerySet": {
        if (!this.checkNotExpired(session)) return;
        if (message.baseVersion !== session.expectedQuerySet) {
          session.fatal(
            `Invalid query set base version ${message.baseVersion}, expected ${session.expectedQuerySet}`,
          );
          return;
        }
        session.expectedQuerySet = message.newVersion;
        session.pendingModifications.push(message);
        this.requestPass();
        return;
      }
      case "Authenticate": {
        if (message.baseVersion !== session.expectedIdentity) {
          session.fatal(
            `Invalid identity base version ${message.baseVersion}, expected ${session.expectedIdentity}`,
          );
          return;
        }
        let auth: SessionAuth;
        if (message.tokenType === "None") {
          auth = { ...ANONYMOUS, expiresAt: null };
        } else if (message.tokenType === "Admin" || !message.value) {
          this.authError(
            session,
            message.baseVersion,
            "Admin authentication is not supported by convex-local.",
            true,
          );
          return;
        } else {
          try {
            const verified = await this.verifier.verify(message.value);
            auth = {
              identity: verified.identity,
              key: message.value,
              expiresAt: verified.expiresAt,
            };
          } catch (error) {
            // The verifier logs why; the client gets the generic message.
            const text = error instanceof AuthFailure ? error.message : AUTH_FAILURE_MESSAGE;
            this.authError(session, message.baseVersion, text, true);
            return;
          }
        }
        session.expectedIdentity = message.baseVersion + 1;
        session.callAuth = auth;
        session.pendingIdentity = { version: message.baseVersion + 1, auth };
        this.requestPass();
        return;
      }
      case "Mutation": {
        if (!this.checkNotExpired(session)) return;
        const args = jsonToConvex((message.args[0] ?? {}) as never) as Record<string, Value>;
        let held = false;
        try {
          const result = await this.engine.call("mutation", message.udfPath, args, {
            auth: session.callAuth,
            publicOnly: true,
            onCommit: (ts) => {
              // Hold this session's Transitions until the response is out.
              session.holds += 1;
              held = true;
              if (ts > session.awaitedTs) session.awaitedTs = ts;
            },
          });
          if (result.ok) {
            session.send({
              type: "MutationResponse",
              requestId: message.requestId,
              success: true,
              result: convexToJson(result.value),
              ts: encodeTs(result.commitTs ?? this.engine.lastCommitTs),
              logLines: result.logLines,
            });
          } else {
            session.send({
              type: "MutationResponse",
              requestId: message.requestId,
              success: false,
              result: result.message,
              logLines: result.logLines,
              ...(result.data === undefined ? {} : { errorData: convexToJson(result.data) }),
            });
          }
        } finally {
          if (held) session.release();
        }
        return;
      }
      case "Action": {
        if (!this.checkNotExpired(session)) return;
        const args = jsonToConvex((message.args[0] ?? {}) as never) as Record<string, Value>;
        const auth = session.callAuth;
        void this.engine
          .call("action", message.udfPath, args, { auth, publicOnly: true })
          .then((result) => {
            session.send(
              result.ok
                ? {
                    type: "ActionResponse",
                    requestId: message.requestId,
                    success: true,
                    result: convexToJson(result.value),
                    logLines: result.logLines,
                  }
                : {
                    type: "ActionResponse",
                    requestId: message.requestId,
                    success: false,
                    result: result.message,
                    logLines: result.logLines,
                    ...(result.data === undefined ? {} : { errorData: convexToJson(result.data) }),
                  },
            );
          });
        return;
      }
    }
  }

  /** Sends AuthError and closes the socket, as the Convex backend does: nothing runs anonymously instead. */
  private authError(
    session: SyncSession,
    baseVersion: number,
    error: string,
    attempted: boolean,
  ): void {
    session.send({ type: "AuthError", error, baseVersion, authUpdateAttempted: attempted });
    session.closed = true;
    this.sessions.delete(session);
    session.socket.close(1000, "AuthError");
  }

  /**
   * Refuses to go on with an expired token, as the Convex backend does:
   * AuthError (authUpdateAttempted false, so the client fetches a fresh token
   * and reconnects with it) and the socket is closed.
   */
  private checkNotExpired(session: SyncSession, auth: SessionAuth = session.callAuth): boolean {
    const expiresAt = auth.expiresAt;
    if (expiresAt !== null && expiresAt * 1000 <= Date.now()) {
      this.authError(session, session.expectedIdentity - 1, "Convex token identity expired", false);
      return false;
    }
    return true;
  }

  private requestPass(): void {
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

  /** Waits until every requested pass has run (used at shutdown and by tests). */
  async idle(): Promise<void> {
    while (this.passRunning !== null) await this.passRunning;
  }

  /**
   * Takes into account what happened to a session since it was last looked
   * at: query set changes, a new identity, commits. Needs no lock (it only
   * marks subscriptions to re-run); returns whether the session needs a hold.
   */
  private absorb(session: SyncSession): boolean {
    if (session.closed) return false;
    const modifications = session.pendingModifications;
    if (modifications.length > 0) {
      session.pendingModifications = [];
      for (const change of modifications) {
        for (const mod of change.modifications) {
          if (mod.type === "Add") {
            const subscription = this.subscription(mod);
            session.subscriptions.set(mod.queryId, subscription);
            session.added.add(mod.queryId);
            const refusal = this.admit(session, subscription);
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
    const identityChange = session.pendingIdentity;
    if (identityChange !== null) {
      session.pendingIdentity = null;
      session.queryAuth = identityChange.auth;
      session.targetIdentity = identityChange.version;
      session.results.clear();
      session.stale.clear();
      // The caps count per identity: admissions are decided again.
      session.admittedCount = 0;
      for (const subscription of session.subscriptions.values()) {
        const refusal = this.admit(session, subscription);
        if (refusal === null) {
          session.stale.add(subscription.queryId);
          session.rejected.delete(subscription.queryId);
        } else if (subscription.lastSent !== "rejected") {
          session.rejected.set(subscription.queryId, refusal);
        }
      }
    }
    if (session.dirtyTables.size > 0 || session.dirtyKeys.size > 0) {
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

  /**
   * Admits a new (or re-admitted) subscription when it fits the caps and
   * counts it; otherwise returns the error its QueryFailed carries.
   */
  private admit(session: SyncSession, subscription: Subscription): string | null {
    const { maxSubscriptionsPerSession, maxSubscriptionsPerIdentity } = this.limits;
    subscription.admitted = false;
    if (session.admittedCount >= maxSubscriptionsPerSession) {
      return `Too many live queries on this connection: convex-local runs at most ${maxSubscriptionsPerSession} per WebSocket. Unsubscribe from some queries.`;
    }
    const identity = session.identityKey;
    if (identity !== "") {
      let total = session.admittedCount;
      for (const other of this.sessions) {
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
  private refill(session: SyncSession, now: number): number {
    const { sessionShare, sessionBurstMs } = this.limits;
    session.credit = Math.min(
      sessionBurstMs,
      session.credit + (now - session.creditAt) * sessionShare,
    );
    session.creditAt = now;
    return session.credit;
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
      if (!this.absorb(session)) continue;
      const credit = this.refill(session, now);
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
      if (ts !== this.cacheTs) {
        this.cache = new Map();
        this.cacheTs = ts;
      }
      const start = performance.now();
      if (serveLong) {
        const session = long[0] as SyncSession;
        const budget = this.catchUp(session, start)
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

  /** Whether a long session's next hold may finish its Transition whatever it takes. */
  private catchUp(session: SyncSession, now: number): boolean {
    const { catchUpAfterMs, maxCatchUpMs, sessionBurstMs } = this.limits;
    if (session.roundStartedAt === 0 || now - session.roundStartedAt < catchUpAfterMs) return false;
    if (session.credit < sessionBurstMs / 2) return false;
    const perQuery = session.roundCost / Math.max(1, session.roundRuns);
    return perQuery * session.stale.size <= maxCatchUpMs;
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
      this.absorb(session);
      if (session.closed || !this.checkNotExpired(session, session.queryAuth)) return true;
      for (const queryId of session.stale) {
        if (performance.now() >= deadline) return false;
        const subscription = session.subscriptions.get(queryId);
        session.stale.delete(queryId);
        if (subscription === undefined) continue;
        session.results.set(queryId, await this.run(subscription, session.queryAuth));
        session.roundRuns += 1;
        if (session.closed) return true;
      }
      this.emit(session, ts);
      return true;
    } finally {
      const now = performance.now();
      session.credit -= now - started;
      session.roundCost += now - started;
      session.lastServedAt = now;
    }
  }

  /** Runs a query at the current state, or reuses the run of an identical one. */
  private async run(subscription: Subscription, auth: CallAuth): Promise<QueryRun> {
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

  /** Sends the session's Transition to `ts` (everything it carries is valid at `ts`). */
  private emit(session: SyncSession, ts: bigint): void {
    // Modifications as JSON text (see serializeResult).
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
        changes.push(
          `{"type":"QueryUpdated","queryId":${queryId},"value":${run.valueJson},${tail}}`,
        );
      } else {
        const errorData = run.valueJson === undefined ? "" : `,"errorData":${run.valueJson}`;
        changes.push(
          `{"type":"QueryFailed","queryId":${queryId},"errorMessage":${JSON.stringify(result.message)},${tail}${errorData}}`,
        );
      }
    }
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

  private subscription(mod: AddQuery): Subscription {
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

  shutdown(): void {
    this.stopped = true;
    this.wake?.();
    if (this.pingTimer) clearInterval(this.pingTimer);
    for (const session of this.sessions) {
      session.closed = true;
      try {
        session.socket.close(1001, "convex-local is shutting down");
      } catch {
        // Already closed.
      }
    }
    this.sessions.clear();
  }
}
