// The wallet consistency check, one bounded page at a time (a query reads a few hundred rows at
// most, so the check scales with the number of pages, never past Convex's read limits).
// Parts, each paginated over its own index:
// - wallets:   balance = sum of the wallet's entries, each entry's balanceAfter follows the
//              previous one, no negative balance;
// - sessions:  every session has exactly one booking debit of its credits (a refunded
//              cancellation also has exactly one refund);
// - debits:    every booking debit and refund names a session that exists;
// - payments:  every paid payment has exactly one purchase entry of its credits, and a refunded
//              one exactly one payment_refund of the credits taken back (none if all spent);
// - purchases: every purchase entry names a paid payment; every subscription month names a
//              subscription of the same student and is the wallet's only one for that month;
//              every payment_refund names a refunded payment of the same student;
// - bilanHeads: every bilan has exactly one head equal to its list fields, no head outlives its
//              bilan (model/bilanHeads.ts; consistency.repairBilanHeads repairs).
// The CLI (`nexus-worker consistency`) and the cron (consistency.run) walk every part to the end.
import type { PaginationResult } from "convex/server";
import { v } from "convex/values";
import type { Doc } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { checkHeadsPage } from "./bilanHeads";

export const consistencyParts = [
  "wallets",
  "sessions",
  "debits",
  "payments",
  "purchases",
  "bilanHeads",
] as const;
export type ConsistencyPart = (typeof consistencyParts)[number];
export const vConsistencyPart = v.union(...consistencyParts.map((p) => v.literal(p)));

export const vProblem = v.object({ kind: v.string(), message: v.string(), ref: v.string() });
export interface Problem {
  kind: string;
  message: string;
  ref: string;
}

export const vCheckPage = v.object({
  checked: v.number(),
  problems: v.array(vProblem),
  continueCursor: v.string(),
  isDone: v.boolean(),
});

/** Rows per page; a wallet page also reads each wallet's entries (bounded by ENTRIES_CAP). */
export const PAGE_SIZE = { wallets: 20, sessions: 100, debits: 200, payments: 100, purchases: 200 };
// bilanHeads pages: model/bilanHeads.ts HEADS_PAGE.
const ENTRIES_CAP = 2_000;

async function entriesOfSession(ctx: QueryCtx, sessionId: Doc<"coachingSessions">["_id"]) {
  return await ctx.db
    .query("walletEntries")
    .withIndex("by_sessionId", (q) => q.eq("sessionId", sessionId))
    .take(20);
}

async function checkWallet(ctx: QueryCtx, wallet: Doc<"wallets">, out: Problem[]) {
  const entries = await ctx.db
    .query("walletEntries")
    .withIndex("by_walletId_and_at", (q) => q.eq("walletId", wallet._id))
    .take(ENTRIES_CAP + 1);
  if (entries.length > ENTRIES_CAP) {
    out.push({
      kind: "wallet_too_long",
      message: `Portefeuille ${wallet._id} : plus de ${ENTRIES_CAP} écritures, vérification partielle.`,
      ref: wallet._id,
    });
  }
  let running = 0;
  for (const entry of entries.slice(0, ENTRIES_CAP)) {
    running += entry.amount;
    if (entry.balanceAfter !== running || running < 0) {
      out.push({
        kind: "ledger_chain",
        message: `Écriture ${entry._id} : solde après ${entry.balanceAfter}, somme des écritures ${running}.`,
        ref: entry._id,
      });
      running = entry.balanceAfter;
    }
  }
  const sum = entries.slice(0, ENTRIES_CAP).reduce((s, e) => s + e.amount, 0);
  if (sum !== wallet.balance || wallet.balance < 0) {
    out.push({
      kind: "balance_drift",
      message: `Portefeuille ${wallet._id} : solde ${wallet.balance}, somme des écritures ${sum}.`,
      ref: wallet._id,
    });
  }
}

