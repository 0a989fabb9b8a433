// Public payment functions. A parent (for a linked child), the élève (for themself) or staff
// reserves an offline payment (cash or transfer): it is pending until the assistante confirms
// it, which credits the wallet exactly once (model/payments.ts markPaid). Cancelling is open to
// the payer and staff while pending. Coaches take no part in payments.
import { paymentMethodLabels } from "@nexus/shared/credits";
import { v } from "convex/values";
import type { Doc } from "./_generated/dataModel";
import type { QueryCtx } from "./_generated/server";
import { appError } from "./lib/errors";
import { userMutation, userQuery } from "./lib/functions";
import { isStaff, requireAnyRole, requireReadableStudent, requireStaff } from "./model/access";
import {
  closePayment,
  createPayment,
  markPaid,
  requireActiveProduct,
  requirePayer,
} from "./model/payments";
import { consume } from "./model/rateLimits";
import { vPaymentMethod, vPaymentStatus } from "./tables/coaching";

export const vPaymentView = v.object({
  _id: v.id("payments"),
  studentId: v.id("students"),
  studentName: v.string(),
  payerName: v.string(),
  productName: v.string(),
  credits: v.number(),
  amountCents: v.number(),
  method: vPaymentMethod,
  status: vPaymentStatus,
  reference: v.string(),
  checkoutUrl: v.optional(v.string()),
  createdAt: v.number(),
  paidAt: v.optional(v.number()),
  /** Refunded (money returned) and the credits that could not be taken back. */
  refundedAt: v.optional(v.number()),
  refundShortfall: v.optional(v.number()),
});

async function view(ctx: QueryCtx, p: Doc<"payments">) {
  const [student, payer] = await Promise.all([ctx.db.get(p.studentId), ctx.db.get(p.payerId)]);
  return {
    _id: p._id,
    studentId: p.studentId,
    studentName: student ? `${student.firstName} ${student.lastName}` : "Élève supprimé",
    payerName: payer?.name ?? "—",
    productName: p.productName,
    credits: p.credits,
    amountCents: p.amountCents,
    method: p.method,
    status: p.status,
    reference: p.externalId,
    checkoutUrl: p.status === "pending" ? p.checkoutUrl : undefined,
    createdAt: p.createdAt,
    paidAt: p.paidAt,
    refundedAt: p.refundedAt,
    refundShortfall: p.refundShortfall,
  };
}

/** Reserve a cash or transfer payment: pending until the assistante confirms it. */
export const reserve = userMutation({
  args: {
    studentId: v.id("students"),
    productId: v.id("products"),
    method: v.union(v.literal("cash"), v.literal("transfer")),
  },
  returns: v.object({ paymentId: v.id("payments"), reference: v.string() }),
  handler: async (ctx, { studentId, productId, method }) => {
    await requirePayer(ctx, ctx.user, studentId);
    await consume(ctx, "paymentsPerUser", ctx.user._id);
    const product = await requireActiveProduct(ctx, productId);
    const paymentId = await createPayment(ctx, {
      studentId,
      payerId: ctx.user._id,
      product,
      method,
      status: "pending",
    });
    const payment = (await ctx.db.get(paymentId))!;
    return { paymentId, reference: payment.externalId };
  },
});

/** Staff: the money arrived — pending → paid, the wallet credited once. */
export const confirm = userMutation({
  args: { paymentId: v.id("payments") },
  returns: v.object({ credited: v.boolean() }),
  handler: async (ctx, { paymentId }) => {
    requireStaff(ctx.user);
    const payment = await ctx.db.get(paymentId);
    if (!payment) throw appError("NOT_FOUND", "Paiement introuvable.");
    if (payment.method === "stripe") {
      throw appError("INVALID_STATE", "Un paiement par carte est confirmé par le prestataire.");
    }
    const outcome = await markPaid(ctx, payment.externalId, {
      userId: ctx.user._id,
      source: `confirm:${paymentMethodLabels[payment.method]}`,
    });
    return { credited: outcome.credited };
  },
});

/** The payer or staff cancels a payment that is not paid yet. */
export const cancel = userMutation({
  args: { paymentId: v.id("payments") },
  returns: v.null(),
  handler: async (ctx, { paymentId }) => {
    requireAnyRole(ctx.user);
    const payment = await ctx.db.get(paymentId);
    if (!payment) throw appError("NOT_FOUND", "Paiement introuvable.");
    await requireReadableStudent(ctx, ctx.user, payment.studentId).catch(() => {
      throw appError("NOT_FOUND", "Paiement introuvable.");
    });
    if (!isStaff(ctx.user) && payment.payerId !== ctx.user._id) {
      throw appError("FORBIDDEN", "Seule la personne qui a réservé ce paiement peut l’annuler.");
    }
    await closePayment(ctx, payment, "cancelled", { userId: ctx.user._id, source: "cancel" });
    return null;
  },
});

/** Staff: the payments to confirm (pending), oldest first. */
export const pending = userQuery({
  args: {},
  returns: v.array(vPaymentView),
  handler: async (ctx) => {
    requireStaff(ctx.user);
    const rows = await ctx.db
      .query("payments")
      .withIndex("by_status_and_createdAt", (q) => q.eq("status", "pending"))
      .take(100);
    return await Promise.all(rows.map((p) => view(ctx, p)));
  },
});

/** Staff: the latest payments in one status. */
export const listByStatus = userQuery({
  args: { status: vPaymentStatus },
  returns: v.array(vPaymentView),
  handler: async (ctx, { status }) => {
    requireStaff(ctx.user);
    const rows = await ctx.db
      .query("payments")
      .withIndex("by_status_and_createdAt", (q) => q.eq("status", status))
      .order("desc")
      .take(50);
    return await Promise.all(rows.map((p) => view(ctx, p)));
  },
});

/** A student's payments, newest first (readers of the student). */
export const forStudent = userQuery({
  args: { studentId: v.id("students") },
  returns: v.array(vPaymentView),
  handler: async (ctx, { studentId }) => {
    requireAnyRole(ctx.user);
    await requireReadableStudent(ctx, ctx.user, studentId);
    const rows = await ctx.db
      .query("payments")
      .withIndex("by_studentId_and_createdAt", (q) => q.eq("studentId", studentId))
      .order("desc")
      .take(50);
    return await Promise.all(rows.map((p) => view(ctx, p)));
  },
});
