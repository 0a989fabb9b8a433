// Public functions of the catalogue and the wallets. Reading a wallet follows the student read
// rules (staff, the student's coach, parents, the élève); adjustments are staff-only, need a
// reason and are audited; the catalogue is edited by the admin. Crons: monthly subscription
// credits and credit expiry (model/subscriptions.ts), in batches, both idempotent.
import { parisMonth } from "@nexus/shared/coaching-time";
import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import { internal } from "./_generated/api";
import { internalMutation } from "./_generated/server";
import { appError } from "./lib/errors";
import { userMutation, userQuery } from "./lib/functions";
import { requireAnyRole, requireReadableStudent, requireRole, requireStaff } from "./model/access";
import { audit } from "./model/audit";
import {
  creditSubscriptionMonth,
  expireWallet,
  stopSubscription as stop,
  subscriptionOf,
} from "./model/subscriptions";
import { getWallet, postEntry, walletHistory } from "./model/wallets";
import { vLedgerKind, vProductKind, vSubscriptionStatus } from "./tables/coaching";

const vProduct = v.object({
  _id: v.id("products"),
  code: v.string(),
  kind: vProductKind,
  name: v.string(),
  description: v.string(),
  credits: v.number(),
  priceCents: v.number(),
  active: v.boolean(),
});

/** The shop: active products in catalogue order. */
export const catalog = userQuery({
  args: {},
  returns: v.array(vProduct),
  handler: async (ctx) => {
    requireAnyRole(ctx.user);
    const rows = await ctx.db
      .query("products")
      .withIndex("by_active_and_sortOrder", (q) => q.eq("active", true))
      .take(50);
    return rows.map(({ _id, code, kind, name, description, credits, priceCents, active }) => ({
      _id,
      code,
      kind,
      name,
      description,
      credits,
      priceCents,
      active,
    }));
  },
});

/** Admin: create or update a product by code (prices in euro cents). */
export const saveProduct = userMutation({
  args: {
    code: v.string(),
    kind: vProductKind,
    name: v.string(),
    description: v.string(),
    credits: v.number(),
    priceCents: v.number(),
    active: v.boolean(),
    sortOrder: v.number(),
  },
  returns: v.id("products"),
  handler: async (ctx, args) => {
    requireRole(ctx.user, ["admin"]);
    if (!/^[a-z0-9-]{2,40}$/.test(args.code)) {
      throw appError("INVALID_ARGUMENT", "Code d’offre invalide (minuscules, chiffres, tirets).");
    }
    if (!Number.isInteger(args.priceCents) || args.priceCents < 0) {
      throw appError("INVALID_ARGUMENT", "Le prix doit être un nombre entier de centimes.");
    }
    if (!Number.isInteger(args.credits) || args.credits < 0 || args.credits > 500) {
      throw appError("INVALID_ARGUMENT", "Le nombre de crédits doit être un entier de 0 à 500.");
    }
    if (!args.name.trim()) throw appError("INVALID_ARGUMENT", "Donnez un nom à l’offre.");
    const existing = await ctx.db
      .query("products")
      .withIndex("by_code", (q) => q.eq("code", args.code))
      .unique();
    const now = Date.now();
    let id = existing?._id;
    if (id) await ctx.db.patch(id, { ...args, updatedAt: now });
    else id = await ctx.db.insert("products", { ...args, createdAt: now, updatedAt: now });
    await audit(ctx, {
      actorKind: "user",
      actorId: ctx.user._id,
      action: "product.save",
      targetTable: "products",
      targetId: id,
      details: { priceCents: args.priceCents, credits: args.credits, active: args.active },
    });
    return id;
  },
});

const vEntry = v.object({
  _id: v.id("walletEntries"),
  kind: vLedgerKind,
  amount: v.number(),
  balanceAfter: v.number(),
  reason: v.optional(v.string()),
  sessionId: v.optional(v.id("coachingSessions")),
  paymentId: v.optional(v.id("payments")),
  period: v.optional(v.string()),
  at: v.number(),
});

/** A student's balance and latest entries (readers of the student). */
export const wallet = userQuery({
  args: { studentId: v.id("students") },
  returns: v.object({ balance: v.number(), entries: v.array(vEntry) }),
  handler: async (ctx, { studentId }) => {
    requireAnyRole(ctx.user);
    await requireReadableStudent(ctx, ctx.user, studentId);
    const wallet = await getWallet(ctx, studentId);
    if (!wallet) return { balance: 0, entries: [] };
    const entries = await walletHistory(ctx, wallet._id, 100);
    return {
      balance: wallet.balance,
      entries: entries.map((e) => ({
        _id: e._id,
        kind: e.kind,
        amount: e.amount,
        balanceAfter: e.balanceAfter,
        reason: e.reason,
        sessionId: e.sessionId,
        paymentId: e.paymentId,
        period: e.period,
        at: e.at,
      })),
    };
  },
});

/** Staff: every wallet with its student's name (paginated). */
export const listWallets = userQuery({
  args: { paginationOpts: paginationOptsValidator },
  returns: v.object({
    page: v.array(
      v.object({
        walletId: v.id("wallets"),
        studentId: v.id("students"),
        studentName: v.string(),
        balance: v.number(),
        updatedAt: v.number(),
      }),
    ),
    isDone: v.boolean(),
    continueCursor: v.string(),
  }),
  handler: async (ctx, { paginationOpts }) => {
    requireStaff(ctx.user);
    const result = await ctx.db
      .query("wallets")
      .paginate({ ...paginationOpts, numItems: Math.min(paginationOpts.numItems, 100) });
    const page = [];
    for (const w of result.page) {
      const student = await ctx.db.get(w.studentId);
      page.push({
        walletId: w._id,
        studentId: w.studentId,
        studentName: student ? `${student.firstName} ${student.lastName}` : "Élève supprimé",
        balance: w.balance,
        updatedAt: w.updatedAt,
      });
    }
    return { page, isDone: result.isDone, continueCursor: result.continueCursor };
  },
});

