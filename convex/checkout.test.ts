// @vitest-environment node
// Stripe Checkout through the real `stripe` package against a local fake Stripe server (node:http,
// hence the node environment), and the webhook HTTP action: a bad or missing signature is refused
// with nothing applied, a replayed event credits once, an expired session cancels the payment,
// and without keys the option is hidden and refused.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { coachingWorld } from "./coaching.fixtures";
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
      requests.push({
        path: req.url ?? "",
        body: new URLSearchParams(raw),
        idempotencyKey: req.headers["idempotency-key"] as string | undefined,
      });
      if (req.method === "POST" && req.url === "/v1/checkout/sessions") {
        n += 1;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            id: `cs_test_${n}`,
            object: "checkout.session",
            url: `${base}/pay/cs_test_${n}`,
            payment_status: "unpaid",
          }),
        );
        return;
      }
      res.writeHead(404, { "content-type": "application/json" });
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

async function signed(event: object, secret = WEBHOOK_SECRET) {
  const payload = JSON.stringify(event);
  const header = await new Stripe("sk_test_fake").webhooks.generateTestHeaderStringAsync({
    payload,
    secret,
  });
  return { payload, header };
}

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
    withStripe();
    const { t, world } = await freshWorld();
    const { productId } = await coachingWorld(t, world);
    expect(await as(t, "parent").query(api.checkout.available, {})).toBe(true);
    const before = await balance(t, world.students.own);
    const { url, payment } = await started(t, world.students.own, productId);
    expect(url).toMatch(new RegExp(`^${base}/pay/cs_test_\\d+$`));
    expect(payment).toMatchObject({ status: "pending", externalId: url.split("/").at(-1) });
    const sent = requests.at(-1)!;
    expect(sent.body.get("line_items[0][price_data][unit_amount]")).toBe("25000");
    expect(sent.body.get("line_items[0][price_data][currency]")).toBe("eur");
    expect(sent.body.get("customer_email")).toBe("parent@test.fr");
    expect(sent.idempotencyKey).toBe(`checkout:${payment._id}`);

    const { payload, header } = await signed(completed(payment.externalId));
    const first = await post(t, payload, header);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, applied: true });
    // Stripe retries deliveries: the same event again, then a duplicate with another id
    expect(await (await post(t, payload, header)).json()).toEqual({
      received: true,
      applied: false,
    });
    const dup = await signed(completed(payment.externalId, "evt_2"));
    expect(await (await post(t, dup.payload, dup.header)).json()).toEqual({
      received: true,
      applied: false,
    });
    expect(await balance(t, world.students.own)).toBe(before + 10);
    const paid = await t.run(async (ctx) => (await ctx.db.get(payment._id))!);
    expect(paid.status).toBe("paid");
  });

  it("refuses a bad or missing signature and applies nothing", async () => {
    withStripe();
    const { t, world } = await freshWorld();
    const { productId } = await coachingWorld(t, world);
    const before = await balance(t, world.students.own);
    const { payment } = await started(t, world.students.own, productId);
    const forged = await signed(completed(payment.externalId), "whsec_wrong");
    const refused = await post(t, forged.payload, forged.header);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: "Signature invalide." });
    expect((await post(t, forged.payload)).status).toBe(400);
    // a valid signature over another body
    const good = await signed(completed(payment.externalId));
    expect((await post(t, good.payload.replace("paid", "paid "), good.header)).status).toBe(400);
    expect(await balance(t, world.students.own)).toBe(before);
  });

  it("cancels the payment when its session expires", async () => {
    withStripe();
    const { t, world } = await freshWorld();
    const { productId } = await coachingWorld(t, world);
    const { payment } = await started(t, world.students.own, productId);
    const { payload, header } = await signed({
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
