// Protection of the sync server against one client flooding it with live
// queries: per-connection cap (QueryFailed past it), identical queries that
// differ only by paginationOpts.id run once per state, and another client's
// mutations complete while one socket holds 600 subscriptions and saves in a
// loop. Timing bars live in bench/subscription-flood.bench.ts, not here.
import { ConvexHttpClient } from "convex/browser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api } from "./fixture/convex/_generated/api.js";
import {
  type RuntimeProcess,
  removeDir,
  startRuntime,
  tempDataDir,
  wsClient,
} from "./runtime-process.ts";

let runtime: RuntimeProcess;
let http: ConvexHttpClient;

beforeAll(async () => {
  runtime = await startRuntime({ dataDir: tempDataDir("limits") });
  http = new ConvexHttpClient(runtime.url, { logger: false });
});

afterAll(async () => {
  await runtime.stop();
  removeDir(runtime.dataDir);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Subscribes `count` times to the same page (distinct paginationOpts.id); counts answers and refusals. */
function subscribePages(
  client: ReturnType<typeof wsClient>,
  channel: string,
  count: number,
  query: typeof api.messages.page | typeof api.messages.pageCounted = api.messages.page,
) {
  const state = {
    values: 0,
    errors: [] as string[],
    /** Per subscription: length of its page, and id of its first (newest) row. */
    latest: new Map<number, { length: number; first: string | undefined }>(),
  };
  const unsubscribers: Array<() => void> = [];
  for (let i = 0; i < count; i += 1) {
    unsubscribers.push(
      client.onUpdate(
        query,
        { channel, paginationOpts: { numItems: 5, cursor: null, id: i } },
        (page) => {
          if (!state.latest.has(i)) state.values += 1;
          state.latest.set(i, { length: page.page.length, first: page.page[0]?._id });
        },
        (error) => {
          state.errors.push(error.message);
        },
      ),
    );
  }
  return {
    state,
    async settled() {
      while (state.values + state.errors.length < count) await sleep(20);
    },
    unsubscribe() {
      for (const unsubscribe of unsubscribers) unsubscribe();
    },
  };
}

describe("subscription limits", () => {
  test("one connection runs at most 200 live queries; the others get a clear error", async () => {
    const client = wsClient(runtime.url);
    const pages = subscribePages(client, "cap", 250);
    await pages.settled();
    expect(pages.state.values).toBe(200);
    expect(pages.state.errors).toHaveLength(50);
    expect(pages.state.errors[0]).toMatch(/Too many live queries on this connection.*200/);
    // The admitted ones stay live.
    await http.mutation(api.messages.send, { channel: "cap", author: "w", body: "one" });
    while ([...pages.state.latest.values()].some((page) => page.length !== 1)) await sleep(20);
    pages.unsubscribe();
    await client.close();
  });

  test("queries differing only by paginationOpts.id run once per state and share the result", async () => {
    const client = wsClient(runtime.url);
    const pages = subscribePages(client, "dedupe", 150, api.messages.pageCounted);
    await pages.settled();
    expect(pages.state.errors).toEqual([]);
    expect(await http.query(api.messages.pageRunCount, { channel: "dedupe" })).toBe(1);
    await http.mutation(api.messages.send, { channel: "dedupe", author: "w", body: "one" });
    while ([...pages.state.latest.values()].some((page) => page.length !== 1)) await sleep(20);
    expect(pages.state.latest.size).toBe(150);
    expect(await http.query(api.messages.pageRunCount, { channel: "dedupe" })).toBe(2);
    pages.unsubscribe();
    await client.close();
  });

  test("another client's mutations complete while one socket holds 600 subscriptions and saves in a loop", async () => {
    const attacker = wsClient(runtime.url);
    const victim = wsClient(runtime.url);
    const pages = subscribePages(attacker, "flood", 600);
    await pages.settled();
    let saving = true;
    let saves = 0;
    const saveLoop = (async () => {
      while (saving) {
        await attacker.mutation(api.messages.send, { channel: "flood", author: "a", body: "x" });
        saves += 1;
      }
    })();
    let seen = -1;
    const unsubscribe = victim.onUpdate(api.messages.count, { channel: "victim" }, (n) => {
      seen = n;
    });
    for (let i = 1; i <= 20; i += 1) {
      await victim.mutation(api.messages.send, { channel: "victim", author: "v", body: `v${i}` });
      // Read-your-writes holds: the victim's own subscription reflects each write.
      expect(seen).toBe(i);
    }
    saving = false;
    await saveLoop;
    expect(saves).toBeGreaterThan(0);
    expect(pages.state.values).toBe(200);
    // The attacker's admitted subscriptions followed its writes too.
    const newest = (await http.query(api.messages.list, { channel: "flood" })).at(-1)?._id;
    while ([...pages.state.latest.values()].some((page) => page.first !== newest)) await sleep(20);
    unsubscribe();
    pages.unsubscribe();
    await Promise.all([attacker.close(), victim.close()]);
  });
});
