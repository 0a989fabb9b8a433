// Demo data of issue 15 (called by seed:run after the people): the catalogue, the coaches'
// subjects, availability and an absence, and for each followed student a wallet with history —
// a paid pack, a past session held with notes, a no-show, a future booking, a cancellation
// refunded — plus payments in every state. Idempotent: nothing is written once products exist. Every
// credit change goes through postEntry, so the consistency check finds nothing.
import type { Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { createPayment, markPaid } from "./payments";
import { bookSession, newRoomName } from "./sessions";
import { postEntry } from "./wallets";

const DAY = 86_400_000;
const H = 3_600_000;

export const DEMO_PRODUCTS = [
  {
    code: "pack-4",
    kind: "pack",
    name: "Pack découverte",
    description: "4 crédits : 2 heures de coaching",
    credits: 4,
    priceCents: 10_000,
    sortOrder: 1,
  },
  {
    code: "pack-10",
    kind: "pack",
    name: "Pack 10 crédits",
    description: "5 heures de coaching",
    credits: 10,
    priceCents: 24_000,
    sortOrder: 2,
  },
  {
    code: "pack-20",
    kind: "pack",
    name: "Pack 20 crédits",
    description: "10 heures de coaching, le plus avantageux",
    credits: 20,
    priceCents: 46_000,
    sortOrder: 3,
  },
  {
    code: "abonnement-8",
    kind: "subscription",
    name: "Abonnement mensuel",
    description: "8 crédits chaque mois (4 heures)",
    credits: 8,
    priceCents: 18_000,
    sortOrder: 4,
  },
  {
    code: "aria-premium",
    kind: "aria_premium",
    name: "Option ARIA premium",
    description: "L’assistant ARIA sans limite quotidienne, un mois",
    credits: 0,
    priceCents: 990,
    sortOrder: 9,
  },
] as const;

export async function seedCoaching(ctx: MutationCtx, now: number): Promise<{ created: boolean }> {
  if (await ctx.db.query("products").first()) return { created: false };
  const products: Record<string, Id<"products">> = {};
  for (const p of DEMO_PRODUCTS) {
    products[p.code] = await ctx.db.insert("products", {
      ...p,
      active: true,
      createdAt: now,
      updatedAt: now,
    });
  }
  const coaches = await ctx.db
    .query("users")
    .withIndex("by_role", (q) => q.eq("role", "coach"))
    .take(10);
  for (const [i, coach] of coaches.entries()) {
    // every coach teaches mathematics, and NSI or physique-chimie (« any coach » booking)
    for (const subject of ["maths", i % 2 ? "nsi" : "physique-chimie"] as const) {
      await ctx.db.insert("coachSubjects", { coachId: coach._id, subject, createdAt: now });
    }
    for (let weekday = 1; weekday <= 5; weekday++) {
      await ctx.db.insert("availabilities", {
        coachId: coach._id,
        weekday,
        startMinute: 16 * 60,
        endMinute: 20 * 60,
        createdAt: now,
      });
    }
    await ctx.db.insert("availabilities", {
      coachId: coach._id,
      weekday: 6,
      startMinute: 9 * 60,
      endMinute: 13 * 60,
      createdAt: now,
    });
    if (i === 1) {
      await ctx.db.insert("availabilityExceptions", {
        coachId: coach._id,
        startsAt: now + 20 * DAY,
        endsAt: now + 27 * DAY,
        reason: "Vacances",
        createdAt: now,
      });
    }
  }
  const assignments = await ctx.db.query("coachAssignments").take(20);
  for (const [n, a] of assignments.entries()) {
    const parent = await ctx.db
      .query("guardianships")
      .withIndex("by_studentId", (q) => q.eq("studentId", a.studentId))
      .first();
    const student = await ctx.db.get(a.studentId);
    const payerId = parent?.parentId ?? student?.userId;
    if (!payerId) continue;
    const pack = (await ctx.db.get(products["pack-10"]!))!;
    const paid = await createPayment(ctx, {
      studentId: a.studentId,
      payerId,
      product: pack,
      method: n % 2 ? "transfer" : "cash",
      status: "pending",
    });
    await markPaid(ctx, (await ctx.db.get(paid))!.externalId, { source: "seed" });
    // past sessions (held with notes, then a no-show) and a refunded cancellation
    const session = async (
      startsAt: number,
      status: "completed" | "no_show" | "booked" | "cancelled",
      notes?: string,
    ) => {
      const id = await ctx.db.insert("coachingSessions", {
        studentId: a.studentId,
        coachId: a.coachId,
        subject: "maths",
        startsAt,
        endsAt: startsAt + H,
        durationMinutes: 60,
        credits: 2,
        status,
        bookedBy: payerId,
        room: newRoomName(),
        reminderJobIds: [],
        ...(notes ? { notes, notesAt: startsAt + H } : {}),
        ...(status === "cancelled"
          ? { cancelledBy: "family" as const, cancelledAt: startsAt - 3 * DAY, refunded: true }
          : {}),
        createdAt: startsAt - 7 * DAY,
        updatedAt: startsAt,
      });
      await postEntry(ctx, a.studentId, {
        kind: "booking",
        amount: -2,
        sessionId: id,
        actorId: payerId,
      });
      if (status === "cancelled")
        await postEntry(ctx, a.studentId, {
          kind: "refund",
          amount: 2,
          sessionId: id,
          actorId: payerId,
        });
    };
    const at17 = (daysFromNow: number) => {
      const d = new Date(now + daysFromNow * DAY);
      d.setUTCHours(16, 0, 0, 0);
      return d.getTime();
    };
    await session(
      at17(-14 - n),
      "completed",
      "Dérivées et variations revues ; exercices 12 à 15 pour la prochaine fois.",
    );
    await session(at17(-7 - n), "no_show"); // one day apart per student: never two at once
    await session(at17(-3 - n), "cancelled");
    // a future booking (first free weekday at 17 h UTC, 18 h or 19 h in Paris), with its
    // reminder jobs and confirmation e-mail like any booking
    for (let d = 3 + n; d < 14 + n; d++) {
      const startsAt = at17(d) + H;
      const weekday = new Date(startsAt).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      try {
        await bookSession(ctx, {
          studentId: a.studentId,
          coachId: a.coachId,
          subject: "maths",
          startsAt,
          durationMinutes: 60,
          bookedBy: payerId,
          now,
        });
      } catch {
        continue; // the coach is taken at that time (another seeded student): next day
      }
      break;
    }
    if (n === 0) {
      await postEntry(ctx, a.studentId, {
        kind: "adjustment",
        amount: 1,
        reason: "Geste commercial : séance écourtée",
        actorId: payerId,
      });
      const pending = await createPayment(ctx, {
        studentId: a.studentId,
        payerId,
        product: (await ctx.db.get(products["pack-4"]!))!,
        method: "transfer",
        status: "pending",
      });
      void pending;
      const failed = await createPayment(ctx, {
        studentId: a.studentId,
        payerId,
        product: pack,
        method: "stripe",
        status: "created",
      });
      await ctx.db.patch(failed, { status: "failed", failureReason: "Carte refusée" });
      const cancelled = await createPayment(ctx, {
        studentId: a.studentId,
        payerId,
        product: pack,
        method: "cash",
        status: "pending",
      });
      await ctx.db.patch(cancelled, { status: "cancelled" });
      await createPayment(ctx, {
        studentId: a.studentId,
        payerId,
        product: pack,
        method: "stripe",
        status: "created",
      });
    }
  }
  return { created: true };
}