/** Staff: a manual adjustment (either sign) with its reason; audited. */
export const adjust = userMutation({
  args: { studentId: v.id("students"), amount: v.number(), reason: v.string() },
  returns: v.object({ balance: v.number() }),
  handler: async (ctx, { studentId, amount, reason }) => {
    requireStaff(ctx.user);
    await requireReadableStudent(ctx, ctx.user, studentId);
    if (Math.abs(amount) > 500) {
      throw appError("INVALID_ARGUMENT", "Un ajustement dépasse rarement 500 crédits : vérifiez.");
    }
    const { entryId, balance } = await postEntry(ctx, studentId, {
      kind: "adjustment",
      amount,
      reason,
      actorId: ctx.user._id,
    });
    await audit(ctx, {
      actorKind: "user",
      actorId: ctx.user._id,
      action: "wallet.adjust",
      targetTable: "walletEntries",
      targetId: entryId,
      details: { studentId, amount, reason: reason.trim(), balance },
    });
    return { balance };
  },
});

/** Staff: credits that expired (end of validity of a pack); never more than the balance. */
export const expire = userMutation({
  args: { studentId: v.id("students"), amount: v.number() },
  returns: v.object({ balance: v.number() }),
  handler: async (ctx, { studentId, amount }) => {
    requireStaff(ctx.user);
    await requireReadableStudent(ctx, ctx.user, studentId);
    const { entryId, balance } = await postEntry(ctx, studentId, {
      kind: "expiry",
      amount: -Math.abs(amount),
      actorId: ctx.user._id,
    });
    await audit(ctx, {
      actorKind: "user",
      actorId: ctx.user._id,
      action: "wallet.expire",
      targetTable: "walletEntries",
      targetId: entryId,
      details: { studentId, amount: Math.abs(amount), balance },
    });
    return { balance };
  },
});

/** A student's monthly subscription, if any (readers of the student). */
export const subscription = userQuery({
  args: { studentId: v.id("students") },
  returns: v.union(
    v.null(),
    v.object({
      productName: v.string(),
      creditsPerMonth: v.number(),
      status: vSubscriptionStatus,
      startedAt: v.number(),
      stoppedAt: v.optional(v.number()),
    }),
  ),
  handler: async (ctx, { studentId }) => {
    requireAnyRole(ctx.user);
    await requireReadableStudent(ctx, ctx.user, studentId);
    const sub = await subscriptionOf(ctx, studentId);
    if (!sub) return null;
    return {
      productName: sub.productName,
      creditsPerMonth: sub.creditsPerMonth,
      status: sub.status,
      startedAt: sub.startedAt,
      stoppedAt: sub.stoppedAt,
    };
  },
});

/** Staff: stop a subscription (no more monthly credits; the credits already added stay). */
export const stopSubscription = userMutation({
  args: { studentId: v.id("students") },
  returns: v.null(),
  handler: async (ctx, { studentId }) => {
    requireStaff(ctx.user);
    await requireReadableStudent(ctx, ctx.user, studentId);
    const sub = await subscriptionOf(ctx, studentId);
    if (!sub) throw appError("NOT_FOUND", "Cet élève n’a pas d’abonnement.");
    await stop(ctx, sub, ctx.user._id, Date.now());
    return null;
  },
});

const SUBSCRIPTION_BATCH = 50;
const EXPIRY_BATCH = 5;

/**
 * Cron (daily): credits every active subscription for the current Paris month, once per wallet
 * and month; batches chain themselves with the same month.
 */
export const creditSubscriptions = internalMutation({
  args: { period: v.optional(v.string()), cursor: v.optional(v.union(v.string(), v.null())) },
  returns: v.object({ credited: v.number(), isDone: v.boolean() }),
  handler: async (ctx, { period, cursor }) => {
    const month = period ?? parisMonth(Date.now());
    const page = await ctx.db
      .query("subscriptions")
      .withIndex("by_status", (q) => q.eq("status", "active"))
      .paginate({ numItems: SUBSCRIPTION_BATCH, cursor: cursor ?? null });
    let credited = 0;
    for (const sub of page.page) {
      if ((await creditSubscriptionMonth(ctx, sub, month)).credited) credited += 1;
    }
    if (!page.isDone) {
      await ctx.scheduler.runAfter(0, internal.credits.creditSubscriptions, {
        period: month,
        cursor: page.continueCursor,
      });
    }
    return { credited, isDone: page.isDone };
  },
});

/** Cron (daily): expires the credits older than CREDIT_VALIDITY_DAYS, wallet by wallet. */
export const expireCredits = internalMutation({
  args: { now: v.optional(v.number()), cursor: v.optional(v.union(v.string(), v.null())) },
  returns: v.object({ expired: v.number(), isDone: v.boolean() }),
  handler: async (ctx, { now, cursor }) => {
    const at = now ?? Date.now();
    const page = await ctx.db
      .query("wallets")
      .paginate({ numItems: EXPIRY_BATCH, cursor: cursor ?? null });
    let expired = 0;
    for (const wallet of page.page) expired += await expireWallet(ctx, wallet, at);
    if (!page.isDone) {
      await ctx.scheduler.runAfter(0, internal.credits.expireCredits, {
        now: at,
        cursor: page.continueCursor,
      });
    }
    return { expired, isDone: page.isDone };
  },
});
