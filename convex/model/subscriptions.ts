// Monthly subscriptions and credit expiry, both applied by crons (credits.ts) and both idempotent.
// - A paid subscription product starts (or renews) the student's one subscription; its payment's
//   purchase entry carries the Paris month it covers. Every day the run credits each active
//   subscription for the current Paris month unless the wallet already has an entry for that
//   month (index by_walletId_and_period): run twice, credited once.
// - Credits expire CREDIT_VALIDITY_DAYS (365 by default) after they were added, first in first
//   out (@nexus/shared/credits creditsToExpire): the run posts one `expiry` entry of what is
//   due; a second run finds nothing due.
// Every change goes through postEntry, so the balance and the ledger stay equal.
import { creditsToExpire, DEFAULT_CREDIT_VALIDITY_DAYS } from "@nexus/shared/credits";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { audit } from "./audit";
import { ensureWallet, postEntry } from "./wallets";

const DAY = 86_400_000;

export function creditValidityDays(): number {
  const raw = process.env.CREDIT_VALIDITY_DAYS?.trim();
  const n = raw ? Number(raw) : DEFAULT_CREDIT_VALIDITY_DAYS;
  return Number.isInteger(n) && n >= 1 && n <= 3650 ? n : DEFAULT_CREDIT_VALIDITY_DAYS;
}

export async function subscriptionOf(ctx: QueryCtx, studentId: Id<"students">) {
  return await ctx.db
    .query("subscriptions")
    .withIndex("by_studentId", (q) => q.eq("studentId", studentId))
    .unique();
}

/** The paid subscription payment starts the subscription, or renews a stopped one. */
export async function startSubscription(
  ctx: MutationCtx,
  payment: Doc<"payments">,
  product: Doc<"products">,
  now: number,
) {
  const existing = await subscriptionOf(ctx, payment.studentId);
  const fields = {
    productId: product._id,
    productName: product.name,
    creditsPerMonth: product.credits,
    status: "active" as const,
    paymentId: payment._id,
    updatedAt: now,
  };
  if (existing) {
    await ctx.db.patch(existing._id, {
      ...fields,
      ...(existing.status === "stopped" ? { startedAt: now } : {}),
      stoppedAt: undefined,
      stoppedBy: undefined,
    });
    return existing._id;
  }
  return await ctx.db.insert("subscriptions", {
    studentId: payment.studentId,
    ...fields,
    startedAt: now,
    createdAt: now,
  });
}

/** Whether the wallet already holds credits for that month (a payment or a monthly run). */
async function monthCredited(ctx: QueryCtx, walletId: Id<"wallets">, period: string) {
  return (
    (await ctx.db
      .query("walletEntries")
      .withIndex("by_walletId_and_period", (q) => q.eq("walletId", walletId).eq("period", period))
      .first()) !== null
  );
}

/** Credits one month of an active subscription, once per wallet and month. */
export async function creditSubscriptionMonth(
  ctx: MutationCtx,
  subscription: Doc<"subscriptions">,
  period: string,
): Promise<{ credited: boolean }> {
  if (subscription.status !== "active" || subscription.creditsPerMonth <= 0) {
    return { credited: false };
  }
  if (!(await ctx.db.get(subscription.studentId))) return { credited: false };
  const wallet = await ensureWallet(ctx, subscription.studentId);
  if (await monthCredited(ctx, wallet._id, period)) return { credited: false };
  await postEntry(ctx, subscription.studentId, {
    kind: "subscription",
    amount: subscription.creditsPerMonth,
    subscriptionId: subscription._id,
    period,
  });
  return { credited: true };
}

export async function stopSubscription(
  ctx: MutationCtx,
  subscription: Doc<"subscriptions">,
  userId: Id<"users">,
  now: number,
) {
  if (subscription.status === "stopped") return;
  await ctx.db.patch(subscription._id, {
    status: "stopped",
    stoppedAt: now,
    stoppedBy: userId,
    updatedAt: now,
  });
  await audit(ctx, {
    actorKind: "user",
    actorId: userId,
    action: "subscription.stop",
    targetTable: "subscriptions",
    targetId: subscription._id,
  });
}

/** A wallet's entries read for expiry: bounded (a longer wallet is flagged by the check). */
const EXPIRY_ENTRIES_CAP = 2_000;

/** Posts the expiry due at `now` (credits added before now − validity), once. Returns it. */
export async function expireWallet(
  ctx: MutationCtx,
  wallet: Doc<"wallets">,
  now: number,
): Promise<number> {
  if (wallet.balance <= 0) return 0;
  const entries = await ctx.db
    .query("walletEntries")
    .withIndex("by_walletId_and_at", (q) => q.eq("walletId", wallet._id))
    .take(EXPIRY_ENTRIES_CAP + 1);
  if (entries.length > EXPIRY_ENTRIES_CAP) return 0;
  const due = creditsToExpire(entries, now - creditValidityDays() * DAY);
  if (due <= 0) return 0;
  const { entryId } = await postEntry(ctx, wallet.studentId, { kind: "expiry", amount: -due });
  await audit(ctx, {
    actorKind: "system",
    action: "wallet.expire",
    targetTable: "walletEntries",
    targetId: entryId,
    details: { studentId: wallet.studentId, amount: due, validityDays: creditValidityDays() },
  });
  return due;
}
