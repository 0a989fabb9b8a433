import { expect, it } from "vitest";
import { api } from "./_generated/api";
import { makeConvexTest } from "./test.setup";

it("answers the public health check without authentication", async () => {
  const t = makeConvexTest();
  expect(await t.query(api.health.check, {})).toEqual({
    ok: true,
    service: "nexus-reussite",
    workerLastSeenAt: null,
  });
});

it("gives only the newest heartbeat of an online worker", async () => {
  const t = makeConvexTest();
  await t.run(async (ctx) => {
    const base = {
      host: "h",
      version: "1",
      kinds: [],
      concurrency: {},
      currentJobs: [],
      startedAt: 1,
    };
    await ctx.db.insert("workers", { ...base, workerId: "a", status: "online", lastSeenAt: 1_000 });
    await ctx.db.insert("workers", { ...base, workerId: "b", status: "online", lastSeenAt: 5_000 });
    await ctx.db.insert("workers", {
      ...base,
      workerId: "c",
      status: "offline",
      lastSeenAt: 9_000,
    });
  });
  const result = await t.query(api.health.check, {});
  expect(result).toEqual({ ok: true, service: "nexus-reussite", workerLastSeenAt: 5_000 });
  expect(JSON.stringify(result)).not.toContain('"a"');
});