async function checkSession(ctx: QueryCtx, session: Doc<"coachingSessions">, out: Problem[]) {
  const entries = await entriesOfSession(ctx, session._id);
  const debits = entries.filter((e) => e.kind === "booking");
  const refunds = entries.filter((e) => e.kind === "refund");
  if (debits.length !== 1 || debits[0]!.amount !== -session.credits) {
    out.push({
      kind: "session_without_debit",
      message: `Séance ${session._id} : ${debits.length} débit(s) au lieu d’un débit de ${session.credits} crédit(s).`,
      ref: session._id,
    });
  }
  const expectedRefunds = session.status === "cancelled" && session.refunded ? 1 : 0;
  if (
    refunds.length !== expectedRefunds ||
    (expectedRefunds === 1 && refunds[0]!.amount !== session.credits)
  ) {
    out.push({
      kind: "session_refund",
      message: `Séance ${session._id} : ${refunds.length} remboursement(s), ${expectedRefunds} attendu(s).`,
      ref: session._id,
    });
  }
}

async function checkSessionEntry(ctx: QueryCtx, entry: Doc<"walletEntries">, out: Problem[]) {
  const session = entry.sessionId ? await ctx.db.get(entry.sessionId) : null;
  if (!session || session.studentId !== entry.studentId) {
    out.push({
      kind: "debit_without_session",
      message: `Écriture ${entry._id} (${entry.kind}) : aucune séance correspondante.`,
      ref: entry._id,
    });
  }
}

async function checkPayment(ctx: QueryCtx, payment: Doc<"payments">, out: Problem[]) {
  // an erased student's wallet is gone while the payment stays (accounting): nothing to match
  if (!(await ctx.db.get(payment.studentId))) return;
  const entries = await ctx.db
    .query("walletEntries")
    .withIndex("by_paymentId", (q) => q.eq("paymentId", payment._id))
    .take(10);
  const purchases = entries.filter((e) => e.kind === "purchase");
  const expected = payment.credits > 0 ? 1 : 0;
  if (purchases.length !== expected || (expected && purchases[0]!.amount !== payment.credits)) {
    out.push({
      kind: "payment_without_purchase",
      message: `Paiement ${payment.externalId} : ${purchases.length} crédit(s) enregistré(s), ${expected} attendu(s).`,
      ref: payment._id,
    });
  }
  const refunds = entries.filter((e) => e.kind === "payment_refund");
  const taken = payment.credits - (payment.refundShortfall ?? 0);
  const expectedRefunds = payment.refundedAt !== undefined && taken > 0 ? 1 : 0;
  if (refunds.length !== expectedRefunds || (expectedRefunds && refunds[0]!.amount !== -taken)) {
    out.push({
      kind: "payment_refund_mismatch",
      message: `Paiement ${payment.externalId} : ${refunds.length} reprise(s) de crédits pour remboursement, ${expectedRefunds} attendue(s).`,
      ref: payment._id,
    });
  }
}

async function checkPaymentRefundEntry(ctx: QueryCtx, entry: Doc<"walletEntries">, out: Problem[]) {
  const payment = entry.paymentId ? await ctx.db.get(entry.paymentId) : null;
  if (payment?.refundedAt === undefined || payment.studentId !== entry.studentId) {
    out.push({
      kind: "payment_refund_orphan",
      message: `Écriture ${entry._id} : reprise de crédits sans paiement remboursé correspondant.`,
      ref: entry._id,
    });
  }
}

async function checkPurchase(ctx: QueryCtx, entry: Doc<"walletEntries">, out: Problem[]) {
  const payment = entry.paymentId ? await ctx.db.get(entry.paymentId) : null;
  if (payment?.status !== "paid" || payment.studentId !== entry.studentId) {
    out.push({
      kind: "purchase_without_payment",
      message: `Écriture ${entry._id} : achat sans paiement payé correspondant.`,
      ref: entry._id,
    });
  }
}

async function checkSubscriptionEntry(ctx: QueryCtx, entry: Doc<"walletEntries">, out: Problem[]) {
  const sub = entry.subscriptionId ? await ctx.db.get(entry.subscriptionId) : null;
  if (!sub || sub.studentId !== entry.studentId || !entry.period) {
    out.push({
      kind: "subscription_orphan",
      message: `Écriture ${entry._id} : mois d’abonnement sans abonnement correspondant.`,
      ref: entry._id,
    });
    return;
  }
  const sameMonth = await ctx.db
    .query("walletEntries")
    .withIndex("by_walletId_and_period", (q) =>
      q.eq("walletId", entry.walletId).eq("period", entry.period),
    )
    .take(10);
  if (sameMonth.filter((e) => e.kind === "subscription").length !== 1) {
    out.push({
      kind: "subscription_twice",
      message: `Portefeuille ${entry.walletId} : le mois ${entry.period} crédité plusieurs fois.`,
      ref: entry._id,
    });
  }
}

