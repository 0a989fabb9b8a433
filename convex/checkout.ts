// Online payment (Stripe Checkout, model/paymentProvider.ts). `start` creates the payment
// (created), opens a Checkout session and records it (pending, external id = the session id);
// the webhook (http.ts, POST /payments/stripe/webhook) verifies the signature and applies the
// event: paid credits the wallet exactly once (model/payments.ts markPaid), so a replayed or
// duplicated event changes nothing. With no Stripe keys the option is unavailable.
import { v } from "convex/values";
import { internal } from "./_generated/api";
import { internalMutation, internalQuery } from "./_generated/server";
import { appError } from "./lib/errors";
import { userAction, userQuery } from "./lib/functions";
import { requireAnyRole } from "./model/access";
import { paymentProvider, stripeConfig } from "./model/paymentProvider";
import {
  closePayment,
  createPayment,
  markPaid,
  paymentByExternalId,
  requireActiveProduct,
  requirePayer,
  setPending,
} from "./model/payments";
import { consume } from "./model/rateLimits";

/** Whether card payment is offered (both Stripe secrets configured). */
export const available = userQuery({
  args: {},
  returns: v.boolean(),
  handler: async (ctx) => {
    requireAnyRole(ctx.user);
    return stripeConfig() !== null;
  },
});

/** The payer rules (model/payments.ts requirePayer), for the action. */
export const checkPayer = internalQuery({
  args: { userId: v.id("users"), studentId: v.id("students") },
  returns: v.null(),
  handler: async (ctx, { userId, studentId }) => {
    await requirePayer(ctx, (await ctx.db.get(userId))!, studentId);
    return null;
  },
});

export const prepare = internalMutation({
  args: { userId: v.id("users"), studentId: v.id("students"), productId: v.id("products") },
  returns: v.object({
    paymentId: v.id("payments"),
    amountCents: v.number(),
    productName: v.string(),
    email: v.string(),
  }),
  handler: async (ctx, { userId, studentId, productId }) => {
    const user = (await ctx.db.get(userId))!;
    await requirePayer(ctx, user, studentId);
    await consume(ctx, "paymentsPerUser", userId);
    const product = await requireActiveProduct(ctx, productId);
    const paymentId = await createPayment(ctx, {
      studentId,
      payerId: userId,
      product,
      method: "stripe",
      status: "created",
    });
    return {
      paymentId,
      amountCents: product.priceCents,
      productName: product.name,
      email: user.email,
    };
  },
});

export const opened = internalMutation({
  args: { paymentId: v.id("payments"), externalId: v.string(), url: v.string() },
  returns: v.null(),
  handler: async (ctx, { paymentId, externalId, url }) => {
    const payment = (await ctx.db.get(paymentId))!;
    await setPending(ctx, payment, { externalId, checkoutUrl: url });
    return null;
  },
});

export const failedToOpen = internalMutation({
  args: { paymentId: v.id("payments"), reason: v.string() },
  returns: v.null(),
  handler: async (ctx, { paymentId, reason }) => {
    const payment = (await ctx.db.get(paymentId))!;
    await closePayment(ctx, payment, "failed", { source: "stripe", reason });
    return null;
  },
});

/** Opens a Stripe Checkout page for a pack; returns its URL. */
export const start = userAction({
  args: {
    studentId: v.id("students"),
    productId: v.id("products"),
    /** The page to come back to (the app's own origin). */
    returnUrl: v.string(),
  },
  returns: v.object({ url: v.string() }),
  handler: async (ctx, { studentId, productId, returnUrl }) => {
    await ctx.runQuery(internal.checkout.checkPayer, { userId: ctx.user._id, studentId });
    const provider = paymentProvider();
    if (!provider)
      throw appError("INVALID_STATE", "Le paiement par carte n’est pas proposé par le centre.");
    let back: URL;
    try {
      back = new URL(returnUrl);
      if (back.protocol !== "https:" && back.protocol !== "http:") throw new Error();
    } catch {
      throw appError("INVALID_ARGUMENT", "Adresse de retour invalide.");
    }
    const prepared = await ctx.runMutation(internal.checkout.prepare, {
      userId: ctx.user._id,
      studentId,
      productId,
    });
    try {
      const { externalId, url } = await provider.createCheckout({
        paymentId: prepared.paymentId,
        amountCents: prepared.amountCents,
        productName: prepared.productName,
        customerEmail: prepared.email,
        successUrl: `${back.origin}${back.pathname}?paiement=ok`,
        cancelUrl: `${back.origin}${back.pathname}?paiement=annule`,
      });
      await ctx.runMutation(internal.checkout.opened, {
        paymentId: prepared.paymentId,
        externalId,
        url,
      });
      return { url };
    } catch (error) {
      const reason = error instanceof Error ? error.message.slice(0, 300) : "erreur inconnue";
      await ctx.runMutation(internal.checkout.failedToOpen, {
        paymentId: prepared.paymentId,
        reason,
      });
      throw appError(
        "INVALID_STATE",
        "Le paiement par carte est indisponible pour le moment : réessayez plus tard.",
      );
    }
  },
});

/** A verified provider event (http.ts). Unknown payments are ignored (answered 200). */
export const applyEvent = internalMutation({
  args: {
    kind: v.union(v.literal("paid"), v.literal("expired"), v.literal("failed")),
    externalId: v.string(),
    eventId: v.string(),
  },
  returns: v.object({ applied: v.boolean() }),
  handler: async (ctx, { kind, externalId, eventId }) => {
    const payment = await paymentByExternalId(ctx, externalId);
    if (payment?.method !== "stripe") return { applied: false };
    if (kind === "paid") {
      const outcome = await markPaid(ctx, externalId, { source: `stripe:${eventId}` });
      return { applied: outcome.credited };
    }
    if (payment.status === "created" || payment.status === "pending") {
      await closePayment(ctx, payment, kind === "expired" ? "cancelled" : "failed", {
        source: `stripe:${eventId}`,
      });
      return { applied: true };
    }
    return { applied: false };
  },
});
