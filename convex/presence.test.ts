// Presence on a review page: reviewers record themselves with heartbeats (at most one write
// every 5 s), see who else was there in the last 30 s, leave, and old rows are pruned.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { as, errorOf, freshWorld, type T } from "./world.fixtures";

const T0 = Date.UTC(2026, 0, 15, 13, 0, 0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

async function rows(t: T) {
  return await t.run(async (ctx) => await ctx.db.query("presence").collect());
}

const list = (t: T, caller: "coach" | "admin", bilanId: Id<"bilans">, now: number) =>
  as(t, caller).query(api.presence.list, { bilanId, now });

describe("presence", () => {
  it("two reviewers on one bilan see each other, with name and role", async () => {
    const { t, world } = await freshWorld();
    const bilanId = world.bilans.own;
    await as(t, "coach").mutation(api.presence.heartbeat, { bilanId });
    vi.setSystemTime(T0 + 2_000);
    await as(t, "admin").mutation(api.presence.heartbeat, { bilanId });
    const seen = await list(t, "coach", bilanId, T0 + 10_000);
    expect(seen).toEqual([
      {
        userId: world.users.admin,
        name: "admin",
        role: "admin",
        lastSeenAt: T0 + 2_000,
        isMe: false,
      },
      { userId: world.users.coach, name: "coach", role: "coach", lastSeenAt: T0, isMe: true },
    ]);
    // Another bilan's page has nobody.
    expect(await list(t, "admin", world.bilans.foreign, T0 + 10_000)).toEqual([]);
  });

  it("writes at most every 5 seconds per person and bilan", async () => {
    const { t, world } = await freshWorld();
    const bilanId = world.bilans.own;
    await as(t, "coach").mutation(api.presence.heartbeat, { bilanId });
    vi.setSystemTime(T0 + 4_000);
    await as(t, "coach").mutation(api.presence.heartbeat, { bilanId });
    expect((await rows(t)).map((r) => r.lastSeenAt)).toEqual([T0]);
    vi.setSystemTime(T0 + 5_000);
    await as(t, "coach").mutation(api.presence.heartbeat, { bilanId });
    expect((await rows(t)).map((r) => r.lastSeenAt)).toEqual([T0 + 5_000]);
  });

  it("forgets someone silent for more than 30 s, and someone who left", async () => {
    const { t, world } = await freshWorld();
    const bilanId = world.bilans.own;
    await as(t, "coach").mutation(api.presence.heartbeat, { bilanId });
    await as(t, "admin").mutation(api.presence.heartbeat, { bilanId });
    expect(await list(t, "admin", bilanId, T0 + 30_000)).toHaveLength(2);
    expect(await list(t, "admin", bilanId, T0 + 40_000)).toEqual([]);
    await as(t, "coach").mutation(api.presence.leave, { bilanId });
    expect((await list(t, "admin", bilanId, T0 + 10_000)).map((p) => p.role)).toEqual(["admin"]);
    // Leaving twice is harmless.
    await as(t, "coach").mutation(api.presence.leave, { bilanId });
  });

  it("prunes rows older than 10 minutes: the heartbeat for its bilan, the cron for all", async () => {
    const { t, world } = await freshWorld();
    await as(t, "coach").mutation(api.presence.heartbeat, { bilanId: world.bilans.own });
    await as(t, "admin").mutation(api.presence.heartbeat, { bilanId: world.bilans.foreign });
    vi.setSystemTime(T0 + 11 * 60_000);
    await as(t, "admin").mutation(api.presence.heartbeat, { bilanId: world.bilans.own });
    // The coach's old row on that bilan went with the admin's heartbeat; the foreign one stays.
    expect((await rows(t)).map((r) => [r.bilanId, r.userId])).toEqual([
      [world.bilans.foreign, world.users.admin],
      [world.bilans.own, world.users.admin],
    ]);
    expect(await t.mutation(internal.presence.prune, {})).toBe(1);
    expect((await rows(t)).map((r) => r.bilanId)).toEqual([world.bilans.own]);
  });

  it("is for reviewers only: families are refused, a foreign coach finds nothing", async () => {
    const { t, world } = await freshWorld();
    const bilanId = world.bilans.own;
    for (const caller of ["parent", "eleve"] as const) {
      expect(
        (await errorOf(as(t, caller).mutation(api.presence.heartbeat, { bilanId }))).code,
      ).toBe("FORBIDDEN");
    }
    expect(
      (
        await errorOf(
          as(t, "coach").query(api.presence.list, { bilanId: world.bilans.foreign, now: T0 }),
        )
      ).code,
    ).toBe("NOT_FOUND");
    expect(await rows(t)).toEqual([]);
  });
});
