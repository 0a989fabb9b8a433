// retention.outbox against the real Convex functions (convex-test): the daily retention run
// queues it, the handler removes the .eml files strictly older than 30 days before the run's
// start (the one exactly at the cut-off stays), leaves other files, and the run's figures say
// how many went; a retry removes and counts nothing twice.
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jobPayloadSchemas } from "@nexus/shared/jobs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { internal } from "../../../../convex/_generated/api";
import type { Id } from "../../../../convex/_generated/dataModel";
import { freshWorld } from "../../../../convex/world.fixtures";
import { workerConvexOf } from "../convex-test.test-helpers.ts";
import type { JobHelpers } from "../handler.ts";
import { createLogger } from "../logger.ts";
import { retentionOutboxHandler } from "./retention-outbox.ts";

const DAY = 24 * 60 * 60 * 1000;
// A whole second, so that the cut-off is exactly representable as a file time (seconds).
const NOW = Date.UTC(2026, 11, 1, 2, 30);
let dir: string | undefined;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
});
afterEach(async () => {
  vi.useRealTimers();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("retention.outbox against Convex", () => {
  it("removes the .eml files strictly older than 30 days and reports them in the run", async () => {
    const { t } = await freshWorld();
    await t.mutation(internal.retention.daily, {});
    const job = await t.run((ctx) =>
      ctx.db
        .query("jobs")
        .filter((q) => q.eq(q.field("kind"), "retention.outbox"))
        .first(),
    );
    const payload = jobPayloadSchemas["retention.outbox"].parse(job!.payload);
    expect(payload.startedAt).toBe(NOW);
    const cutoff = NOW - 30 * DAY;

    dir = await mkdtemp(join(tmpdir(), "outbox-retention-"));
    const files = {
      "old.eml": cutoff - 1,
      "older.eml": cutoff - 40 * DAY,
      "edge.eml": cutoff,
      "recent.eml": payload.startedAt - DAY,
      "notes.txt": cutoff - 40 * DAY,
    };
    for (const [name, mtime] of Object.entries(files)) {
      const path = join(dir, name);
      await writeFile(path, "Subject: x\r\n\r\n");
      await utimes(path, mtime / 1000, mtime / 1000);
      // Within the file system's precision (ms → s conversion), on the same side of the cut-off.
      const { mtimeMs } = await stat(path);
      expect(Math.abs(mtimeMs - mtime)).toBeLessThan(0.01);
      expect(Math.sign(mtimeMs - cutoff)).toBe(Math.sign(mtime - cutoff));
    }

    const handler = retentionOutboxHandler(dir);
    const helpers = {
      job: { id: "j1", kind: "retention.outbox", attempt: 1, maxAttempts: 5, createdAt: 0 },
      signal: new AbortController().signal,
      log: createLogger({ level: "error" }),
      progress: () => {},
      convex: workerConvexOf(t),
    } as JobHelpers;
    expect(await handler.run(payload, helpers)).toEqual({ removed: 2, kept: 2 });
    expect((await readdir(dir)).sort()).toEqual(["edge.eml", "notes.txt", "recent.eml"]);
    const runId = payload.runId as Id<"retentionRuns">;
    expect((await t.run((ctx) => ctx.db.get(runId)))!.counts.outboxFiles).toBe(2);

    // A retry (or a second delivery) finds nothing more and leaves the figure as it is.
    expect(await handler.run(payload, helpers)).toEqual({ removed: 0, kept: 2 });
    expect((await t.run((ctx) => ctx.db.get(runId)))!.counts.outboxFiles).toBe(2);
  });
});
