// Test fixtures for credits, payments and sessions (two dots: never deployed). `coachingWorld`
// adds to a world from world.fixtures.ts: a pack in the catalogue, a wallet of 10 credits for
// each student (bought through a paid payment, so the ledger is consistent), a pending cash
// payment per family, the coaches' availability (Monday to Saturday, 9 h–20 h Paris) and one
// future session per student.
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import type { MutationCtx } from "./_generated/server";
import { consistencyParts } from "./model/consistency";
import { markPaid } from "./model/payments";
import { bookSession } from "./model/sessions";
import { as, type T, type World } from "./world.fixtures";

type Runner = { run: <R>(fn: (ctx: MutationCtx) => Promise<R>) => Promise<R> };

export interface CoachingWorld {
  productId: Id<"products">;
  ariaProductId: Id<"products">;
  pendingPayments: { own: Id<"payments">; foreign: Id<"payments"> };
  /** A one-hour session (2 credits) next Monday, booked by each family. */
  sessions: { own: Id<"coachingSessions">; foreign: Id<"coachingSessions"> };
}

export const PACK = {
  code: "pack-10",
  kind: "pack" as const,
  name: "Pack 10 crédits",
  description: "5 heures de coaching",
  credits: 10,
  priceCents: 25_000,
  active: true,
  sortOrder: 1,
};

/** Next Monday 10:00 UTC at least 3 days ahead (11 h or 12 h in Paris: inside the windows). */
export function futureMonday(now = Date.now()): number {
  const d = new Date(now + 3 * 86_400_000);
  d.setUTCHours(10, 0, 0, 0);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return d.getTime();
}

export async function insertProduct(ctx: MutationCtx, product = PACK) {
  const now = Date.now();
  return await ctx.db.insert("products", { ...product, createdAt: now, updatedAt: now });
}

export async function coachingWorld(c: Runner, w: World): Promise<CoachingWorld> {
  return await c.run(async (ctx) => {
    const existing = await ctx.db.query("products").first();
    const productId = existing?._id ?? (await insertProduct(ctx));
    const ariaProductId =
      (
        await ctx.db
          .query("products")
          .withIndex("by_code", (q) => q.eq("code", "aria-premium"))
          .unique()
      )?._id ??
      (await insertProduct(ctx, {
        ...PACK,
        code: "aria-premium",
        kind: "aria_premium" as never,
        name: "Option ARIA premium",
        credits: 0,
        priceCents: 990,
        sortOrder: 9,
      }));
    const now = Date.now();
    const pay = (studentId: Id<"students">, payerId: Id<"users">, status: "pending" | "paid") =>
      ctx.db.insert("payments", {
        studentId,
        payerId,
        productId,
        productName: PACK.name,
        credits: PACK.credits,
        amountCents: PACK.priceCents,
        method: "cash",
        status: status === "paid" ? "pending" : status,
        externalId: `NXR-${studentId}-${status}`,
        createdAt: now,
        updatedAt: now,
      });
    const paid = [
      await pay(w.students.own, w.users.parent, "paid"),
      await pay(w.students.foreign, w.users.foreignParent, "paid"),
    ];
    for (const id of paid) {
      const p = (await ctx.db.get(id))!;
      await markPaid(ctx, p.externalId, { source: "fixture" });
    }
    for (const coachId of [w.users.coach, w.users.foreignCoach]) {
      for (let weekday = 1; weekday <= 6; weekday++) {
        await ctx.db.insert("availabilities", {
          coachId,
          weekday,
          startMinute: 9 * 60,
          endMinute: 20 * 60,
          createdAt: now,
        });
      }
    }
    for (const coachId of [w.users.coach, w.users.foreignCoach]) {
      for (let weekday = 1; weekday <= 6; weekday++) {
        await ctx.db.insert("availabilities", {
          coachId,
          weekday,
          startMinute: 9 * 60,
          endMinute: 20 * 60,
          createdAt: now,
        });
      }
    }
    const start = futureMonday(now);
    const book = async (studentId: Id<"students">, coachId: Id<"users">, by: Id<"users">) =>
      (
        await bookSession(ctx, {
          studentId,
          coachId,
          subject: "maths",
          startsAt: start,
          durationMinutes: 60,
          bookedBy: by,
          now,
        })
      ).sessionId;
    return {
      sessions: {
        own: await book(w.students.own, w.users.coach, w.users.parent),
        foreign: await book(w.students.foreign, w.users.foreignCoach, w.users.foreignParent),
      },
      productId,
      ariaProductId,
      pendingPayments: {
        own: await pay(w.students.own, w.users.parent, "pending"),
        foreign: await pay(w.students.foreign, w.users.foreignParent, "pending"),
      },
    };
  });
}

/** Every part of the consistency check, walked to the end as the CLI does. */
export async function fullConsistencyCheck(t: T) {
  const problems: { kind: string; message: string }[] = [];
  for (const part of consistencyParts) {
    let cursor: string | null = null;
    for (;;) {
      const page: {
        problems: { kind: string; message: string }[];
        isDone: boolean;
        continueCursor: string;
      } = await as(t, "assistante").query(api.consistency.checkPage, { part, cursor });
      problems.push(...page.problems);
      if (page.isDone) break;
      cursor = page.continueCursor;
    }
  }
  return problems;
}

/** Another élève of the student's coach, with `credits` on their wallet (an admin adjustment). */
export async function studentOfCoach(
  t: T,
  w: World,
  options: { firstName?: string; specialites?: string[]; credits?: number } = {},
) {
  const { firstName = "Chloé", specialites = [], credits = 0 } = options;
  const id = await t.run(async (ctx) => {
    const studentId = await ctx.db.insert("students", {
      firstName,
      lastName: "Test",
      niveau: "terminale",
      statut: "scolarise",
      specialites,
      createdAt: 0,
      updatedAt: 0,
    });
    await ctx.db.insert("coachAssignments", {
      coachId: w.users.coach,
      studentId,
      createdAt: 0,
    });
    return studentId;
  });
  if (credits > 0) {
    await as(t, "admin").mutation(api.credits.adjust, {
      studentId: id,
      amount: credits,
      reason: "Crédits offerts pour le test",
    });
  }
  return id;
}
