// Property test: 5 000 random sequences of buy (with replayed confirmations), book, cancel (by
// the family or the coach, at any notice), reschedule, adjust, expire, a subscription month
// (credited by the monthly run, possibly twice), the expiry run and a payment refund (possibly
// replayed), through the real model functions against convex-test's database. After every
// sequence: no negative balance, balance = sum of the ledger with each balanceAfter following
// the previous one, exactly one debit per session (plus one refund when refunded), at most one
// subscription entry per wallet and month and one payment_refund per payment, no two live
// sessions of a coach or of a student overlapping. Operations the rules refuse (short balance,
// taken slot, bad timing) throw before writing anything and are skipped, as a refused mutation
// is.
import { ConvexError } from "convex/values";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Id } from "./_generated/dataModel";
import type { MutationCtx } from "./_generated/server";
import { futureMonday, insertProduct, PACK } from "./coaching.fixtures";
import { createPayment, markPaid, refundPayment } from "./model/payments";
import { bookSession, cancelSession, rescheduleSession } from "./model/sessions";
import { creditSubscriptionMonth, expireWallet } from "./model/subscriptions";
import { getWallet, postEntry } from "./model/wallets";
import { makeConvexTest } from "./test.setup";

const H = 3_600_000;
const SLOT = 30 * 60_000;

type Op =
  | { op: "buy"; s: number; replay: boolean }
  | { op: "book"; s: number; c: number; slot: number; minutes: 30 | 60 | 90 | 120 }
  | { op: "cancel"; k: number; byCoach: boolean; hoursBefore: number }
  | { op: "reschedule"; k: number; slot: number }
  | { op: "adjust"; s: number; amount: number }
  | { op: "expire"; s: number; amount: number }
  | { op: "month"; s: number; period: number }
  | { op: "expireRun"; s: number; late: boolean }
  | { op: "refundPay"; k: number; replay: boolean };

const student = fc.integer({ min: 0, max: 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("buy" as const), s: student, replay: fc.boolean() }),
  fc.record({
    op: fc.constant("book" as const),
    s: student,
    c: fc.integer({ min: 0, max: 1 }),
    slot: fc.integer({ min: 0, max: 12 }),
    minutes: fc.constantFrom(30 as const, 60 as const, 90 as const, 120 as const),
  }),
  fc.record({
    op: fc.constant("cancel" as const),
    k: fc.nat(20),
    byCoach: fc.boolean(),
    hoursBefore: fc.integer({ min: 0, max: 48 }),
  }),
  fc.record({
    op: fc.constant("reschedule" as const),
    k: fc.nat(20),
    slot: fc.integer({ min: 0, max: 12 }),
  }),
  fc.record({
    op: fc.constant("adjust" as const),
    s: student,
    amount: fc.integer({ min: -6, max: 6 }),
  }),
  fc.record({
    op: fc.constant("expire" as const),
    s: student,
    amount: fc.integer({ min: 1, max: 6 }),
  }),
  fc.record({
    op: fc.constant("month" as const),
    s: student,
    period: fc.integer({ min: 0, max: 2 }),
  }),
  fc.record({ op: fc.constant("expireRun" as const), s: student, late: fc.boolean() }),
  fc.record({ op: fc.constant("refundPay" as const), k: fc.nat(10), replay: fc.boolean() }),
);

const REFUSED = new Set(["INVALID_STATE", "INVALID_ARGUMENT", "CONFLICT"]);

