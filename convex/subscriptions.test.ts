// Monthly subscriptions and credit expiry (convex-test): the crons' functions run twice and
// credit or expire once; stopped subscriptions credit nothing; the consistency check stays clean
// and finds a month credited twice.
import { afterEach, describe, expect, it, vi } from "vitest";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { coachingWorld, fullConsistencyCheck, insertProduct, PACK } from "./coaching.fixtures";
import { as, freshWorld, type T } from "./world.fixtures";

const DAY = 86_400_000;

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

async function balanceOf(t: T, studentId: Id<"students">) {
  return (await as(t, "admin").query(api.credits.wallet, { studentId })).balance;
}

async function entriesOf(t: T, studentId: Id<"students">) {
  return await t.run((ctx) =>
    ctx.db
      .query("walletEntries")
      .withIndex("by_studentId_and_at", (q) => q.eq("studentId", studentId))
      .collect(),
  );
}

async function buySubscription(t: T, studentId: Id<"students">) {
  const productId = await t.run((ctx) =>
    insertProduct(ctx, {
      ...PACK,
      code: "abonnement-8",
      kind: "subscription" as never,
      name: "Abonnement mensuel",
      credits: 8,
      priceCents: 18_000,
      sortOrder: 4,
    }),
  );
  const { paymentId } = await as(t, "parent").mutation(api.payments.reserve, {
    studentId,
    productId,
    method: "cash",
  });
  await as(t, "assistante").mutation(api.payments.confirm, { paymentId });
  return paymentId;
}

describe("monthly subscriptions", () => {
  it("credit each month once, from the payment's month on, until stopped", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.UTC(2026, 11, 10, 9)); // 10 December 2026
    const { t, world } = await freshWorld();
    await coachingWorld(t, world);
    const student = world.students.own;
    const start = await balanceOf(t, student);
    const paymentId = await buySubscription(t, student);
    expect(await balanceOf(t, student)).toBe(start + 8);
    expect(await as(t, "parent").query(api.credits.subscription, { studentId: student })).toEqual({
      productName: "Abonnement mensuel",
      creditsPerMonth: 8,
      status: "active",
      startedAt: Date.UTC(2026, 11, 10, 9),
      stoppedAt: undefined,
    });
    const purchase = (await entriesOf(t, student)).find((e) => e.paymentId === paymentId);
    expect([purchase?.kind, purchase?.period]).toEqual(["purchase", "2026-12"]);

    // December is paid: the daily run credits nothing, twice
    for (let i = 0; i < 2; i++) {
      expect(await t.mutation(internal.credits.creditSubscriptions, {})).toEqual({
        credited: 0,
        isDone: true,
      });
    }
    expect(await balanceOf(t, student)).toBe(start + 8);

    // 1 January 2027 at 0:30 in Paris (23:30 UTC on the 31st): January is due, once
    vi.setSystemTime(Date.UTC(2026, 11, 31, 23, 30));
    expect((await t.mutation(internal.credits.creditSubscriptions, {})).credited).toBe(1);
    expect((await t.mutation(internal.credits.creditSubscriptions, {})).credited).toBe(0);
    expect(await balanceOf(t, student)).toBe(start + 16);
    const months = (await entriesOf(t, student)).filter((e) => e.kind === "subscription");
    expect(months.map((e) => [e.amount, e.period])).toEqual([[8, "2027-01"]]);
    // the same month run concurrently: still once
    await Promise.all([
      t.mutation(internal.credits.creditSubscriptions, { period: "2027-02" }),
      t.mutation(internal.credits.creditSubscriptions, { period: "2027-02" }),
    ]);
    expect(await balanceOf(t, student)).toBe(start + 24);
    expect(await fullConsistencyCheck(t)).toEqual([]);

    // stopped by the desk: no more months, the credits stay
    await as(t, "assistante").mutation(api.credits.stopSubscription, { studentId: student });
    expect(
      (await t.mutation(internal.credits.creditSubscriptions, { period: "2027-03" })).credited,
    ).toBe(0);
    expect(await balanceOf(t, student)).toBe(start + 24);
    // only staff stop a subscription
    await expect(
      as(t, "parent").mutation(api.credits.stopSubscription, { studentId: student }),
    ).rejects.toThrow();
  });

  it("the consistency check finds a month credited twice", async () => {
    const { t, world } = await freshWorld();
    await coachingWorld(t, world);
    await buySubscription(t, world.students.own);
    await t.mutation(internal.credits.creditSubscriptions, { period: "2030-01" });
    await t.run(async (ctx) => {
      const month = (await ctx.db.query("walletEntries").collect()).find(
        (e) => e.kind === "subscription",
      )!;
      const wallet = (await ctx.db.get(month.walletId))!;
      const { _id, _creationTime, ...copy } = month;
      await ctx.db.insert("walletEntries", {
        ...copy,
        balanceAfter: wallet.balance + month.amount,
      });
      await ctx.db.patch(wallet._id, { balance: wallet.balance + month.amount });
    });
    expect((await fullConsistencyCheck(t)).map((p) => p.kind)).toContain("subscription_twice");
  });
});

describe("credit expiry", () => {
  it("expires the unspent credits older than the validity, once, first in first out", async () => {
    vi.stubEnv("CREDIT_VALIDITY_DAYS", "365");
    vi.useFakeTimers({ toFake: ["Date"] });
    const bought = Date.UTC(2026, 0, 5, 9);
    vi.setSystemTime(bought);
    const { t, world } = await freshWorld();
    await coachingWorld(t, world); // 10 credits bought, 2 spent on a session
    const student = world.students.own;
    expect(await balanceOf(t, student)).toBe(8);
    // 200 days later: 5 more credits (a staff adjustment), 1 spent
    vi.setSystemTime(bought + 200 * DAY);
    await as(t, "assistante").mutation(api.credits.adjust, {
      studentId: student,
      amount: 5,
      reason: "Geste commercial",
    });
    await as(t, "assistante").mutation(api.credits.adjust, {
      studentId: student,
      amount: -1,
      reason: "Correction de saisie",
    });
    expect(await balanceOf(t, student)).toBe(12);
    // before a year: nothing due
    vi.setSystemTime(bought + 364 * DAY);
    expect((await t.mutation(internal.credits.expireCredits, {})).expired).toBe(0);
    // a year and a day after the purchase: 10 − (2 + 1) = 7 of the first credits expire
    vi.setSystemTime(bought + 366 * DAY);
    expect((await t.mutation(internal.credits.expireCredits, {})).expired).toBe(7 + 8); // both wallets
    expect((await t.mutation(internal.credits.expireCredits, {})).expired).toBe(0);
    expect(await balanceOf(t, student)).toBe(5);
    const expiries = (await entriesOf(t, student)).filter((e) => e.kind === "expiry");
    expect(expiries.map((e) => e.amount)).toEqual([-7]);
    expect(await fullConsistencyCheck(t)).toEqual([]);
    // the later credits expire a year after they were added
    vi.setSystemTime(bought + 566 * DAY);
    expect((await t.mutation(internal.credits.expireCredits, {})).expired).toBe(5);
    expect(await balanceOf(t, student)).toBe(0);
  });
});
