// The sync WebSocket through the stock ConvexClient: subscriptions follow
// writes made by another client, unsubscribing stops updates, mutations
// resolve, paginated queries stay consistent while data changes.
import type { ConvexClient } from "convex/browser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api } from "./fixture/convex/_generated/api.js";
import {
  nextValue,
  type RuntimeProcess,
  removeDir,
  startRuntime,
  tempDataDir,
  wsClient,
} from "./runtime-process.ts";

let runtime: RuntimeProcess;
let watcher: ConvexClient;
let writer: ConvexClient;

beforeAll(async () => {
  runtime = await startRuntime({ dataDir: tempDataDir("live") });
  watcher = wsClient(runtime.url);
  writer = wsClient(runtime.url);
});

afterAll(async () => {
  await Promise.all([watcher.close(), writer.close()]);
  await runtime.stop();
  removeDir(runtime.dataDir);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("live queries over the sync protocol", () => {
  test("a subscriber sees another client's mutation, and stops after unsubscribing", async () => {
    const seen: number[] = [];
    const unsubscribe = watcher.onUpdate(api.messages.count, { channel: "live" }, (n) =>
      seen.push(n),
    );
    await nextValue<number>(
      (cb) => watcher.onUpdate(api.messages.count, { channel: "live" }, cb),
      (n) => n === 0,
    );

    const id = await writer.mutation(api.messages.send, {
      channel: "live",
      author: "w",
      body: "one",
    });
    expect(typeof id).toBe("string");
    await nextValue<number>(
      (cb) => watcher.onUpdate(api.messages.count, { channel: "live" }, cb),
      (n) => n === 1,
    );
    expect(seen).toEqual([0, 1]);

    unsubscribe();
    await writer.mutation(api.messages.send, { channel: "live", author: "w", body: "two" });
    // The writer's own subscription proves the commit was broadcast.
    await nextValue<number>(
      (cb) => writer.onUpdate(api.messages.count, { channel: "live" }, cb),
      (n) => n === 2,
    );
    await sleep(100);
    expect(seen).toEqual([0, 1]);
  });

  test("a mutation resolves after its own subscriptions reflect it (read-your-writes)", async () => {
    let latest = -1;
    const unsubscribe = writer.onUpdate(api.messages.count, { channel: "ryw" }, (n) => {
      latest = n;
    });
    await nextValue<number>(
      (cb) => writer.onUpdate(api.messages.count, { channel: "ryw" }, cb),
      () => true,
    );
    for (let i = 1; i <= 5; i += 1) {
      await writer.mutation(api.messages.send, { channel: "ryw", author: "w", body: `m${i}` });
      expect(latest).toBe(i);
    }
    unsubscribe();
  });

  test("edits, deletions and document reads by id invalidate exactly the right subscriptions", async () => {
    const id = await writer.mutation(api.messages.send, {
      channel: "precise",
      author: "w",
      body: "v1",
    });
    const bodies = (rows: Array<{ body: string }>) => rows.map((row) => row.body).join(",");
    const list = (predicate: (value: string) => boolean) =>
      nextValue<Array<{ body: string }>>(
        (cb) => watcher.onUpdate(api.messages.list, { channel: "precise" }, cb),
        (rows) => predicate(bodies(rows)),
      );
    await list((value) => value === "v1");
    const edited = list((value) => value === "v2");
    await writer.mutation(api.messages.edit, { id, body: "v2" });
    await edited;
    const removed = list((value) => value === "");
    await writer.mutation(api.messages.remove, { id });
    await removed;

    // A query reading one `_storage` document by id follows that document.
    const stored = await writer.action(api.files.storeNote, {
      channel: "precise-files",
      text: "f",
    });
    await nextValue<{ size: number } | null>(
      (cb) => watcher.onUpdate(api.files.describe, { storageId: stored.storageId }, cb),
      (value) => value?.size === 1,
    );
    const gone = nextValue<{ size: number } | null>(
      (cb) => watcher.onUpdate(api.files.describe, { storageId: stored.storageId }, cb),
      (value) => value === null,
    );
    await writer.action(api.files.deleteFile, { storageId: stored.storageId });
    expect(await gone).toBeNull();
  });

  test("a mutation that changes no subscribed query still resolves", async () => {
    const id = await writer.mutation(api.messages.send, {
      channel: "nobody-watches",
      author: "w",
      body: "x",
    });
    await expect(writer.mutation(api.messages.edit, { id, body: "y" })).resolves.toBeNull();
  });

  test("failures reach the caller: ConvexError data on mutations, errors on queries", async () => {
    const error = await writer.mutation(api.messages.sendChecked, { channel: "x", body: "" }).then(
      () => null,
      (e: unknown) => e as { data?: unknown },
    );
    expect(error?.data).toMatchObject({ code: "EMPTY_BODY" });
    const failure = await new Promise<Error>((resolve) => {
      const unsubscribe = watcher.onUpdate(
        api.messages.crash,
        {},
        () => {},
        (e) => {
          resolve(e);
          queueMicrotask(unsubscribe);
        },
      );
    });
    expect(failure.message).toMatch(/fixture query crashed on purpose/);
  });

  test("actions over the WebSocket return their result", async () => {
    const result = await writer.action(api.files.storeNote, {
      channel: "ws-action",
      text: "via ws",
    });
    expect(result.readBack).toBe("via ws");
  });

  test("a paginated query stays gapless and duplicate-free while rows are added and removed", async () => {
    const channel = "paged";
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      ids.push(
        await writer.mutation(api.messages.send, { channel, author: "w", body: `row ${i}` }),
      );
    }
    type Page = {
      results: Array<{ _id: string; body: string }>;
      status: string;
      loadMore: (n: number) => boolean;
    };
    let latest: Page | undefined;
    const unsubscribe = watcher.onPaginatedUpdate_experimental(
      api.messages.page,
      { channel } as never,
      { initialNumItems: 4 },
      (page) => {
        latest = page as unknown as Page;
      },
    );
    const waitFor = async (predicate: (page: Page) => boolean) => {
      for (let i = 0; i < 200; i += 1) {
        if (latest && predicate(latest)) return latest;
        await sleep(25);
      }
      throw new Error(
        `pagination did not converge: ${JSON.stringify(latest?.results.map((r) => r.body))}`,
      );
    };
    await waitFor((page) => page.results.length === 4 && page.status === "CanLoadMore");
    latest?.loadMore(4);
    await waitFor((page) => page.results.length === 8);

    // New rows land on the first page (newest first); the boundaries of the
    // loaded pages do not move, so nothing is skipped or repeated.
    const added = await writer.mutation(api.messages.send, {
      channel,
      author: "w",
      body: "newest",
    });
    let page = await waitFor((p) => p.results[0]?._id === added);
    expect(page.results.map((r) => r.body)).toEqual([
      "newest",
      ...["row 11", "row 10", "row 9", "row 8", "row 7", "row 6", "row 5", "row 4"],
    ]);
    await writer.mutation(api.messages.remove, { id: ids[6] as never });
    page = await waitFor((p) => !p.results.some((r) => r.body === "row 6"));
    const bodies = page.results.map((r) => r.body);
    expect(new Set(bodies).size).toBe(bodies.length);
    expect(bodies).toEqual([
      "newest",
      "row 11",
      "row 10",
      "row 9",
      "row 8",
      "row 7",
      "row 5",
      "row 4",
    ]);

    latest?.loadMore(10);
    const all = await waitFor((p) => p.status === "Exhausted");
    const everything = all.results.map((r) => r.body);
    expect(everything).toEqual([
      "newest",
      "row 11",
      "row 10",
      "row 9",
      "row 8",
      "row 7",
      "row 5",
      "row 4",
      "row 3",
      "row 2",
      "row 1",
      "row 0",
    ]);
    unsubscribe();
  });
});