export async function checkPage(
  ctx: QueryCtx,
  part: ConsistencyPart,
  cursor: string | null,
): Promise<{ checked: number; problems: Problem[]; continueCursor: string; isDone: boolean }> {
  if (part === "bilanHeads") return await checkHeadsPage(ctx, cursor);
  const opts = { numItems: PAGE_SIZE[part], cursor };
  const problems: Problem[] = [];
  let page: PaginationResult<unknown>;
  switch (part) {
    case "wallets": {
      const p = await ctx.db.query("wallets").paginate(opts);
      for (const w of p.page) await checkWallet(ctx, w, problems);
      page = p;
      break;
    }
    case "sessions": {
      const p = await ctx.db.query("coachingSessions").withIndex("by_startsAt").paginate(opts);
      for (const s of p.page) await checkSession(ctx, s, problems);
      page = p;
      break;
    }
    case "debits":
    case "purchases": {
      const kinds =
        part === "debits"
          ? (["booking", "refund"] as const)
          : (["purchase", "subscription", "payment_refund"] as const);
      // one index range per kind: paginate the first, then the second (cursor carries the kind)
      const [kindIndex, inner] = splitCursor(cursor);
      const kind = kinds[kindIndex]!;
      const p = await ctx.db
        .query("walletEntries")
        .withIndex("by_kind_and_at", (q) => q.eq("kind", kind))
        .paginate({ numItems: PAGE_SIZE[part], cursor: inner });
      for (const e of p.page) {
        if (part === "debits") await checkSessionEntry(ctx, e, problems);
        else if (e.kind === "subscription") await checkSubscriptionEntry(ctx, e, problems);
        else if (e.kind === "payment_refund") await checkPaymentRefundEntry(ctx, e, problems);
        else await checkPurchase(ctx, e, problems);
      }
      const lastKind = kindIndex === kinds.length - 1;
      return {
        checked: p.page.length,
        problems,
        continueCursor: p.isDone
          ? joinCursor(kindIndex + 1, null)
          : joinCursor(kindIndex, p.continueCursor),
        isDone: p.isDone && lastKind,
      };
    }
    case "payments": {
      const p = await ctx.db
        .query("payments")
        .withIndex("by_status_and_createdAt", (q) => q.eq("status", "paid"))
        .paginate(opts);
      for (const pay of p.page) await checkPayment(ctx, pay, problems);
      page = p;
      break;
    }
  }
  return {
    checked: page.page.length,
    problems,
    continueCursor: page.continueCursor,
    isDone: page.isDone,
  };
}

function splitCursor(cursor: string | null): [number, string | null] {
  if (!cursor) return [0, null];
  const i = cursor.indexOf(":");
  const rest = cursor.slice(i + 1);
  return [Number(cursor.slice(0, i)), rest === "" ? null : rest];
}

function joinCursor(kindIndex: number, inner: string | null): string {
  return `${kindIndex}:${inner ?? ""}`;
}

/** Problem kinds in French, for the CLI and the report page. */
export const problemLabels: Record<string, string> = {
  balance_drift: "Solde différent de la somme des écritures",
  ledger_chain: "Chaîne des soldes rompue",
  wallet_too_long: "Portefeuille trop long pour être vérifié en entier",
  session_without_debit: "Séance sans débit",
  session_refund: "Remboursement de séance incohérent",
  debit_without_session: "Débit sans séance",
  payment_without_purchase: "Paiement sans crédit",
  purchase_without_payment: "Crédit sans paiement",
  subscription_orphan: "Mois d’abonnement sans abonnement",
  subscription_twice: "Mois d’abonnement crédité deux fois",
  payment_refund_mismatch: "Remboursement de paiement incohérent",
  payment_refund_orphan: "Reprise de crédits sans paiement remboursé",
  bilan_head_missing: "Bilan absent des listes (résumé manquant)",
  bilan_head_stale: "Résumé de bilan différent du bilan",
  bilan_head_orphan: "Résumé d’un bilan supprimé",
};
