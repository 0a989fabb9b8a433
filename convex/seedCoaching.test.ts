// The demo seed of issue 15: catalogue, availability, wallets with history, sessions and
// payments in every state — consistent (the check finds nothing) and written once.
import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import { consistencyParts } from "./model/consistency";
import { makeConvexTest } from "./test.setup";
import { asStaffMember, asWorker } from "./world.fixtures";

describe("coaching seed", () => {
  it("seeds every state once, consistently", async () => {
    const t = makeConvexTest();
    await asWorker(t).mutation(api.seed.run, {});
    await asWorker(t).mutation(api.seed.run, {});
    const rows = await t.run(async (ctx) => ({
      products: (await ctx.db.query("products").collect()).length,
      payments: [
        ...new Set((await ctx.db.query("payments").collect()).map((p) => p.status)),
      ].sort(),
      sessions: [
        ...new Set((await ctx.db.query("coachingSessions").collect()).map((s) => s.status)),
      ].sort(),
      availabilities: (await ctx.db.query("availabilities").collect()).length,
    }));
    expect(rows.products).toBe(5);
    expect(rows.payments).toEqual(["cancelled", "created", "failed", "paid", "pending"]);
    expect(rows.sessions).toEqual(["booked", "cancelled", "completed", "no_show"]);
    expect(rows.availabilities).toBeGreaterThan(0);
    const staff = await asStaffMember(t);
    for (const part of consistencyParts) {
      const page = await staff.query(api.consistency.checkPage, { part, cursor: null });
      expect(page.problems).toEqual([]);
    }
  });
});
