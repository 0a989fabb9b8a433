// Wallets and their ledger. The ONLY writer of `wallets.balance` and of `walletEntries`:
// `postEntry` computes the new balance with the shared rule (never negative), inserts the entry
// with its `balanceAfter` and patches the wallet, all inside the caller's mutation — so the
// balance and the ledger can never disagree, even under concurrent mutations (Convex
// transactions are serializable: of two bookings of the last credits, one retries and is refused).
import {
  CreditRuleError,
  type LedgerKind,
  nextBalance,
  zAdjustmentReason,
} from "@nexus/shared/credits";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";

export async function getWallet(
  ctx: QueryCtx,
  studentId: Id<"students">,
): Promise<Doc<"wallets"> | null> {
  return await ctx.db
    .query("wallets")
    .withIndex("by_studentId", (q) => q.eq("studentId", studentId))
    .unique();
}

export async function ensureWallet(
  ctx: MutationCtx,
  studentId: Id<"students">,
): Promise<Doc<"wallets">> {
  const existing = await getWallet(ctx, studentId);
  if (existing) return existing;
  const now = Date.now();
  const id = await ctx.db.insert("wallets", {
    studentId,
    balance: 0,
    createdAt: now,
    updatedAt: now,
  });
  return (await ctx.db.get(id))!;
}

export interface EntryInput {
  kind: LedgerKind;
  amount: number;
  reason?: string;
  paymentId?: Id<"payments">;
  sessionId?: Id<"coachingSessions">;
  subscriptionId?: Id<"subscriptions">;
  /** Subscription months (« 2026-12 »): at most one entry per wallet and month. */
  period?: string;
  actorId?: Id<"users">;
}

/** Appends one entry and moves the balance with it; INVALID_STATE (French) when it would go negative. */
export async function postEntry(
  ctx: MutationCtx,
  studentId: Id<"students">,
  entry: EntryInput,
): Promise<{ entryId: Id<"walletEntries">; balance: number }> {
  const wallet = await ensureWallet(ctx, studentId);
  let balance: number;
  try {
    balance = nextBalance(wallet.balance, entry.kind, entry.amount);
  } catch (error) {
    if (error instanceof CreditRuleError) throw appError("INVALID_STATE", error.message);
    throw error;
  }
  if (entry.kind === "adjustment") {
    const reason = zAdjustmentReason.safeParse(entry.reason ?? "");
    if (!reason.success) throw appError("INVALID_ARGUMENT", reason.error.issues[0]!.message);
    entry = { ...entry, reason: reason.data };
  }
  const now = Date.now();
  const entryId = await ctx.db.insert("walletEntries", {
    walletId: wallet._id,
    studentId,
    ...entry,
    balanceAfter: balance,
    at: now,
  });
  await ctx.db.patch(wallet._id, { balance, updatedAt: now });
  return { entryId, balance };
}

/** The newest entries first (bounded). */
export async function walletHistory(ctx: QueryCtx, walletId: Id<"wallets">, limit: number) {
  return await ctx.db
    .query("walletEntries")
    .withIndex("by_walletId_and_at", (q) => q.eq("walletId", walletId))
    .order("desc")
    .take(limit);
}
