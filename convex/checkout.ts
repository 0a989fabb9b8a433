// Online payment (Stripe Checkout, model/paymentProvider.ts). `start` creates the payment
// (created), opens a Checkout session and records it (pending, external id = the session id);
// the webhook (http.ts, POST /payments/stripe/webhook) verifies the signature and applies the
// event: paid credits the wallet exactly once (model/payments.ts markPaid), so a replayed or
// duplicated event changes nothing. A refund — staff `refund` through the provider, or
// `charge.refunded` from Stripe — takes the credits back once (model/payments.ts
// refundPayment). With no Stripe keys the option is unavailable.
import { v } from "convex/values";
import { internal } from "./_generated/api";
import { internalMutation, internalQuery } from "./_generated/server";
import { appError } from "./lib/errors";
import { userAction, userQuery } from "./lib/functions";
import { requireAnyRole, requireStaff } from "./model/access";
import { paymentProvider, stripeConfig } from "./model/paymentProvider";
import {
  closePayment,
  createPayment,
  markPaid,
  paymentByExternalId,
  paymentByProviderId,
  refundPayment,
  refundPlan,
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
    kind: v.union(
      v.literal("paid"),
      v.literal("expired"),
      v.literal("failed"),
      v.literal("refunded"),
    ),
    eventId: v.string(),
    externalId: v.optional(v.string()),
    paymentIntentId: v.optional(v.string()),
  },
  returns: v.object({ applied: v.boolean() }),
  handler: async (ctx, { kind, externalId, paymentIntentId, eventId }) => {
    if (kind === "refunded") {
      const payment = paymentIntentId ? await paymentByProviderId(ctx, paymentIntentId) : null;
      if (payment?.method !== "stripe" || payment.status !== "paid") return { applied: false };
      const outcome = await refundPayment(ctx, payment, { source: `stripe:${eventId}` });
      return { applied: outcome.applied };
    }
    if (!externalId) return { applied: false };
    const payment = await paymentByExternalId(ctx, externalId);
    if (payment?.method !== "stripe") return { applied: false };
    if (kind === "paid") {
      const outcome = await markPaid(ctx, externalId, { source: `stripe:${eventId}` });
      // the PaymentIntent a later refund names
      if (paymentIntentId && payment.providerPaymentId !== paymentIntentId) {
        await ctx.db.patch(payment._id, { providerPaymentId: paymentIntentId });
      }
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

/** Staff refund: checks the policy before any money moves (French reason when refused). */
export const refundCheck = internalQuery({
  args: { userId: v.id("users"), paymentId: v.id("payments") },
  returns: v.object({ paymentIntentId: v.string() }),
  handler: async (ctx, { userId, paymentId }) => {
    requireStaff((await ctx.db.get(userId))!);
    const payment = await ctx.db.get(paymentId);
    if (!payment) throw appError("NOT_FOUND", "Paiement introuvable.");
    if (payment.method !== "stripe" || !payment.providerPaymentId) {
      throw appError(
        "INVALID_STATE",
        "Seul un paiement par carte se rembourse ici ; les espèces et virements se rendent au guichet.",
      );
    }
    if (payment.status !== "paid") {
      throw appError("INVALID_STATE", "Seul un paiement payé peut être remboursé.");
    }
    if (payment.refundedAt !== undefined) {
      throw appError("INVALID_STATE", "Ce paiement est déjà remboursé.");
    }
    const plan = await refundPlan(ctx, payment);
    if (plan.shortfall > 0) {
      throw appError(
        "INVALID_STATE",
        `Remboursement refusé : ${plan.shortfall} des ${payment.credits} crédits de ce paiement ont déjà été utilisés (solde : ${plan.balance}). Annulez d’abord les séances réservées, ou remboursez une partie directement dans Stripe et ajustez le portefeuille.`,
      );
    }
    return { paymentIntentId: payment.providerPaymentId };
  },
});

export const refundApplied = internalMutation({
  args: { userId: v.id("users"), paymentId: v.id("payments"), refundId: v.string() },
  returns: v.object({ applied: v.boolean() }),
  handler: async (ctx, { userId, paymentId, refundId }) => {
    const payment = (await ctx.db.get(paymentId))!;
    const outcome = await refundPayment(ctx, payment, { userId, source: `staff:${refundId}` });
    return { applied: outcome.applied };
  },
});

/**
 * Staff: refund a paid card payment in full through the provider, then take its credits back
 * (once; the `charge.refunded` webhook that follows finds it done). Refused, before any money
 * moves, when some of its credits were already spent.
 */
export const refund = userAction({
  args: { paymentId: v.id("payments") },
  returns: v.object({ applied: v.boolean() }),
  handler: async (ctx, { paymentId }): Promise<{ applied: boolean }> => {
    const { paymentIntentId }: { paymentIntentId: string } = await ctx.runQuery(
      internal.checkout.refundCheck,
      {
        userId: ctx.user._id,
        paymentId,
      },
    );
    const provider = paymentProvider();
    if (!provider)
      throw appError("INVALID_STATE", "Le paiement par carte n’est pas proposé par le centre.");
    let refundId: string;
    try {
      ({ refundId } = await provider.refund({ paymentId, paymentIntentId }));
    } catch {
      throw appError(
        "INVALID_STATE",
        "Stripe n’a pas accepté le remboursement : réessayez plus tard ou passez par le tableau de bord Stripe.",
      );
    }
    return await ctx.runMutation(internal.checkout.refundApplied, {
      userId: ctx.user._id,
      paymentId,
      refundId,
    });
  },
});
