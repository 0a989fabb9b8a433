// The server side of the Convex sync protocol: one session per WebSocket,
// query subscriptions kept current after every commit. Owns the set of live
// sessions, the order in which a session's messages are handled, commit
// notifications and pings; the rest is in its own modules:
//   sync-session.ts   one WebSocket's state and sending (Transitions held
//                     back until the client's own MutationResponse is out)
//   sync-messages.ts  one handler per client message type
//   session-auth.ts   AuthError and token expiry
//   sliced-rerun.ts   re-running queries in short holds of the transaction
//                     lock; every Transition is valid at its timestamp
//   transitions.ts    what a Transition carries (dirty sets → stale queries)
//   query-runs.ts     identical queries run once per state (dedupe)
//   sync-limits.ts    caps per session and identity, budgets of query time
import type { AdminKeys } from "./admin-key.ts";
import { type ConvexEngine, runInRootContext, runtimeConsole } from "./engine.ts";
import type { TokenVerifier } from "./jwt-auth.ts";
import { checkNotExpired } from "./session-auth.ts";
import { SlicedRerun } from "./sliced-rerun.ts";
import { admitSubscription, DEFAULT_SYNC_LIMITS, type SyncLimits } from "./sync-limits.ts";
import {
  onAction,
  onAuthenticate,
  onModifyQuerySet,
  onMutation,
  type SyncContext,
} from "./sync-messages.ts";
import { type ClientMessage, clientMessageSchema } from "./sync-protocol.ts";
import { SyncSession, type SyncSocket } from "./sync-session.ts";

export { DEFAULT_SYNC_LIMITS, type SyncLimits } from "./sync-limits.ts";
export { SyncSession, type SyncSocket } from "./sync-session.ts";

export class SyncServer {
  private readonly limits: SyncLimits;
  private readonly sessions = new Set<SyncSession>();
  private readonly context: SyncContext;
  private readonly rerun: SlicedRerun;
  private pingTimer: ReturnType<typeof setInterval> | null = null;

  constructor(
    engine: ConvexEngine,
    verifier: TokenVerifier,
    limits: Partial<SyncLimits> = {},
    admin?: AdminKeys,
  ) {
    this.limits = { ...DEFAULT_SYNC_LIMITS, ...limits };
    const drop = (session: SyncSession) => {
      this.sessions.delete(session);
    };
    this.rerun = new SlicedRerun({
      engine,
      limits: this.limits,
      sessions: this.sessions,
      admit: (session, subscription) =>
        admitSubscription(this.limits, this.sessions, session, subscription),
      checkNotExpired: (session, auth) => checkNotExpired({ drop }, session, auth),
    });
    this.context = {
      engine,
      verifier,
      admin,
      drop,
      requestPass: () => this.rerun.requestPass(),
    };
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
    this.rerun.requestPass();
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
      case "ModifyQuerySet":
        return onModifyQuerySet(this.context, session, message);
      case "Authenticate":
        return onAuthenticate(this.context, session, message);
      case "Mutation":
        return onMutation(this.context, session, message);
      case "Action":
        return onAction(this.context, session, message);
    }
  }

  /** Waits until every requested pass has run (used at shutdown and by tests). */
  async idle(): Promise<void> {
    await this.rerun.idle();
  }

  shutdown(): void {
    this.rerun.stop();
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
