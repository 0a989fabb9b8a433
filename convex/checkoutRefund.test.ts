// @vitest-environment node
// Stripe refunds against a local fake Stripe server (the real `stripe` package, node:http): the
// `charge.refunded` webhook and the staff refund through the provider take a paid payment's
// credits back exactly once (replays and the webhook after a staff refund change nothing); the
// balance never goes negative — a staff refund is refused when credits were spent, a refund
// made at Stripe records what could not be taken back; the consistency check stays clean.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { coachingWorld, fullConsistencyCheck } from "./coaching.fixtures";
import { as, errorOf, freshWorld, type T } from "./world.fixtures";

const WEBHOOK_SECRET = "whsec_test_secret";
const requests: { path: string; body: URLSearchParams; idempotencyKey?: string }[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  let n = 0;
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => {
      raw += c;
    });
    req.on("end", () => {
      const body = new URLSearchParams(raw);
      requests.push({
        path: req.url ?? "",
        body,
        idempotencyKey: req.headers["idempotency-key"] as string | undefined,
      });
      res.setHeader("content-type", "application/json");
      if (req.method === "POST" && req.url === "/v1/checkout/sessions") {
        n += 1;
        res.end(
          JSON.stringify({
            id: `cs_refund_${n}`,
            object: "checkout.session",
            url: `${base}/pay/cs_refund_${n}`,
            payment_status: "unpaid",
          }),
        );
        return;
      }
      if (req.method === "POST" && req.url === "/v1/refunds") {
        res.end(
          JSON.stringify({
            id: `re_${body.get("payment_intent")}`,
            object: "refund",
            payment_intent: body.get("payment_intent"),
            status: "succeeded",
          }),
        );
        return;
      }
      res.writeHead(404);
      res.end(JSON.stringify({ error: { message: "not found", type: "invalid_request_error" } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());
afterEach(() => vi.unstubAllEnvs());

function withStripe() {
  vi.stubEnv("STRIPE_SECRET_KEY", "sk_test_fake");
  vi.stubEnv("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET);
  vi.stubEnv("STRIPE_API_BASE", base);
}

async function deliver(t: T, event: object) {
  const payload = JSON.stringify(event);
  const header = await new Stripe("sk_test_fake").webhooks.generateTestHeaderStringAsync({
    payload,
    secret: WEBHOOK_SECRET,
  });
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
    withStripe();
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
    withStripe();
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
    withStripe();
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
    const sent = requests.filter((r) => r.path === "/v1/refunds").at(-1)!;
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
    withStripe();
    const { t, world } = await freshWorld();
    const { productId } = await coachingWorld(t, world);
    const student = world.students.own;
    const paymentId = await paidByCard(t, student, productId, "pi_d");
    await as(t, "assistante").mutation(api.credits.adjust, {
      studentId: student,
      amount: -15,
      reason: "Crédits utilisés",
    });
    const sentBefore = requests.filter((r) => r.path === "/v1/refunds").length;
    const refused = await errorOf(as(t, "assistante").action(api.checkout.refund, { paymentId }));
    expect(refused).toEqual({
      code: "INVALID_STATE",
      message:
        "Remboursement refusé : 7 des 10 crédits de ce paiement ont déjà été utilisés (solde : 3). Annulez d’abord les séances réservées, ou remboursez une partie directement dans Stripe et ajustez le portefeuille.",
    });
    expect(requests.filter((r) => r.path === "/v1/refunds")).toHaveLength(sentBefore);
    expect(await balance(t, student)).toBe(3);
    expect(await refundEntries(t, paymentId)).toEqual([]);
  });
});
