// The server side of the Convex sync protocol: one session per WebSocket,
// query subscriptions kept current after every commit.
//
// Consistency: every Transition is computed in one "pass" that holds the
// transaction lock (ConvexEngine.snapshot), so all the query results it carries
// come from the same committed state, and its end timestamp is that state's.
// A pass re-runs the subscribed queries whose read tables were written since
// the previous pass (plus new queries and those of re-authenticated sessions).
// A session's Transitions wait until the MutationResponse of its own mutation
// committed before them has been sent, because the clients complete a mutation
// only on a Transition received after its response.
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
import { AuthFailure, type TokenVerifier } from "./jwt-auth.ts";
import {
  type AddQuery,
  type ClientMessage,
  clientMessageSchema,
  encodeTs,
  encodeVersion,
  type QuerySetModification,
  type StateModification,
  type StateVersion,
} from "./sync-protocol.ts";

export interface SyncSocket {
  send(text: string): void;
  close(code?: number, reason?: string): void;
}

interface SessionAuth extends CallAuth {
  expiresAt: number | null;
}

interface Subscription {
  queryId: number;
  udfPath: string;
  args: Record<string, Value>;
  argsKey: string;
  journal: string | null;
  /** Serialized last result sent (undefined: never sent). */
  lastSent: string | undefined;
  reads: ReadSet | null;
}

interface PassJob {
  udfPath: string;
  args: Record<string, Value>;
  auth: CallAuth;
  journal: string | null;
  result?: CallResult;
  serialized?: string;
  encoded?: unknown;
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

  constructor(socket: SyncSocket) {
    this.socket = socket;
  }

  send(message: unknown): void {
    if (this.closed) return;
    try {
      this.socket.send(JSON.stringify(message));
    } catch {
      this.closed = true;
    }
  }

