// Online payment behind one interface, implemented with Stripe Checkout through the `stripe`
// package (fetch HTTP client and Web Crypto: the default Convex runtime, no Node built-ins).
// Configured by STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET; STRIPE_API_BASE points the SDK at
// another server (the local fake in tests). Without both secrets the option does not exist:
// payments.onlineAvailable says false and the pages hide it.
import Stripe from "stripe";

export interface CheckoutInput {
  paymentId: string;
  amountCents: number;
  productName: string;
  customerEmail: string;
  successUrl: string;
  cancelUrl: string;
}

/**
 * What a verified webhook says about a payment (`ignored`: an event we do not act on). A paid
 * session names its PaymentIntent, which a later refund names (`refunded`: the charge was
 * refunded in full; a partial refund is ignored and handled by the desk).
 */
export type ProviderEvent =
  | { kind: "paid"; eventId: string; externalId: string; paymentIntentId?: string }
  | { kind: "expired" | "failed"; eventId: string; externalId: string }
  | { kind: "refunded"; eventId: string; paymentIntentId: string }
  | { kind: "ignored"; eventId: string };

export interface PaymentProvider {
  readonly name: "stripe";
  createCheckout(input: CheckoutInput): Promise<{ externalId: string; url: string }>;
  /** Refunds a paid payment in full (idempotent per payment). */
  refund(input: { paymentId: string; paymentIntentId: string }): Promise<{ refundId: string }>;
  /** Throws WebhookSignatureError unless `signature` signs `body` with the webhook secret. */
  verifyWebhook(body: string, signature: string | null): Promise<ProviderEvent>;
}

export class WebhookSignatureError extends Error {}

export interface StripeConfig {
  secretKey: string;
  webhookSecret: string;
  apiBase?: string;
}

export function stripeConfig(
  env: Record<string, string | undefined> = process.env,
): StripeConfig | null {
  const secretKey = env.STRIPE_SECRET_KEY?.trim();
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET?.trim();
  if (!secretKey || !webhookSecret) return null;
  return { secretKey, webhookSecret, apiBase: env.STRIPE_API_BASE?.trim() || undefined };
}

export function stripeProvider(config: StripeConfig): PaymentProvider {
  const base = config.apiBase ? new URL(config.apiBase) : null;
  const stripe = new Stripe(config.secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 2,
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (base.protocol === "https:" ? 443 : 80)),
          protocol: base.protocol === "https:" ? "https" : "http",
        }
      : {}),
  });
  const crypto = Stripe.createSubtleCryptoProvider();
  return {
    name: "stripe",
    async createCheckout(input) {
      const session = await stripe.checkout.sessions.create(
        {
          mode: "payment",
          customer_email: input.customerEmail,
          client_reference_id: input.paymentId,
          metadata: { paymentId: input.paymentId },
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: "eur",
                unit_amount: input.amountCents,
                product_data: { name: input.productName },
              },
            },
          ],
          success_url: input.successUrl,
          cancel_url: input.cancelUrl,
          locale: "fr",
        },
        // a retried action opens the same session instead of a second one
        { idempotencyKey: `checkout:${input.paymentId}` },
      );
      if (!session.url) throw new Error("Stripe n’a pas renvoyé d’adresse de paiement.");
      return { externalId: session.id, url: session.url };
    },
    async refund(input) {
      const refund = await stripe.refunds.create(
        { payment_intent: input.paymentIntentId, metadata: { paymentId: input.paymentId } },
        // a retried action does not refund twice
        { idempotencyKey: `refund:${input.paymentId}` },
      );
      return { refundId: refund.id };
    },
    async verifyWebhook(body, signature) {
      if (!signature) throw new WebhookSignatureError("signature absente");
      let event: Stripe.Event;
      try {
        event = await stripe.webhooks.constructEventAsync(
          body,
          signature,
          config.webhookSecret,
          undefined,
          crypto,
        );
      } catch (error) {
        throw new WebhookSignatureError(
          error instanceof Error ? error.message : "signature invalide",
        );
      }
      switch (event.type) {
        case "checkout.session.completed":
        case "checkout.session.async_payment_succeeded": {
          const session = event.data.object;
          const intent =
            typeof session.payment_intent === "string"
              ? session.payment_intent
              : session.payment_intent?.id;
          return session.payment_status === "paid"
            ? {
                kind: "paid",
                eventId: event.id,
                externalId: session.id,
                ...(intent ? { paymentIntentId: intent } : {}),
              }
            : { kind: "ignored", eventId: event.id };
        }
        case "charge.refunded": {
          const charge = event.data.object;
          const intent =
            typeof charge.payment_intent === "string"
              ? charge.payment_intent
              : charge.payment_intent?.id;
          return charge.refunded && intent
            ? { kind: "refunded", eventId: event.id, paymentIntentId: intent }
            : { kind: "ignored", eventId: event.id };
        }
        case "checkout.session.async_payment_failed":
          return { kind: "failed", eventId: event.id, externalId: event.data.object.id };
        case "checkout.session.expired":
          return { kind: "expired", eventId: event.id, externalId: event.data.object.id };
        default:
          return { kind: "ignored", eventId: event.id };
      }
    },
  };
}

export function paymentProvider(): PaymentProvider | null {
  const config = stripeConfig();
  return config ? stripeProvider(config) : null;
}
