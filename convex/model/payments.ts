// Payments: created → pending → paid | failed | cancelled (rules in @nexus/shared/credits).
// Offline by default: the family (or the assistante) reserves a cash or transfer payment, which
// is pending with a reference « NXR-… »; the assistante confirms it when the money arrives.
// Online: a Stripe Checkout session is the payment's external id; its webhook marks it paid.
// Crediting happens in `markPaid` only, keyed on the external id: a second confirmation, a
// replayed webhook or a race between the two finds the payment paid and credits nothing.
import { parisMonth } from "@nexus/shared/coaching-time";
import { CreditRuleError, checkTransition, type PaymentStatus } from "@nexus/shared/credits";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { isStaff, requireAnyRole, requireReadableStudent, type User } from "./access";
import { setAriaPremium } from "./aria";
import { audit } from "./audit";
import { enqueueJob } from "./jobs";
import { startSubscription } from "./subscriptions";
import { getWallet, postEntry } from "./wallets";

export async function paymentByExternalId(ctx: QueryCtx, externalId: string) {
  return await ctx.db
    .query("payments")
    .withIndex("by_externalId", (q) => q.eq("externalId", externalId))
    .unique();
}

export async function requireActiveProduct(ctx: QueryCtx, productId: Id<"products">) {
  const product = await ctx.db.get(productId);
  if (!product?.active) throw appError("NOT_FOUND", "Offre introuvable ou retirée.");
  return product;
}

/** « NXR-7K2M9QXA »: the reference the family writes on a transfer or reads at the desk. */
export function newReference(): string {
  const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `NXR-${Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("")}`;
}

export async function createPayment(
  ctx: MutationCtx,
  input: {
    studentId: Id<"students">;
    payerId: Id<"users">;
    product: Doc<"products">;
    method: Doc<"payments">["method"];
    externalId?: string;
    status: "created" | "pending";
  },
): Promise<Id<"payments">> {
  const now = Date.now();
  return await ctx.db.insert("payments", {
    studentId: input.studentId,
    payerId: input.payerId,
    productId: input.product._id,
    productName: input.product.name,
    credits: input.product.credits,
    amountCents: input.product.priceCents,
    method: input.method,
    status: input.status,
    externalId: input.externalId ?? newReference(),
    createdAt: now,
    updatedAt: now,
  });
}

function transition(payment: Doc<"payments">, to: PaymentStatus) {
  try {
    checkTransition(payment.status, to);
  } catch (error) {
    if (error instanceof CreditRuleError) throw appError("INVALID_STATE", error.message);
    throw error;
  }
}

export async function setPending(
  ctx: MutationCtx,
  payment: Doc<"payments">,
  patch: Partial<Pick<Doc<"payments">, "externalId" | "checkoutUrl">> = {},
) {
  transition(payment, "pending");
  await ctx.db.patch(payment._id, { ...patch, status: "pending", updatedAt: Date.now() });
}

export type MarkPaidOutcome = { credited: true; balance: number } | { credited: false };

/**
 * pending → paid, crediting the wallet in the same mutation. Already paid: nothing (idempotent).
 * ARIA premium products switch the option on (model/aria.ts) instead of adding credits.
 */
export async function markPaid(
  ctx: MutationCtx,
  externalId: string,
  by: { userId?: Id<"users">; source: string },
): Promise<MarkPaidOutcome> {
  const payment = await paymentByExternalId(ctx, externalId);
  if (!payment) throw appError("NOT_FOUND", "Paiement introuvable.");
  if (payment.status === "paid") return { credited: false };
  transition(payment, "paid");
  const now = Date.now();
  await ctx.db.patch(payment._id, {
    status: "paid",
    paidAt: now,
    updatedAt: now,
    ...(by.userId ? { confirmedBy: by.userId } : {}),
  });
  const product = await ctx.db.get(payment.productId);
  // a subscription's payment credits the current Paris month (the monthly run skips it)
  const subscription = product?.kind === "subscription";
  let balance = 0;
  if (payment.credits > 0) {
    ({ balance } = await postEntry(ctx, payment.studentId, {
      kind: "purchase",
      amount: payment.credits,
      paymentId: payment._id,
      actorId: by.userId,
      ...(subscription ? { period: parisMonth(now) } : {}),
    }));
  }
  if (subscription && product) {
    await startSubscription(ctx, { ...payment, status: "paid" }, product, now);
  }
  // ARIA premium: the option is switched on (model/aria.ts, idempotent and audited there)
  if (product?.kind === "aria_premium") {
    await setAriaPremium(ctx, payment.studentId, true, {
      userId: by.userId ?? payment.payerId,
      source: `payment:${payment._id}`,
    });
  }
  await audit(ctx, {
    actorKind: by.userId ? "user" : "system",
    actorId: by.userId,
    action: "payment.paid",
    targetTable: "payments",
    targetId: payment._id,
    details: { source: by.source, credits: payment.credits, amountCents: payment.amountCents },
  });
  await enqueueJob(
    ctx,
    "payment.receipt",
    { paymentId: payment._id },
    { idempotencyKey: `payment.receipt:${payment._id}` },
  );
  return { credited: true, balance };
}

