// A local fake of the Stripe API (node:http) for the checkout tests, which need
// `// @vitest-environment node`: the real `stripe` package reaches it through STRIPE_API_BASE.
// It creates Checkout Sessions and refunds and records every request; the helpers sign webhook
// events the way Stripe does.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { vi } from "vitest";

export const WEBHOOK_SECRET = "whsec_test_secret";

export interface StripeRequest {
  path: string;
  body: URLSearchParams;
  idempotencyKey?: string;
}

export interface FakeStripe {
  /** Base URL of the fake API (http://127.0.0.1:<port>). */
  base: string;
  requests: StripeRequest[];
  close: () => void;
}

/** Starts the fake; Checkout Sessions are named `<sessionPrefix>_1`, `_2`… */
export async function startFakeStripe(sessionPrefix: string): Promise<FakeStripe> {
  const requests: StripeRequest[] = [];
  let n = 0;
  let base = "";
  const server = createServer((req, res) => {
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
            id: `${sessionPrefix}_${n}`,
            object: "checkout.session",
            url: `${base}/pay/${sessionPrefix}_${n}`,
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
  return { base, requests, close: () => server.close() };
}

/** Card payment configured, against the fake (undo with vi.unstubAllEnvs()). */
export function withStripe(stripe: FakeStripe) {
  vi.stubEnv("STRIPE_SECRET_KEY", "sk_test_fake");
  vi.stubEnv("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET);
  vi.stubEnv("STRIPE_API_BASE", stripe.base);
}

/** A webhook event's body and its `stripe-signature` header. */
export async function signedEvent(event: object, secret = WEBHOOK_SECRET) {
  const payload = JSON.stringify(event);
  const header = await new Stripe("sk_test_fake").webhooks.generateTestHeaderStringAsync({
    payload,
    secret,
  });
  return { payload, header };
}
