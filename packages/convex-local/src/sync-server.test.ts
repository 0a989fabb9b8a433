// The sync server's passes against a fake engine (a lock, counters per
// channel, queries that take time): re-runs happen in short holds of the lock
// between which commits land, and still every Transition carries only results
// valid at its own timestamp.
import { describe, expect, test } from "vitest";
import type { CallAuth, CallResult, ConvexEngine } from "./engine.ts";
import { TokenVerifier } from "./jwt-auth.ts";
import { decodeTs, encodeTs } from "./sync-protocol.ts";
import { SyncServer } from "./sync-server.ts";

const QUERY_COST_MS = 1;

/** One lock, a counter per channel, and the history of committed states. */
class FakeEngine {
  private locked: Promise<void> | null = null;
  private counters = new Map<string, number>();
  lastCommitTs = 0n;
  readonly history = new Map<bigint, Map<string, number>>([[0n, new Map()]]);
  server: SyncServer | null = null;
  executions = 0;

  private async lock(): Promise<() => void> {
    while (this.locked !== null) await this.locked;
    let release!: () => void;
    this.locked = new Promise<void>((resolve) => {
      release = () => {
        this.locked = null;
        resolve();
      };
    });
    return release;
  }

  async snapshot<T>(work: (ts: bigint) => Promise<T>): Promise<T> {
    const release = await this.lock();
    try {
      return await work(this.lastCommitTs);
    } finally {
      release();
    }
  }

  async queryInSnapshot(
    _udfPath: string,
    args: Record<string, unknown>,
    _auth: CallAuth,
    _journal: string | null,
  ): Promise<CallResult> {
    this.executions += 1;
    const channel = String(args.channel);
    await Promise.resolve();
    const end = performance.now() + QUERY_COST_MS;
    while (performance.now() < end) {
      // A query that takes time.
    }
    return {
      ok: true,
      value: this.counters.get(channel) ?? 0,
      logLines: [],
      reads: { tables: new Set(), keys: new Set([`key:${channel}`]), all: false },
      journal: null,
      commitTs: null,
    };
  }

  async commit(channel: string): Promise<void> {
    const release = await this.lock();
    this.counters.set(channel, (this.counters.get(channel) ?? 0) + 1);
    this.lastCommitTs += 1n;
    this.history.set(this.lastCommitTs, new Map(this.counters));
    this.server?.onCommit(new Set(), new Set([`key:${channel}`]));
    release();
  }
}

interface Received {
  type: string;
  endVersion?: { ts: string; querySet: number };
  modifications?: Array<{ type: string; queryId: number; value?: unknown }>;
}

describe("sync passes in time slices", () => {
  test("commits land between the holds of a long re-run, and every Transition is consistent at its ts", async () => {
    const engine = new FakeEngine();
    const server = new SyncServer(
      engine as unknown as ConvexEngine,
      new TokenVerifier([]),
      // No throttling here: only the slicing is under test.
      { sessionShare: 1, sessionBurstMs: 1e9 },
    );
    engine.server = server;
    const received: Received[] = [];
    const session = server.open({
      send: (text) => received.push(JSON.parse(text) as Received),
      close: () => {},
    });
    const channels = ["a", "b", "c", "d"];
    const queries = Array.from({ length: 40 }, (_, queryId) => ({
      type: "Add" as const,
      queryId,
      udfPath: "messages:count",
      args: [{ channel: channels[queryId % channels.length], extra: queryId }],
    }));
    const channelOf = (queryId: number) => channels[queryId % channels.length] as string;
    server.receive(
      session,
      JSON.stringify({
        type: "ModifyQuerySet",
        baseVersion: 0,
        newVersion: 1,
        modifications: queries,
      }),
    );
    // A writer commits as fast as the lock lets it while the 40 queries (40 ms) run.
    let commits = 0;
    let firstTransitionAtCommits = -1;
    while (received.length === 0 || commits < 60) {
      await engine.commit(channels[commits % channels.length] as string);
      commits += 1;
      if (received.length > 0 && firstTransitionAtCommits < 0) firstTransitionAtCommits = commits;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await server.idle();
    // The first Transition needed all 40 queries (40 ms): commits kept landing
    // between the holds of the lock while it was computed (holding the lock for
    // the whole pass, only the one commit that got the lock first would have).
    expect(firstTransitionAtCommits).toBeGreaterThan(5);
    const firstTs = decodeTs((received[0] as Received).endVersion?.ts ?? encodeTs(0n));
    expect(firstTs).toBeGreaterThan(1n);
    // Replaying the Transitions: after each, every query shows the state at its ts.
    const view = new Map<number, unknown>();
    let lastTs = -1n;
    for (const message of received) {
      expect(message.type).toBe("Transition");
      for (const change of message.modifications ?? []) {
        if (change.type === "QueryUpdated") view.set(change.queryId, change.value);
      }
      const ts = decodeTs(message.endVersion?.ts ?? "");
      expect(ts).toBeGreaterThan(lastTs);
      lastTs = ts;
      const state = engine.history.get(ts);
      expect(state).toBeDefined();
      expect(view.size).toBe(40);
      for (const [queryId, value] of view) {
        expect(value).toBe(state?.get(channelOf(queryId)) ?? 0);
      }
    }
    // The last Transition reflects the final state.
    expect(lastTs).toBe(engine.lastCommitTs);
    server.shutdown();
  });

  test("identical queries but for paginationOpts.id run once per state", async () => {
    const engine = new FakeEngine();
    const server = new SyncServer(engine as unknown as ConvexEngine, new TokenVerifier([]));
    engine.server = server;
    const received: Received[] = [];
    const session = server.open({
      send: (text) => received.push(JSON.parse(text) as Received),
      close: () => {},
    });
    server.receive(
      session,
      JSON.stringify({
        type: "ModifyQuerySet",
        baseVersion: 0,
        newVersion: 1,
        modifications: Array.from({ length: 50 }, (_, queryId) => ({
          type: "Add",
          queryId,
          udfPath: "messages:page",
          args: [{ channel: "a", paginationOpts: { numItems: 5, cursor: null, id: queryId } }],
        })),
      }),
    );
    while (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(engine.executions).toBe(1);
    expect(received[0]?.modifications).toHaveLength(50);
    await engine.commit("a");
    while (received.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(engine.executions).toBe(2);
    server.shutdown();
  });
});