export async function paymentByProviderId(ctx: QueryCtx, paymentIntentId: string) {
  return await ctx.db
    .query("payments")
    .withIndex("by_providerPaymentId", (q) => q.eq("providerPaymentId", paymentIntentId))
    .first();
}

/**
 * What a full refund of a paid payment would take back: its credits, at most the balance. The
 * rest (`shortfall`) was already spent (policy in docs/coaching.md: a staff refund is refused
 * then; a refund made at Stripe is recorded with its shortfall for the desk).
 */
export async function refundPlan(ctx: QueryCtx, payment: Doc<"payments">) {
  const balance = (await getWallet(ctx, payment.studentId))?.balance ?? 0;
  const take = Math.min(balance, payment.credits);
  return { balance, take, shortfall: payment.credits - take };
}

export type RefundOutcome =
  | { applied: false }
  | { applied: true; removed: number; shortfall: number };

/**
 * A paid payment was refunded (money returned): one `payment_refund` entry takes its credits
 * back — never below zero — exactly once (`refundedAt` marks it; a replay finds it set).
 */
export async function refundPayment(
  ctx: MutationCtx,
  payment: Doc<"payments">,
  by: { userId?: Id<"users">; source: string },
): Promise<RefundOutcome> {
  if (payment.refundedAt !== undefined) return { applied: false };
  if (payment.status !== "paid") {
    throw appError("INVALID_STATE", "Seul un paiement payé peut être remboursé.");
  }
  const { take, shortfall } = await refundPlan(ctx, payment);
  if (take > 0) {
    await postEntry(ctx, payment.studentId, {
      kind: "payment_refund",
      amount: -take,
      paymentId: payment._id,
      actorId: by.userId,
    });
  }
  const now = Date.now();
  await ctx.db.patch(payment._id, {
    refundedAt: now,
    refundSource: by.source,
    ...(shortfall > 0 ? { refundShortfall: shortfall } : {}),
    updatedAt: now,
  });
  await audit(ctx, {
    actorKind: by.userId ? "user" : "system",
    actorId: by.userId,
    action: "payment.refunded",
    targetTable: "payments",
    targetId: payment._id,
    details: { source: by.source, removed: take, shortfall },
  });
  return { applied: true, removed: take, shortfall };
}

/** pending|created → failed or cancelled (never after paid). */
export async function closePayment(
  ctx: MutationCtx,
  payment: Doc<"payments">,
  to: "failed" | "cancelled",
  by: { userId?: Id<"users">; source: string; reason?: string },
) {
  if (payment.status === to) return;
  transition(payment, to);
  await ctx.db.patch(payment._id, {
    status: to,
    updatedAt: Date.now(),
    ...(by.reason ? { failureReason: by.reason } : {}),
  });
  await audit(ctx, {
    actorKind: by.userId ? "user" : "system",
    actorId: by.userId,
    action: `payment.${to}`,
    targetTable: "payments",
    targetId: payment._id,
    details: { source: by.source },
  });
}

/** Staff, the student's parents and the élève may pay; a coach may not (FORBIDDEN). */
export async function requirePayer(ctx: QueryCtx, user: User, studentId: Id<"students">) {
  requireAnyRole(user);
  const student = await requireReadableStudent(ctx, user, studentId);
  if (!isStaff(user) && user.role !== "parent" && user.role !== "eleve") {
    throw appError("FORBIDDEN", "Seuls la famille et l’accueil enregistrent un paiement.");
  }
  return student;
}
