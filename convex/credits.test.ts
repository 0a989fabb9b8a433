// Wallets, payments and the consistency check (convex-test).
import { describe, expect, it } from "vitest";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { coachingWorld, fullConsistencyCheck } from "./coaching.fixtures";
import { as, errorOf, freshWorld, type T } from "./world.fixtures";

async function balanceOf(t: T, studentId: Id<"students">) {
  return (await as(t, "admin").query(api.credits.wallet, { studentId })).balance;
}

describe("payments", () => {
  it("credits a confirmed cash payment exactly once", async () => {
    const { t, world } = await freshWorld();
    const { productId } = await coachingWorld(t, world);
    const before = await balanceOf(t, world.students.own);
    const { paymentId, reference } = await as(t, "parent").mutation(api.payments.reserve, {
      studentId: world.students.own,
      productId,
      method: "transfer",
    });
    expect(reference).toMatch(/^NXR-[0-9A-Z]{8}$/);
    expect(await balanceOf(t, world.students.own)).toBe(before);
    const pending = await as(t, "assistante").query(api.payments.pending, {});
    expect(pending.map((p) => p._id)).toContain(paymentId);

    expect(await as(t, "assistante").mutation(api.payments.confirm, { paymentId })).toEqual({
      credited: true,
    });
    // a second confirmation (double click, two assistantes) credits nothing
    expect(await as(t, "admin").mutation(api.payments.confirm, { paymentId })).toEqual({
      credited: false,
    });
    expect(await balanceOf(t, world.students.own)).toBe(before + 10);
    const wallet = await as(t, "parent").query(api.credits.wallet, {
      studentId: world.students.own,
    });
    expect(wallet.entries.filter((e) => e.paymentId === paymentId)).toHaveLength(1);
    // a receipt job, once
    const receipts = await t.run((ctx) =>
      ctx.db
        .query("jobs")
        .collect()
        .then((jobs) => jobs.filter((j) => j.kind === "payment.receipt")),
    );
    expect(
      receipts.filter((j) => (j.payload as { paymentId: string }).paymentId === paymentId),
    ).toHaveLength(1);
    expect(await fullConsistencyCheck(t)).toEqual([]);
  });

  it("never pays a cancelled payment, never cancels a paid one", async () => {
    const { t, world } = await freshWorld();
    const { pendingPayments } = await coachingWorld(t, world);
    await as(t, "parent").mutation(api.payments.cancel, { paymentId: pendingPayments.own });
    const error = await errorOf(
      as(t, "assistante").mutation(api.payments.confirm, { paymentId: pendingPayments.own }),
    );
    expect(error.code).toBe("INVALID_STATE");
    expect(error.message).toMatch(/« Annulé » : il ne peut pas passer à « Payé »/);

    await as(t, "assistante").mutation(api.payments.confirm, {
      paymentId: pendingPayments.foreign,
    });
    expect(
      (
        await errorOf(
          as(t, "admin").mutation(api.payments.cancel, { paymentId: pendingPayments.foreign }),
        )
      ).code,
    ).toBe("INVALID_STATE");
  });
});

describe("ARIA premium", () => {
  it("switches the option on when its product is paid, without credits", async () => {
    const { t, world } = await freshWorld();
    const { ariaProductId } = await coachingWorld(t, world);
    const before = await balanceOf(t, world.students.own);
    const { paymentId } = await as(t, "parent").mutation(api.payments.reserve, {
      studentId: world.students.own,
      productId: ariaProductId,
      method: "cash",
    });
    const premium = () =>
      t.run(async (ctx) => {
        const { settingsOf } = await import("./model/aria");
        return (await settingsOf(ctx, world.students.own))?.premium ?? false;
      });
    expect(await premium()).toBe(false);
    await as(t, "assistante").mutation(api.payments.confirm, { paymentId });
    expect(await premium()).toBe(true);
    expect(await balanceOf(t, world.students.own)).toBe(before);
    expect(await fullConsistencyCheck(t)).toEqual([]);
  });
});

describe("wallet adjustments", () => {
  it("requires a reason, refuses a negative balance, and audits", async () => {
    const { t, world } = await freshWorld();
    await coachingWorld(t, world);
    const staff = as(t, "assistante");
    const noReason = await errorOf(
      staff.mutation(api.credits.adjust, { studentId: world.students.own, amount: 2, reason: " " }),
    );
    expect(noReason).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(noReason.message).toMatch(/motif/);
    const tooMuch = await errorOf(
      staff.mutation(api.credits.adjust, {
        studentId: world.students.own,
        amount: -9,
        reason: "Correction d’une erreur de saisie",
      }),
    );
    expect(tooMuch.code).toBe("INVALID_STATE");
    expect(tooMuch.message).toMatch(/Solde insuffisant : 8 crédits disponibles/);
    await staff.mutation(api.credits.adjust, {
      studentId: world.students.own,
      amount: -8,
      reason: "Correction d’une erreur de saisie",
    });
    expect(await balanceOf(t, world.students.own)).toBe(0);
    const audits = await t.run((ctx) =>
      ctx.db
        .query("auditLogs")
        .withIndex("by_action_and_at", (q) => q.eq("action", "wallet.adjust"))
        .collect(),
    );
    expect(audits).toHaveLength(1);
    expect(audits[0]!.details).toMatchObject({
      amount: -8,
      reason: "Correction d’une erreur de saisie",
    });
  });
});

describe("consistency check", () => {
  it("finds an injected drift and orphans, and the cron stores the report", async () => {
    const { t, world } = await freshWorld();
    const { pendingPayments } = await coachingWorld(t, world);
    expect(await fullConsistencyCheck(t)).toEqual([]);

    // drift: a balance changed behind the ledger's back
    await t.run(async (ctx) => {
      const wallet = await ctx.db
        .query("wallets")
        .withIndex("by_studentId", (q) => q.eq("studentId", world.students.own))
        .unique();
      await ctx.db.patch(wallet!._id, { balance: wallet!.balance + 3 });
    });
    // orphan: a payment marked paid without its purchase entry
    await t.run((ctx) => ctx.db.patch(pendingPayments.foreign, { status: "paid" }));
    const problems = await fullConsistencyCheck(t);
    expect(problems.map((p) => p.kind).sort()).toEqual([
      "balance_drift",
      "payment_without_purchase",
    ]);
    expect(problems.find((p) => p.kind === "balance_drift")!.message).toMatch(
      /solde 11, somme des écritures 8/,
    );

    await t.action(internal.consistency.run, {});
    const latest = await as(t, "admin").query(api.consistency.latest, {});
    expect(latest).toMatchObject({ ok: false, walletsChecked: 2 });
    expect(latest!.problems).toHaveLength(2);
  });
});