  sendTransition(message: unknown): void {
    if (this.holds > 0) this.queued.push(JSON.stringify(message));
    else this.send(message);
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

function serializeResult(result: CallResult): { serialized: string; encoded: unknown } {
  if (result.ok) {
    const encoded = convexToJson(result.value);
    return { serialized: `ok:${JSON.stringify(encoded)}`, encoded };
  }
  const data = result.data === undefined ? undefined : convexToJson(result.data);
  return { serialized: `err:${result.message}:${JSON.stringify(data ?? null)}`, encoded: data };
}

export class SyncServer {
  private readonly engine: ConvexEngine;
  private readonly verifier: TokenVerifier;
  private readonly sessions = new Set<SyncSession>();
  private dirtyTables = new Set<string>();
  private dirtyKeys = new Set<string>();
  private passRequested = false;
  private passRunning: Promise<void> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;

  constructor(engine: ConvexEngine, verifier: TokenVerifier) {
    this.engine = engine;
    this.verifier = verifier;
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
    const session = new SyncSession(socket);
    this.sessions.add(session);
    return session;
  }

  close(session: SyncSession): void {
    session.closed = true;
    this.sessions.delete(session);
  }

  /** Called synchronously for every top-level commit. */
  onCommit(tables: Set<string>, keys: Set<string>): void {
    for (const table of tables) this.dirtyTables.add(table);
    for (const key of keys) this.dirtyKeys.add(key);
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
            const text =
              error instanceof AuthFailure
                ? error.message
                : `Could not verify the auth token: ${String(error)}`;
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

  private checkNotExpired(session: SyncSession): boolean {
    const expiresAt = session.callAuth.expiresAt;
    if (expiresAt !== null && expiresAt * 1000 < Date.now()) {
      this.authError(session, session.expectedIdentity - 1, "Convex token identity expired", false);
      return false;
    }
    return true;
  }

  private requestPass(): void {
    this.passRequested = true;
    if (this.passRunning !== null) return;
    runInRootContext(() => {
      this.passRunning = this.runPasses().finally(() => {
        this.passRunning = null;
        if (this.passRequested) this.requestPass();
      });
    });
  }

  private async runPasses(): Promise<void> {
    while (this.passRequested) {
      this.passRequested = false;
      try {
        await this.pass();
      } catch (error) {
        runtimeConsole.error("[sync] failed to update subscriptions", error);
      }
    }
  }

  /** Waits until every requested pass has run (used at shutdown and by tests). */
  async idle(): Promise<void> {
    while (this.passRunning !== null) await this.passRunning;
  }

  private async pass(): Promise<void> {
    await this.engine.snapshot(async (ts) => {
      // Taken under the lock: exactly the commits up to `ts`.
      const dirty = this.dirtyTables;
      const dirtyKeys = this.dirtyKeys;
      this.dirtyTables = new Set();
      this.dirtyKeys = new Set();
      const plans = [];
      const jobs = new Map<string, PassJob>();
      for (const session of this.sessions) {
        if (session.closed) continue;
        const removed: number[] = [];
        const added = new Set<number>();
        const modifications = session.pendingModifications;
        session.pendingModifications = [];
        for (const change of modifications) {
          for (const mod of change.modifications) {
            if (mod.type === "Add") {
              session.subscriptions.set(mod.queryId, this.subscription(mod));
              added.add(mod.queryId);
            } else {
              session.subscriptions.delete(mod.queryId);
              added.delete(mod.queryId);
              removed.push(mod.queryId);
            }
          }
        }
        const querySet = modifications.at(-1)?.newVersion ?? session.sent.querySet;
        const identityChange = session.pendingIdentity;
        session.pendingIdentity = null;
        if (identityChange !== null) session.queryAuth = identityChange.auth;
        const identity = identityChange?.version ?? session.sent.identity;
        const toRun: Array<{ subscription: Subscription; key: string }> = [];
        for (const subscription of session.subscriptions.values()) {
          const reads = subscription.reads;
          const stale =
            identityChange !== null ||
            added.has(subscription.queryId) ||
            reads === null ||
            reads.all ||
            intersects(reads.tables, dirty) ||
            intersects(reads.keys, dirtyKeys);
          if (!stale) continue;
          const key = `${subscription.udfPath}\u0000${subscription.argsKey}\u0000${session.queryAuth.key}\u0000${subscription.journal ?? ""}`;
          if (!jobs.has(key)) {
            jobs.set(key, {
              udfPath: subscription.udfPath,
              args: subscription.args,
              auth: session.queryAuth,
              journal: subscription.journal,
            });
          }
          toRun.push({ subscription, key });
        }
        plans.push({ session, removed, added, querySet, identity, toRun });
      }
      for (const job of jobs.values()) {
        job.result = await this.engine.queryInSnapshot(
          job.udfPath,
          job.args,
          job.auth,
          job.journal,
        );
        Object.assign(job, serializeResult(job.result));
      }
      for (const plan of plans) {
        const { session } = plan;
        const changes: StateModification[] = plan.removed.map((queryId) => ({
          type: "QueryRemoved" as const,
          queryId,
        }));
        for (const { subscription, key } of plan.toRun) {
          const job = jobs.get(key);
          if (job?.result === undefined || job.serialized === undefined) continue;
          const result = job.result;
          subscription.reads = result.reads;
          if (result.journal !== null) subscription.journal = result.journal;
          if (job.serialized === subscription.lastSent && !plan.added.has(subscription.queryId))
            continue;
          subscription.lastSent = job.serialized;
          changes.push(
            result.ok
              ? {
                  type: "QueryUpdated",
                  queryId: subscription.queryId,
                  value: job.encoded,
                  logLines: result.logLines,
                  journal: result.journal,
                }
              : {
                  type: "QueryFailed",
                  queryId: subscription.queryId,
                  errorMessage: result.message,
                  logLines: result.logLines,
                  journal: result.journal,
                  ...(job.encoded === undefined ? {} : { errorData: job.encoded }),
                },
          );
        }
        const start = session.sent;
        const versionChanged = plan.querySet !== start.querySet || plan.identity !== start.identity;
        const needsTs = session.awaitedTs > start.ts;
        if (changes.length === 0 && !versionChanged && !needsTs) continue;
        const end: StateVersion = { querySet: plan.querySet, identity: plan.identity, ts };
        session.sent = end;
        session.sendTransition({
          type: "Transition",
          startVersion: encodeVersion(start),
          endVersion: encodeVersion(end),
          modifications: changes,
        });
      }
      return ts;
    });
  }

  private subscription(mod: AddQuery): Subscription {
    const argsJson = mod.args[0] ?? {};
    return {
      queryId: mod.queryId,
      udfPath: mod.udfPath,
      args: jsonToConvex(argsJson as never) as Record<string, Value>,
      argsKey: JSON.stringify(argsJson),
      journal: mod.journal ?? null,
      lastSent: undefined,
      reads: null,
    };
  }

  shutdown(): void {
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
