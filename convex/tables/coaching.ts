// Coaching by credits: the catalogue, wallets and their ledger, payments, coach availability
// and sessions. Written only through convex/model/wallets.ts (every balance change inserts its
// ledger entry in the same mutation), convex/model/payments.ts and convex/model/sessions.ts;
// read by credits.ts, payments.ts, sessions.ts, availability.ts and the consistency check.
import { defineTable } from "convex/server";
import { v } from "convex/values";
import { vSubject } from "../validators";

export const vProductKind = v.union(
  v.literal("pack"),
  v.literal("subscription"),
  v.literal("aria_premium"),
);
export const vLedgerKind = v.union(
  v.literal("purchase"),
  v.literal("subscription"),
  v.literal("booking"),
  v.literal("refund"),
  v.literal("adjustment"),
  v.literal("expiry"),
  v.literal("payment_refund"),
);
export const vSubscriptionStatus = v.union(v.literal("active"), v.literal("stopped"));
export const vPaymentStatus = v.union(
  v.literal("created"),
  v.literal("pending"),
  v.literal("paid"),
  v.literal("failed"),
  v.literal("cancelled"),
);
export const vPaymentMethod = v.union(
  v.literal("cash"),
  v.literal("transfer"),
  v.literal("stripe"),
);
export const vSessionStatus = v.union(
  v.literal("booked"),
  v.literal("cancelled"),
  v.literal("completed"),
  v.literal("no_show"),
);
export const vCancelledBy = v.union(v.literal("family"), v.literal("coach"), v.literal("staff"));

