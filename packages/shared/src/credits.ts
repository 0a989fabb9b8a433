// Credits, wallets and payments: the rules, with no I/O (Convex applies them in mutations, the
// property test drives them with random operation sequences).
// - One credit buys 30 minutes of coaching; a session costs durationMinutes / 30 credits.
// - A wallet's balance is the sum of its ledger entries and never goes below zero: every entry
//   goes through `nextBalance`, which refuses a negative result.
// - A family that cancels at least `familyNoticeHours` (24 h by default) before the start gets
//   its credits back; later, it does not. A cancellation by the coach or the centre always
//   refunds. A reschedule moves the session and keeps its single debit.
// - Payments: created → pending → paid | failed | cancelled (created may also be cancelled or
//   fail at once). `paid`, `failed` and `cancelled` are final; only `paid` credits the wallet.
import { z } from "zod";

export const CREDIT_MINUTES = 30;
export const SESSION_DURATIONS = [30, 60, 90, 120] as const;
export type SessionDuration = (typeof SESSION_DURATIONS)[number];
export const zSessionDuration = z.union(SESSION_DURATIONS.map((d) => z.literal(d)));

export function creditsForDuration(minutes: number): number {
  if (!SESSION_DURATIONS.includes(minutes as SessionDuration)) {
    throw new CreditRuleError(
      `Durée de séance invalide : ${minutes} minutes (30, 60, 90 ou 120 minutes).`,
    );
  }
  return minutes / CREDIT_MINUTES;
}

export class CreditRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CreditRuleError";
  }
}

export const ledgerKinds = [
  "purchase",
  "subscription",
  "booking",
  "refund",
  "adjustment",
  "expiry",
  "payment_refund",
] as const;
export type LedgerKind = (typeof ledgerKinds)[number];

export const ledgerKindLabels: Record<LedgerKind, string> = {
  purchase: "Achat",
  subscription: "Abonnement",
  booking: "Réservation",
  refund: "Remboursement",
  adjustment: "Ajustement",
  expiry: "Expiration",
  payment_refund: "Paiement remboursé",
};

/** The sign each kind may carry: an adjustment goes either way, never zero. */
export function checkEntryAmount(kind: LedgerKind, amount: number): void {
  if (!Number.isInteger(amount) || amount === 0) {
    throw new CreditRuleError("Le nombre de crédits doit être un entier non nul.");
  }
  const positive = kind === "purchase" || kind === "subscription" || kind === "refund";
  const negative = kind === "booking" || kind === "expiry" || kind === "payment_refund";
  if ((positive && amount < 0) || (negative && amount > 0)) {
    throw new CreditRuleError(`Montant de signe incorrect pour « ${ledgerKindLabels[kind]} ».`);
  }
}

/** The balance after an entry; refuses anything that would make it negative. */
export function nextBalance(balance: number, kind: LedgerKind, amount: number): number {
  checkEntryAmount(kind, amount);
  const next = balance + amount;
  if (next < 0) {
    throw new CreditRuleError(
      `Solde insuffisant : ${formatCredits(balance)} disponible${balance > 1 ? "s" : ""}, ${formatCredits(-amount)} nécessaire${-amount > 1 ? "s" : ""}.`,
    );
  }
  return next;
}

export function formatCredits(n: number): string {
  return `${n} crédit${Math.abs(n) > 1 ? "s" : ""}`;
}

// ---- expiry ----

/** Credits stay valid this many days after they were added (CREDIT_VALIDITY_DAYS). */
export const DEFAULT_CREDIT_VALIDITY_DAYS = 365;

/**
 * Credits to expire at `cutoff`, first in first out: the credits added before the cutoff
 * (purchases, subscription months, positive adjustments) less everything consumed so far
 * (bookings, negative adjustments, expiries, refunded payments; a session refund gives its
 * consumption back), never more than the balance. Expiring that amount makes the next call
 * return 0: applying it twice expires once.
 */
export function creditsToExpire(
  entries: readonly { kind: LedgerKind; amount: number; at: number }[],
  cutoff: number,
): number {
  let grantedBefore = 0;
  let consumed = 0;
  let balance = 0;
  for (const e of entries) {
    balance += e.amount;
    if (e.amount > 0 && e.kind !== "refund") {
      if (e.at < cutoff) grantedBefore += e.amount;
    } else {
      consumed -= e.amount;
    }
  }
  return Math.max(0, Math.min(balance, grantedBefore - consumed));
}

// ---- cancellation policy ----

export const DEFAULT_FAMILY_NOTICE_HOURS = 24;
export type CancelledBy = "family" | "coach" | "staff";

/** Whether a cancellation gives the credits back. At exactly the notice, the family is refunded. */
export function refundsOnCancel(input: {
  by: CancelledBy;
  startsAt: number;
  now: number;
  familyNoticeHours?: number;
}): boolean {
  if (input.by !== "family") return true;
  const notice = (input.familyNoticeHours ?? DEFAULT_FAMILY_NOTICE_HOURS) * 3_600_000;
  return input.startsAt - input.now >= notice;
}

// ---- payments ----

export const paymentStatuses = ["created", "pending", "paid", "failed", "cancelled"] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];
export const paymentMethods = ["cash", "transfer", "stripe"] as const;
export type PaymentMethod = (typeof paymentMethods)[number];

export const paymentStatusLabels: Record<PaymentStatus, string> = {
  created: "Créé",
  pending: "En attente",
  paid: "Payé",
  failed: "Échoué",
  cancelled: "Annulé",
};
export const paymentMethodLabels: Record<PaymentMethod, string> = {
  cash: "Espèces",
  transfer: "Virement",
  stripe: "Carte bancaire",
};

const TRANSITIONS: Record<PaymentStatus, readonly PaymentStatus[]> = {
  created: ["pending", "failed", "cancelled"],
  pending: ["paid", "failed", "cancelled"],
  paid: [],
  failed: [],
  cancelled: [],
};

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function checkTransition(from: PaymentStatus, to: PaymentStatus): void {
  if (!canTransition(from, to)) {
    throw new CreditRuleError(
      `Ce paiement est « ${paymentStatusLabels[from]} » : il ne peut pas passer à « ${paymentStatusLabels[to]} ».`,
    );
  }
}

/** « 120,00 € » from euro cents (French grouping and comma). */
export function formatEuros(cents: number): string {
  return new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" }).format(cents / 100);
}

export const zAdjustmentReason = z
  .string()
  .trim()
  .min(5, "Indiquez le motif de l’ajustement (5 caractères au moins).")
  .max(300, "Motif trop long (300 caractères au plus).");
