// @vitest-environment node
// Stripe Checkout through the real `stripe` package against a local fake Stripe server (node:http,
// hence the node environment), and the webhook HTTP action: a bad or missing signature is refused
// with nothing applied, a replayed event credits once, an expired session cancels the payment,
// and without keys the option is hidden and refused.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type FakeStripe,
  signedEvent,
  startFakeStripe,
  withStripe,
} from "../test-support/fake-stripe";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { coachingWorld } from "./coaching.fixtures";
import { as, errorOf, freshWorld, type T } from "./world.fixtures";

let stripe: FakeStripe;

beforeAll(async () => {
  stripe = await startFakeStripe("cs_test");
});
afterAll(() => stripe.close());
afterEach(() => vi.unstubAllEnvs());

function completed(externalId: string, eventId = "evt_1") {
  return {
    id: eventId,
    object: "event",
    type: "checkout.session.completed",
    data: { object: { id: externalId, object: "checkout.session", payment_status: "paid" } },
  };
}

async function post(t: T, body: string, signature?: string) {
  return await t.fetch("/payments/stripe/webhook", {
    method: "POST",
    headers: signature ? { "stripe-signature": signature } : {},
    body,
  });
}

async function started(t: T, studentId: Id<"students">, productId: Id<"products">) {
  const { url } = await as(t, "parent").action(api.checkout.start, {
    studentId,
    productId,
    returnUrl: "http://localhost:3000/credits",
  });
  const payment = await t.run(async (ctx) =>
    (await ctx.db.query("payments").collect()).find((p) => p.method === "stripe"),
  );
  return { url, payment: payment! };
}

async function balance(t: T, studentId: Id<"students">) {
  return (await as(t, "admin").query(api.credits.wallet, { studentId })).balance;
}

describe("Stripe Checkout", () => {
  it("is hidden and refused without keys", async () => {
    const { t, world } = await freshWorld();
    const { productId } = await coachingWorld(t, world);
    expect(await as(t, "parent").query(api.checkout.available, {})).toBe(false);
    const error = await errorOf(
      as(t, "parent").action(api.checkout.start, {
        studentId: world.students.own,
        productId,
        returnUrl: "http://localhost:3000/credits",
      }),
    );
    expect(error.message).toBe("Le paiement par carte n’est pas proposé par le centre.");
    expect((await post(t, "{}", "t=1,v1=x")).status).toBe(404);
  });

  it("opens a session on the fake server and credits once on a replayed webhook", async () => {
    withStripe(stripe);
    const { t, world } = await freshWorld();
    const { productId } = await coachingWorld(t, world);
    expect(await as(t, "parent").query(api.checkout.available, {})).toBe(true);
    const before = await balance(t, world.students.own);
    const { url, payment } = await started(t, world.students.own, productId);
    expect(url).toMatch(new RegExp(`^${stripe.base}/pay/cs_test_\\d+$`));
    expect(payment).toMatchObject({ status: "pending", externalId: url.split("/").at(-1) });
    const sent = stripe.requests.at(-1)!;
    expect(sent.body.get("line_items[0][price_data][unit_amount]")).toBe("25000");
    expect(sent.body.get("line_items[0][price_data][currency]")).toBe("eur");
    expect(sent.body.get("customer_email")).toBe("parent@test.fr");
    expect(sent.idempotencyKey).toBe(`checkout:${payment._id}`);

    const { payload, header } = await signedEvent(completed(payment.externalId));
    const first = await post(t, payload, header);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, applied: true });
    // Stripe retries deliveries: the same event again, then a duplicate with another id
    expect(await (await post(t, payload, header)).json()).toEqual({
      received: true,
      applied: false,
    });
    const dup = await signedEvent(completed(payment.externalId, "evt_2"));
    expect(await (await post(t, dup.payload, dup.header)).json()).toEqual({
      received: true,
      applied: false,
    });
    expect(await balance(t, world.students.own)).toBe(before + 10);
    const paid = await t.run(async (ctx) => (await ctx.db.get(payment._id))!);
    expect(paid.status).toBe("paid");
  });

  it("refuses a bad or missing signature and applies nothing", async () => {
    withStripe(stripe);
    const { t, world } = await freshWorld();
    const { productId } = await coachingWorld(t, world);
    const before = await balance(t, world.students.own);
    const { payment } = await started(t, world.students.own, productId);
    const forged = await signedEvent(completed(payment.externalId), "whsec_wrong");
    const refused = await post(t, forged.payload, forged.header);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: "Signature invalide." });
    expect((await post(t, forged.payload)).status).toBe(400);
    // a valid signature over another body
    const good = await signedEvent(completed(payment.externalId));
    expect((await post(t, good.payload.replace("paid", "paid "), good.header)).status).toBe(400);
    expect(await balance(t, world.students.own)).toBe(before);
  });

  it("cancels the payment when its session expires", async () => {
    withStripe(stripe);
    const { t, world } = await freshWorld();
    const { productId } = await coachingWorld(t, world);
    const { payment } = await started(t, world.students.own, productId);
    const { payload, header } = await signedEvent({
      id: "evt_3",
      object: "event",
      type: "checkout.session.expired",
      data: {
        object: { id: payment.externalId, object: "checkout.session", payment_status: "unpaid" },
      },
    });
    expect((await post(t, payload, header)).status).toBe(200);
    const row = await t.run(async (ctx) => (await ctx.db.get(payment._id))!);
    expect(row.status).toBe("cancelled");
  });
});
