// @vitest-environment node
// Stripe refunds against a local fake Stripe server (the real `stripe` package, node:http): the
// `charge.refunded` webhook and the staff refund through the provider take a paid payment's
// credits back exactly once (replays and the webhook after a staff refund change nothing); the
// balance never goes negative — a staff refund is refused when credits were spent, a refund
// made at Stripe records what could not be taken back; the consistency check stays clean.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type FakeStripe,
  signedEvent,
  startFakeStripe,
  withStripe,
} from "../test-support/fake-stripe";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { coachingWorld, fullConsistencyCheck } from "./coaching.fixtures";
import { as, errorOf, freshWorld, type T } from "./world.fixtures";

let stripe: FakeStripe;

beforeAll(async () => {
  stripe = await startFakeStripe("cs_refund");
});
afterAll(() => stripe.close());
afterEach(() => vi.unstubAllEnvs());

async function deliver(t: T, event: object) {
  const { payload, header } = await signedEvent(event);
  const res = await t.fetch("/payments/stripe/webhook", {
    method: "POST",
    headers: { "stripe-signature": header },
    body: payload,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { received: boolean; applied?: boolean };
}

function chargeRefunded(intent: string, eventId: string, refunded = true) {
  return {
    id: eventId,
    object: "event",
    type: "charge.refunded",
    data: { object: { id: `ch_${intent}`, object: "charge", payment_intent: intent, refunded } },
  };
}

async function balance(t: T, studentId: Id<"students">) {
  return (await as(t, "admin").query(api.credits.wallet, { studentId })).balance;
}

/** A card payment of the 10-credit pack, paid through the webhook (PaymentIntent pi_<n>). */
async function paidByCard(t: T, studentId: Id<"students">, productId: Id<"products">, pi: string) {
  await as(t, "parent").action(api.checkout.start, {
    studentId,
    productId,
    returnUrl: "http://localhost:3000/seances",
  });
  const payment = (await t.run(async (ctx) =>
    (await ctx.db.query("payments").collect()).findLast((p) => p.method === "stripe"),
  ))!;
  const paid = await deliver(t, {
    id: `evt_paid_${pi}`,
    object: "event",
    type: "checkout.session.completed",
    data: {
      object: {
        id: payment.externalId,
        object: "checkout.session",
        payment_status: "paid",
        payment_intent: pi,
      },
    },
  });
  expect(paid.applied).toBe(true);
  return payment._id;
}

async function refundEntries(t: T, paymentId: Id<"payments">) {
  return (
    await t.run((ctx) =>
      ctx.db
        .query("walletEntries")
        .withIndex("by_paymentId", (q) => q.eq("paymentId", paymentId))
        .collect(),
    )
  )
    .filter((e) => e.kind === "payment_refund")
    .map((e) => e.amount);
}

// a generous bound: several webhook round trips through the fake server on a busy machine
describe("Stripe refunds", { timeout: 60_000 }, () => {
  it("charge.refunded takes the credits back once; replays and partial refunds change nothing", async () => {
    withStripe(stripe);
    const { t, world } = await freshWorld();
    const { productId } = await coachingWorld(t, world);
    const student = world.students.own;
    const before = await balance(t, student);
    const paymentId = await paidByCard(t, student, productId, "pi_a");
    expect(await balance(t, student)).toBe(before + 10);
    // a partial refund is left to the desk
    expect(await deliver(t, chargeRefunded("pi_a", "evt_partial", false))).toEqual({
      received: true,
    });
    expect(await balance(t, student)).toBe(before + 10);
    expect(await deliver(t, chargeRefunded("pi_a", "evt_r1"))).toEqual({
      received: true,
      applied: true,
    });
    // Stripe redelivers, and a duplicate event with another id
    expect((await deliver(t, chargeRefunded("pi_a", "evt_r1"))).applied).toBe(false);
    expect((await deliver(t, chargeRefunded("pi_a", "evt_r2"))).applied).toBe(false);
    expect(await balance(t, student)).toBe(before);
    expect(await refundEntries(t, paymentId)).toEqual([-10]);
    const row = await t.run(async (ctx) => (await ctx.db.get(paymentId))!);
    expect(row).toMatchObject({ status: "paid", refundSource: "stripe:evt_r1" });
    expect(row.refundShortfall).toBeUndefined();
    // an unknown PaymentIntent is ignored
    expect((await deliver(t, chargeRefunded("pi_unknown", "evt_r3"))).applied).toBe(false);
    expect(await fullConsistencyCheck(t)).toEqual([]);
  });

  it("a refund made at Stripe after credits were spent never makes the balance negative", async () => {
    withStripe(stripe);
    const { t, world } = await freshWorld();
    const { productId } = await coachingWorld(t, world);
    const student = world.students.own;
    const paymentId = await paidByCard(t, student, productId, "pi_b");
    // 8 + 10 = 18 credits; 14 spent (a correction stands in for bookings)
    await as(t, "assistante").mutation(api.credits.adjust, {
      studentId: student,
      amount: -14,
      reason: "Crédits utilisés",
    });
    expect(await balance(t, student)).toBe(4);
    expect((await deliver(t, chargeRefunded("pi_b", "evt_b"))).applied).toBe(true);
    expect(await balance(t, student)).toBe(0);
    expect(await refundEntries(t, paymentId)).toEqual([-4]);
    const row = await t.run(async (ctx) => (await ctx.db.get(paymentId))!);
    expect(row.refundShortfall).toBe(6);
    expect(await fullConsistencyCheck(t)).toEqual([]);
  });

  it("staff refund through the provider: once, then the webhook finds it done", async () => {
    withStripe(stripe);
    const { t, world } = await freshWorld();
    const { productId } = await coachingWorld(t, world);
    const student = world.students.own;
    const before = await balance(t, student);
    const paymentId = await paidByCard(t, student, productId, "pi_c");
    // a parent may not refund
    expect((await errorOf(as(t, "parent").action(api.checkout.refund, { paymentId }))).code).toBe(
      "FORBIDDEN",
    );
    expect(await as(t, "assistante").action(api.checkout.refund, { paymentId })).toEqual({
      applied: true,
    });
    const sent = stripe.requests.filter((r) => r.path === "/v1/refunds").at(-1)!;
    expect(sent.body.get("payment_intent")).toBe("pi_c");
    expect(sent.idempotencyKey).toBe(`refund:${paymentId}`);
    expect(await balance(t, student)).toBe(before);
    expect((await deliver(t, chargeRefunded("pi_c", "evt_c"))).applied).toBe(false);
    const again = await errorOf(as(t, "admin").action(api.checkout.refund, { paymentId }));
    expect(again.message).toBe("Ce paiement est déjà remboursé.");
    expect(await refundEntries(t, paymentId)).toEqual([-10]);
    expect(await fullConsistencyCheck(t)).toEqual([]);
  });

  it("staff refund is refused, before any money moves, when credits were spent", async () => {
    withStripe(stripe);
    const { t, world } = await freshWorld();
    const { productId } = await coachingWorld(t, world);
    const student = world.students.own;
    const paymentId = await paidByCard(t, student, productId, "pi_d");
    await as(t, "assistante").mutation(api.credits.adjust, {
      studentId: student,
      amount: -15,
      reason: "Crédits utilisés",
    });
    const sentBefore = stripe.requests.filter((r) => r.path === "/v1/refunds").length;
    const refused = await errorOf(as(t, "assistante").action(api.checkout.refund, { paymentId }));
    expect(refused).toEqual({
      code: "INVALID_STATE",
      message:
        "Remboursement refusé : 7 des 10 crédits de ce paiement ont déjà été utilisés (solde : 3). Annulez d’abord les séances réservées, ou remboursez une partie directement dans Stripe et ajustez le portefeuille.",
    });
    expect(stripe.requests.filter((r) => r.path === "/v1/refunds")).toHaveLength(sentBefore);
    expect(await balance(t, student)).toBe(3);
    expect(await refundEntries(t, paymentId)).toEqual([]);
  });
});
