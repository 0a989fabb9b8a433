// One WebSocket's sync session: what the client has been sent, its query set
// and identities, the Transition under construction and its budget of query
// time. Owns sending (Transitions held back while a MutationResponse is
// pending); decides nothing about when queries run (sliced-rerun.ts) or what
// a Transition carries (transitions.ts).
//
// A session's Transitions wait until the MutationResponse of its own mutation
// committed before them has been sent, because the clients complete a
// mutation only on a Transition received after its response (`holds`).
import type { Value } from "convex/values";
import { ANONYMOUS, type CallAuth, type ReadSet } from "./engine.ts";
import type { QueryRun } from "./query-runs.ts";
import { DEFAULT_SYNC_LIMITS } from "./sync-limits.ts";
import type { QuerySetModification, StateVersion } from "./sync-protocol.ts";

export interface SyncSocket {
  send(text: string): void;
  close(code?: number, reason?: string): void;
  /** The peer's IP address (admin keys are accepted from loopback only, unless configured). */
  remoteAddress?: string;
}

export interface SessionAuth extends CallAuth {
  expiresAt: number | null;
}

export interface Subscription {
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
