// Data survives restarts (same documents, same ids, files intact), scheduled
// functions fire in real time and after a restart, crons run, and a kill -9
// in the middle of a burst of writes leaves a store that loads.
import { randomBytes } from "node:crypto";
import { ConvexHttpClient } from "convex/browser";
import { describe, expect, test } from "vitest";
import { api } from "./fixture/convex/_generated/api.js";
import { removeDir, startRuntime, tempDataDir } from "./runtime-process.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value ${String(value)}`);
    await sleep(50);
  }
}

describe("persistence", () => {
  test("documents, ids, files and pending scheduled functions survive a restart", async () => {
    const dataDir = tempDataDir("restart");
    let runtime = await startRuntime({ dataDir });
    try {
      let client = new ConvexHttpClient(runtime.url, { logger: false });
      const ids = [];
      for (let i = 0; i < 5; i += 1) {
        ids.push(
          await client.mutation(api.messages.send, { channel: "keep", author: "a", body: `n${i}` }),
        );
      }
      await client.mutation(api.messages.edit, { id: ids[1] as never, body: "edited" });
      await client.mutation(api.messages.remove, { id: ids[2] as never });
      const sample = await client.mutation(api.samples.save, {
        label: "persisted",
        count: 123456789012345678n,
        raw: new Uint8Array([9, 8, 7]).buffer,
        ratio: 0.25,
        nothing: null,
        flag: false,
        nested: { list: [1n, "x"], deep: { text: "ok" } },
      });
      const bytes = randomBytes(300_000);
      const uploadUrl = await client.mutation(api.files.generateUploadUrl, {});
      const { storageId } = (await (
        await fetch(uploadUrl, {
          method: "POST",
          headers: { "Content-Type": "image/png" },
          body: bytes,
        })
      ).json()) as { storageId: string };
      const job = await client.mutation(api.counters.incrementLater, {
        name: "after-restart",
        delayMs: 1500,
      });
      const before = await client.query(api.messages.list, { channel: "keep" });
      expect(await runtime.stop()).toBe(0);

      runtime = await startRuntime({ dataDir });
      client = new ConvexHttpClient(runtime.url, { logger: false });
      expect(await client.query(api.messages.list, { channel: "keep" })).toEqual(before);
      const after = await client.query(api.samples.get, { id: sample });
      expect(after?.count).toBe(123456789012345678n);
      expect([...new Uint8Array(after?.raw as ArrayBuffer)]).toEqual([9, 8, 7]);
      const described = await client.query(api.files.describe, { storageId: storageId as never });
      expect(described?.contentType).toBe("image/png");
      const downloaded = Buffer.from(await (await fetch(described?.url ?? "")).arrayBuffer());
      expect(downloaded.equals(bytes)).toBe(true);
      // New ids never collide with ids issued before the restart.
      const fresh = await client.mutation(api.messages.send, {
        channel: "keep",
        author: "a",
        body: "new",
      });
      expect(ids).not.toContain(fresh);
      // The job scheduled before the restart fires after it.
      expect(
        await waitFor(
          () => client.query(api.counters.get, { name: "after-restart" }),
          (n) => n === 1,
        ),
      ).toBe(1);
      expect(await client.query(api.counters.job, { id: job })).toBe("success");
    } finally {
      await runtime.stop();
      removeDir(dataDir);
    }
  });

  test("kill -9 during a burst of writes leaves a loadable store with every acknowledged write", async () => {
    const dataDir = tempDataDir("crash");
    try {
      const runtime = await startRuntime({ dataDir });
      const client = new ConvexHttpClient(runtime.url, { logger: false });
      const acknowledged: string[] = [];
      let stop = false;
      const writers = Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; !stop; i += 1) {
          try {
            acknowledged.push(
              await client.mutation(
                api.messages.send,
                { channel: "burst", author: `w${w}`, body: `${i} ${"x".repeat(200)}` },
                { skipQueue: true },
              ),
            );
          } catch {
            return;
          }
        }
      });
      await waitFor(
        async () => acknowledged.length,
        (n) => n >= 200,
      );
      await runtime.kill9();
      stop = true;
      await Promise.all(writers);

      const restarted = await startRuntime({ dataDir });
      const rows = await new ConvexHttpClient(restarted.url, { logger: false }).query(
        api.messages.list,
        {
          channel: "burst",
        },
      );
      const stored = new Set<string>(rows.map((row) => row._id));
      for (const id of acknowledged) expect(stored.has(id)).toBe(true);
      await restarted.stop();
    } finally {
      removeDir(dataDir);
    }
  });
});

describe("scheduler and crons", () => {
  test("runAfter fires in real time, cancel prevents a run, the cron ticks", async () => {
    const dataDir = tempDataDir("sched");
    const runtime = await startRuntime({ dataDir });
    try {
      const client = new ConvexHttpClient(runtime.url, { logger: false });
      const soon = await client.mutation(api.counters.incrementLater, {
        name: "soon",
        delayMs: 200,
      });
      const cancelled = await client.mutation(api.counters.incrementLater, {
        name: "never",
        delayMs: 400,
      });
      await client.mutation(api.counters.cancel, { id: cancelled });
      expect(
        await waitFor(
          () => client.query(api.counters.get, { name: "soon" }),
          (n) => n === 1,
        ),
      ).toBe(1);
      expect(await client.query(api.counters.job, { id: soon })).toBe("success");
      await sleep(500);
      expect(await client.query(api.counters.get, { name: "never" })).toBe(0);
      expect(await client.query(api.counters.job, { id: cancelled })).toBe("canceled");
      // crons.ts: interval of one second.
      expect(
        await waitFor(
          () => client.query(api.counters.get, { name: "cron" }),
          (n) => n >= 2,
        ),
      ).toBeGreaterThanOrEqual(2);
    } finally {
      await runtime.stop();
      removeDir(dataDir);
    }
  });
});