async function run(ctx: MutationCtx, ops: Op[], productId: Id<"products">, seq: number) {
  const now = Date.now();
  const monday = futureMonday(now);
  const user = (email: string, role: "coach" | "parent") =>
    ctx.db.insert("users", {
      tokenIdentifier: `prop|${seq}|${email}`,
      email,
      name: email,
      role,
      createdAt: now,
      lastSeenAt: now,
    });
  const parent = await user("parent", "parent");
  const coaches = [await user("c0", "coach"), await user("c1", "coach")];
  const students: Id<"students">[] = [];
  for (const firstName of ["A", "B"]) {
    const id = await ctx.db.insert("students", {
      firstName,
      lastName: `S${seq}`,
      niveau: "premiere",
      statut: "scolarise",
      specialites: [],
      createdAt: now,
      updatedAt: now,
    });
    students.push(id);
    for (const coachId of coaches)
      await ctx.db.insert("coachAssignments", { coachId, studentId: id, createdAt: now });
  }
  for (const coachId of coaches) {
    await ctx.db.insert("availabilities", {
      coachId,
      weekday: 1,
      startMinute: 8 * 60,
      endMinute: 22 * 60,
      createdAt: now,
    });
  }
  const sessions: Id<"coachingSessions">[] = [];
  const paid: Id<"payments">[] = [];
  const product = (await ctx.db.get(productId))!;
  for (const op of ops) {
    try {
      switch (op.op) {
        case "buy": {
          const id = await createPayment(ctx, {
            studentId: students[op.s]!,
            payerId: parent,
            product,
            method: "cash",
            status: "pending",
          });
          const ext = (await ctx.db.get(id))!.externalId;
          await markPaid(ctx, ext, { source: "prop" });
          if (op.replay) await markPaid(ctx, ext, { source: "replay" });
          paid.push(id);
          break;
        }
        case "book": {
          const { sessionId } = await bookSession(ctx, {
            studentId: students[op.s]!,
            coachId: coaches[op.c]!,
            subject: "maths",
            startsAt: monday + op.slot * SLOT,
            durationMinutes: op.minutes,
            bookedBy: parent,
            now,
          });
          sessions.push(sessionId);
          break;
        }
        case "cancel":
        case "reschedule": {
          if (sessions.length === 0) break;
          const session = (await ctx.db.get(sessions[op.k % sessions.length]!))!;
          if (op.op === "cancel") {
            await cancelSession(
              ctx,
              session,
              {
                kind: op.byCoach ? "coach" : "family",
                userId: op.byCoach ? session.coachId : parent,
              },
              session.startsAt - op.hoursBefore * H,
            );
          } else {
            await rescheduleSession(
              ctx,
              session,
              monday + op.slot * SLOT,
              { kind: "staff", userId: parent },
              now,
            );
          }
          break;
        }
        case "adjust":
          await postEntry(ctx, students[op.s]!, {
            kind: "adjustment",
            amount: op.amount,
            reason: "Propriété testée",
          });
          break;
        case "expire":
          await postEntry(ctx, students[op.s]!, { kind: "expiry", amount: -op.amount });
          break;
        case "month": {
          const studentId = students[op.s]!;
          let sub = await ctx.db
            .query("subscriptions")
            .withIndex("by_studentId", (q) => q.eq("studentId", studentId))
            .unique();
          if (!sub) {
            const paymentId = await createPayment(ctx, {
              studentId,
              payerId: parent,
              product,
              method: "cash",
              status: "pending",
            });
            const id = await ctx.db.insert("subscriptions", {
              studentId,
              productId,
              productName: "Abonnement",
              creditsPerMonth: 3,
              status: "active",
              paymentId,
              startedAt: now,
              createdAt: now,
              updatedAt: now,
            });
            sub = (await ctx.db.get(id))!;
          }
          await creditSubscriptionMonth(ctx, sub, `2030-0${op.period + 1}`);
          break;
        }
        case "refundPay": {
          // a refunded payment (webhook or staff): credits back once, never below zero
          if (paid.length === 0) break;
          const id = paid[op.k % paid.length]!;
          await refundPayment(ctx, (await ctx.db.get(id))!, { source: "prop" });
          if (op.replay) await refundPayment(ctx, (await ctx.db.get(id))!, { source: "replay" });
          break;
        }
        case "expireRun": {
          const wallet = await getWallet(ctx, students[op.s]!);
          // late: past every credit's validity; otherwise nothing is old enough
          if (wallet) await expireWallet(ctx, wallet, now + (op.late ? 400 * 24 * H : 0));
          break;
        }
      }
    } catch (error) {
      const code =
        error instanceof ConvexError ? (error.data as { code?: string }).code : undefined;
      if (!code || !REFUSED.has(code)) throw error;
    }
  }
  return { students, coaches };
}

async function invariants(ctx: MutationCtx, students: Id<"students">[], coaches: Id<"users">[]) {
  for (const studentId of students) {
    const wallet = await ctx.db
      .query("wallets")
      .withIndex("by_studentId", (q) => q.eq("studentId", studentId))
      .unique();
    const entries = await ctx.db
      .query("walletEntries")
      .withIndex("by_studentId_and_at", (q) => q.eq("studentId", studentId))
      .collect();
    let running = 0;
    for (const e of entries) {
      running += e.amount;
      expect(e.balanceAfter).toBe(running);
      expect(running).toBeGreaterThanOrEqual(0);
    }
    expect(wallet?.balance ?? 0).toBe(running);
    const months = entries.filter((e) => e.kind === "subscription").map((e) => e.period);
    expect(new Set(months).size).toBe(months.length);
    const refunded = entries.filter((e) => e.kind === "payment_refund").map((e) => e.paymentId);
    expect(new Set(refunded).size).toBe(refunded.length);
  }
  const all = [];
  for (const coachId of coaches) {
    const rows = await ctx.db
      .query("coachingSessions")
      .withIndex("by_coachId_and_startsAt", (q) => q.eq("coachId", coachId))
      .collect();
    all.push(...rows);
  }
  for (const s of all) {
    const entries = await ctx.db
      .query("walletEntries")
      .withIndex("by_sessionId", (q) => q.eq("sessionId", s._id))
      .collect();
    expect(entries.filter((e) => e.kind === "booking").map((e) => e.amount)).toEqual([-s.credits]);
    const refunds = entries.filter((e) => e.kind === "refund").map((e) => e.amount);
    expect(refunds).toEqual(s.status === "cancelled" && s.refunded ? [s.credits] : []);
  }
  const live = all.filter((s) => s.status !== "cancelled");
  for (const a of live) {
    for (const b of live) {
      if (a._id === b._id || (a.coachId !== b.coachId && a.studentId !== b.studentId)) continue;
      expect(a.startsAt < b.endsAt && b.startsAt < a.endsAt).toBe(false);
    }
  }
}

describe("wallet invariants under random operation sequences", () => {
  it("hold for 5 000 sequences", async () => {
    let seq = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 12 }), async (ops) => {
        seq += 1;
        // a fresh deployment per sequence: convex-test scans tables, so they stay small
        const t = makeConvexTest();
        await t.run(async (ctx) => {
          const productId = await insertProduct(ctx, { ...PACK, credits: 4 });
          const { students, coaches } = await run(ctx, ops, productId, seq);
          await invariants(ctx, students, coaches);
        });
      }),
      { numRuns: 5_000, seed: 15 },
    );
  }, 600_000);
});