export const coachingTables = {
  /** The catalogue (seeded; admin edits). Prices in euro cents. */
  products: defineTable({
    code: v.string(),
    kind: vProductKind,
    name: v.string(),
    description: v.string(),
    /** Credits a purchase adds (subscriptions: credits per month). */
    credits: v.number(),
    priceCents: v.number(),
    active: v.boolean(),
    sortOrder: v.number(),
    createdAt: v.number(),
    updatedAt: v.number(),
  })
    // catalogue upsert by code (seed, admin)
    .index("by_code", ["code"])
    // the shop: active products in order
    .index("by_active_and_sortOrder", ["active", "sortOrder"]),

  /** One per élève. `balance` always equals the sum of the wallet's entries (consistency check). */
  wallets: defineTable({
    studentId: v.id("students"),
    balance: v.number(),
    createdAt: v.number(),
    updatedAt: v.number(),
  }).index("by_studentId", ["studentId"]),

  /** The ledger: append-only; `amount` is signed, `balanceAfter` the wallet's balance after it. */
  walletEntries: defineTable({
    walletId: v.id("wallets"),
    studentId: v.id("students"),
    kind: vLedgerKind,
    amount: v.number(),
    balanceAfter: v.number(),
    /** Required for adjustments (audited). */
    reason: v.optional(v.string()),
    paymentId: v.optional(v.id("payments")),
    sessionId: v.optional(v.id("coachingSessions")),
    /** Subscription months: the subscription and the Paris month « 2026-12 » credited. */
    subscriptionId: v.optional(v.id("subscriptions")),
    period: v.optional(v.string()),
    actorId: v.optional(v.id("users")),
    at: v.number(),
  })
    // a wallet's history, newest first; the consistency sum
    .index("by_walletId_and_at", ["walletId", "at"])
    // a student's entries (personal-data export and erasure)
    .index("by_studentId_and_at", ["studentId", "at"])
    // a session's debit and refund (orphan checks, cancellation)
    .index("by_sessionId", ["sessionId"])
    // a payment's purchase entry (crediting exactly once)
    .index("by_paymentId", ["paymentId"])
    // orphan scans by kind
    .index("by_kind_and_at", ["kind", "at"])
    // a subscription month credited once per wallet
    .index("by_walletId_and_period", ["walletId", "period"]),

  /**
   * A monthly subscription: started (or renewed) when a subscription product is paid; the cron
   * credits `creditsPerMonth` once per Paris month while active (model/subscriptions.ts).
   */
  subscriptions: defineTable({
    studentId: v.id("students"),
    productId: v.id("products"),
    productName: v.string(),
    creditsPerMonth: v.number(),
    status: vSubscriptionStatus,
    /** The payment that started or last renewed it. */
    paymentId: v.id("payments"),
    startedAt: v.number(),
    stoppedAt: v.optional(v.number()),
    stoppedBy: v.optional(v.id("users")),
    createdAt: v.number(),
    updatedAt: v.number(),
  })
    // one per student
    .index("by_studentId", ["studentId"])
    // the monthly run over active subscriptions
    .index("by_status", ["status"]),

  /** created → pending → paid | failed | cancelled (packages/shared/src/credits.ts). */
  payments: defineTable({
    studentId: v.id("students"),
    /** Who pays (a parent, the élève, or staff recording it for them). */
    payerId: v.id("users"),
    productId: v.id("products"),
    productName: v.string(),
    credits: v.number(),
    amountCents: v.number(),
    method: vPaymentMethod,
    status: vPaymentStatus,
    /** Unique per payment: the Stripe Checkout session id, or « NXR-… » for cash/transfer. */
    externalId: v.string(),
    /** Stripe Checkout URL while pending. */
    checkoutUrl: v.optional(v.string()),
    confirmedBy: v.optional(v.id("users")),
    failureReason: v.optional(v.string()),
    /** Stripe: the PaymentIntent of the paid Checkout session (refunds name it). */
    providerPaymentId: v.optional(v.string()),
    /** Refunded (money returned): when, by what, and the credits that could not be taken back. */
    refundedAt: v.optional(v.number()),
    refundSource: v.optional(v.string()),
    refundShortfall: v.optional(v.number()),
    createdAt: v.number(),
    updatedAt: v.number(),
    paidAt: v.optional(v.number()),
  })
    // idempotent crediting (webhook replays, double confirmation)
    .index("by_externalId", ["externalId"])
    // the assistante's list of payments to confirm
    .index("by_status_and_createdAt", ["status", "createdAt"])
    // a family's payments
    .index("by_studentId_and_createdAt", ["studentId", "createdAt"])
    // Stripe refunds name the PaymentIntent
    .index("by_providerPaymentId", ["providerPaymentId"]),

  /** A coach's weekly windows, in Paris wall-clock time. */
  availabilities: defineTable({
    coachId: v.id("users"),
    weekday: v.number(),
    startMinute: v.number(),
    endMinute: v.number(),
    createdAt: v.number(),
  }).index("by_coachId_and_weekday", ["coachId", "weekday"]),

  /**
   * The subjects a coach teaches (the coach declares them on /coach/agenda). Booking offers
   * « any coach of the subject » from here when SESSION_ANY_COACH allows it; an assigned coach
   * who declared none is offered for every subject.
   */
  coachSubjects: defineTable({
    coachId: v.id("users"),
    subject: vSubject,
    createdAt: v.number(),
  })
    // a coach's subjects
    .index("by_coachId", ["coachId"])
    // the coaches of a subject (booking with any coach)
    .index("by_subject", ["subject"]),

  /** Holidays and other absences: no slot is offered inside. */
  availabilityExceptions: defineTable({
    coachId: v.id("users"),
    startsAt: v.number(),
    endsAt: v.number(),
    reason: v.string(),
    createdAt: v.number(),
  }).index("by_coachId_and_startsAt", ["coachId", "startsAt"]),

  coachingSessions: defineTable({
    studentId: v.id("students"),
    coachId: v.id("users"),
    subject: vSubject,
    startsAt: v.number(),
    endsAt: v.number(),
    durationMinutes: v.number(),
    credits: v.number(),
    status: vSessionStatus,
    bookedBy: v.id("users"),
    /** Visio room name (unguessable); the link is built from VISIO_BASE_URL. */
    room: v.string(),
    cancelledBy: v.optional(vCancelledBy),
    cancelledAt: v.optional(v.number()),
    refunded: v.optional(v.boolean()),
    /** Set by each reschedule: the previous start. */
    rescheduledFrom: v.optional(v.number()),
    /** How many times the session moved (the .ics SEQUENCE). */
    moves: v.optional(v.number()),
    notes: v.optional(v.string()),
    notesAt: v.optional(v.number()),
    /** Pending reminder jobs (cancelled with the session or on reschedule). */
    reminderJobIds: v.array(v.id("jobs")),
    createdAt: v.number(),
    updatedAt: v.number(),
  })
    // coach conflicts, agenda
    .index("by_coachId_and_startsAt", ["coachId", "startsAt"])
    // student conflicts, « mes séances »
    .index("by_studentId_and_startsAt", ["studentId", "startsAt"])
    // the centre's sessions, orphan checks
    .index("by_startsAt", ["startsAt"]),

  /** The latest consistency report written by the cron (the CLI runs the check live). */
  consistencyReports: defineTable({
    at: v.number(),
    ok: v.boolean(),
    walletsChecked: v.number(),
    problems: v.array(v.object({ kind: v.string(), message: v.string(), ref: v.string() })),
    truncated: v.boolean(),
  }).index("by_at", ["at"]),
};
