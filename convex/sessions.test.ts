// Booking, cancellation, reschedule and attendance (convex-test): every conflict, the last slot
// and the last credits under concurrency, the 24 h boundary, daylight-saving weeks, reminders.
import { afterEach, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { coachingWorld, futureMonday, studentOfCoach } from "./coaching.fixtures";
import { as, errorOf, freshWorld, outcomeOf, type T, type World } from "./world.fixtures";

const H = 3_600_000;
const DAY = 24 * H;

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

async function balance(t: T, studentId: Id<"students">) {
  return (await as(t, "admin").query(api.credits.wallet, { studentId })).balance;
}

function bookArgs(w: World, startsAt: number, durationMinutes: 30 | 60 | 90 | 120 = 60) {
  return {
    studentId: w.students.own,
    coachId: w.users.coach,
    subject: "maths" as const,
    startsAt,
    durationMinutes,
  };
}

async function jobsOf(t: T, sessionId: Id<"coachingSessions">) {
  const jobs = await t.run((ctx) => ctx.db.query("jobs").collect());
  return jobs.filter((j) => (j.payload as { sessionId?: string }).sessionId === sessionId);
}

async function setup() {
  const { t, world } = await freshWorld();
  const coaching = await coachingWorld(t, world);
  const monday = futureMonday();
  return { t, world, coaching, monday };
}

describe("booking", () => {
  it("debits by duration, schedules the reminders and the confirmation, tells everyone", async () => {
    const { t, world, monday } = await setup();
    expect(await balance(t, world.students.own)).toBe(8);
    const before = await t.run(
      async (ctx) => (await ctx.db.query("notifications").collect()).length,
    );
    const { sessionId, balance: after } = await as(t, "parent").mutation(
      api.sessions.book,
      bookArgs(world, monday + DAY, 90),
    );
    expect(after).toBe(5);
    const jobs = await jobsOf(t, sessionId);
    const start = monday + DAY;
    expect(
      jobs.map((j) => [j.kind, j.runAt, (j.payload as { lead?: string }).lead]).sort(),
    ).toEqual(
      [
        ["session.confirm", expect.any(Number), undefined],
        ["session.remind", start - 24 * H, "24h"],
        ["session.remind", start - H, "1h"],
      ].sort(),
    );
    const notes = await t.run((ctx) => ctx.db.query("notifications").collect());
    expect(
      notes
        .slice(before)
        .filter((n) => n.kind === "session")
        .map((n) => n.userId)
        .sort(),
    ).toEqual([world.users.coach, world.users.eleve, world.users.parent].sort());
    const [mine] = await as(t, "eleve").query(api.sessions.forStudent, {
      studentId: world.students.own,
    });
    expect(mine!.joinUrl).toMatch(/^https:\/\/meet\.jit\.si\/nexus-[0-9a-f]{32}#/);
    expect(mine!.host).toBe(false);
    const agenda = await as(t, "coach").query(api.sessions.agenda, {
      from: monday,
      to: monday + 7 * DAY,
    });
    const coachView = agenda.find((s) => s._id === sessionId)!;
    expect(coachView.host).toBe(true);
    // the same room, with the coach's name
    expect(coachView.joinUrl.split("#")[0]).toBe(mine!.joinUrl.split("#")[0]);
    expect(decodeURIComponent(coachView.joinUrl)).toContain('"coach"');
  });

  it("refuses every conflict with a French reason", async () => {
    const { t, world, coaching, monday } = await setup();
    const parent = as(t, "parent");
    const existing = await t.run(async (ctx) => (await ctx.db.get(coaching.sessions.own))!);
    // the coach is busy (another student of the same coach)
    const other = await t.run(async (ctx) => {
      const id = await ctx.db.insert("students", {
        firstName: "Chloé",
        lastName: "Test",
        niveau: "terminale",
        statut: "scolarise",
        specialites: [],
        createdAt: 0,
        updatedAt: 0,
      });
      await ctx.db.insert("coachAssignments", {
        coachId: world.users.coach,
        studentId: id,
        createdAt: 0,
      });
      await ctx.db.insert("coachAssignments", {
        coachId: world.users.spareCoach,
        studentId: world.students.own,
        createdAt: 0,
      });
      await ctx.db.insert("availabilities", {
        coachId: world.users.spareCoach,
        weekday: 1,
        startMinute: 8 * 60,
        endMinute: 21 * 60,
        createdAt: 0,
      });
      return id;
    });
    const staff = as(t, "assistante");
    await staff.mutation(api.credits.adjust, {
      studentId: other,
      amount: 10,
      reason: "Crédits offerts pour le test",
    });
    const coachBusy = await errorOf(
      staff.mutation(api.sessions.book, {
        ...bookArgs(world, existing.startsAt + 30 * 60_000),
        studentId: other,
      }),
    );
    expect(coachBusy).toMatchObject({ code: "CONFLICT" });
    expect(coachBusy.message).toMatch(/vient d’être réservé/);
    // the student is busy (another coach at the same time)
    const studentBusy = await errorOf(
      parent.mutation(api.sessions.book, {
        ...bookArgs(world, existing.startsAt - 30 * 60_000),
        coachId: world.users.spareCoach,
      }),
    );
    expect(studentBusy.message).toMatch(/L’élève a déjà une séance/);
    // outside the weekly windows (Sunday) and inside an absence
    expect(
      (await errorOf(parent.mutation(api.sessions.book, bookArgs(world, monday - DAY)))).message,
    ).toMatch(/en dehors des disponibilités/);
    await as(t, "coach").mutation(api.availability.addAbsence, {
      startsAt: monday + 2 * DAY - 2 * H,
      endsAt: monday + 2 * DAY + 2 * H,
      reason: "Formation",
    });
    expect(
      (await errorOf(parent.mutation(api.sessions.book, bookArgs(world, monday + 2 * DAY))))
        .message,
    ).toMatch(/coach est absent/);
    // too soon, a coach who does not follow the student, a bad duration
    expect(
      (await errorOf(parent.mutation(api.sessions.book, bookArgs(world, Date.now() + H)))).message,
    ).toMatch(/moins de deux heures/);
    expect(
      (
        await errorOf(
          parent.mutation(api.sessions.book, {
            ...bookArgs(world, monday + DAY),
            coachId: world.users.foreignCoach,
          }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    // not enough credits: 8 left, 4 h × 2 = 8 credits in two bookings, then one more refused
    await parent.mutation(api.sessions.book, bookArgs(world, monday + DAY, 120));
    await parent.mutation(api.sessions.book, bookArgs(world, monday + 3 * DAY, 120));
    const short = await errorOf(
      parent.mutation(api.sessions.book, bookArgs(world, monday + 4 * DAY, 30)),
    );
    expect(short).toMatchObject({ code: "INVALID_STATE" });
    expect(short.message).toMatch(/Solde insuffisant : 0 crédit disponible/);
    expect(await balance(t, world.students.own)).toBe(0);
  });

  it("gives the last slot to one booking only", async () => {
    const { t, world, monday } = await setup();
    const slot = monday + DAY + 2 * H;
    const other = await studentOfCoach(t, world, { credits: 4 });
    const outcomes = await Promise.all([
      outcomeOf(as(t, "parent").mutation(api.sessions.book, bookArgs(world, slot))),
      outcomeOf(
        as(t, "assistante").mutation(api.sessions.book, {
          ...bookArgs(world, slot),
          studentId: other,
        }),
      ),
    ]);
    expect(outcomes.sort()).toEqual(["CONFLICT", "ok"]);
    const sessions = await t.run((ctx) =>
      ctx.db
        .query("coachingSessions")
        .withIndex("by_coachId_and_startsAt", (q) =>
          q.eq("coachId", world.users.coach).eq("startsAt", slot),
        )
        .collect(),
    );
    expect(sessions).toHaveLength(1);
  });

  it("gives the last credits to one booking only", async () => {
    const { t, world, monday } = await setup();
    await as(t, "admin").mutation(api.credits.adjust, {
      studentId: world.students.own,
      amount: -6,
      reason: "Ramener le solde à deux crédits",
    });
    const outcomes = await Promise.all([
      outcomeOf(as(t, "parent").mutation(api.sessions.book, bookArgs(world, monday + DAY))),
      outcomeOf(as(t, "eleve").mutation(api.sessions.book, bookArgs(world, monday + 2 * DAY))),
    ]);
    expect(outcomes.sort()).toEqual(["INVALID_STATE", "ok"]);
    expect(await balance(t, world.students.own)).toBe(0);
  });
});

describe("cancellation policy", () => {
  async function bookedAt(hoursBefore: number, extraMs = 0) {
    const ctx = await setup();
    const { sessionId } = await as(ctx.t, "parent").mutation(
      api.sessions.book,
      bookArgs(ctx.world, ctx.monday + DAY),
    );
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(ctx.monday + DAY - hoursBefore * H + extraMs);
    return { ...ctx, sessionId };
  }

  it("refunds the family at exactly 24 h before", async () => {
    const { t, world, sessionId } = await bookedAt(24);
    expect(await as(t, "parent").mutation(api.sessions.cancel, { sessionId })).toEqual({
      refunded: true,
    });
    expect(await balance(t, world.students.own)).toBe(8);
  });

  it("does not refund the family a millisecond later, and cancels the reminders", async () => {
    const { t, world, sessionId } = await bookedAt(24, 1);
    expect(await as(t, "eleve").mutation(api.sessions.cancel, { sessionId })).toEqual({
      refunded: false,
    });
    expect(await balance(t, world.students.own)).toBe(6);
    const reminders = (await jobsOf(t, sessionId)).filter((j) => j.kind === "session.remind");
    expect(reminders.map((j) => j.status)).toEqual(["cancelled", "cancelled"]);
  });

  it("always refunds when the coach cancels, even an hour before", async () => {
    const { t, world, sessionId } = await bookedAt(1);
    expect(await as(t, "coach").mutation(api.sessions.cancel, { sessionId })).toEqual({
      refunded: true,
    });
    expect(await balance(t, world.students.own)).toBe(8);
  });

  it("follows SESSION_CANCEL_NOTICE_HOURS", async () => {
    vi.stubEnv("SESSION_CANCEL_NOTICE_HOURS", "48");
    const { t, sessionId } = await bookedAt(30);
    expect(await as(t, "parent").mutation(api.sessions.cancel, { sessionId })).toEqual({
      refunded: false,
    });
  });
});

describe("reschedule and attendance", () => {
  it("moves a session with its single debit and its reminders", async () => {
    const { t, world, coaching, monday } = await setup();
    const sessionId = coaching.sessions.own;
    const target = monday + 2 * DAY + H;
    await as(t, "parent").mutation(api.sessions.reschedule, { sessionId, startsAt: target });
    await as(t, "parent").mutation(api.sessions.reschedule, { sessionId, startsAt: target + DAY });
    expect(await balance(t, world.students.own)).toBe(8);
    const entries = await t.run((ctx) =>
      ctx.db
        .query("walletEntries")
        .withIndex("by_sessionId", (q) => q.eq("sessionId", sessionId))
        .collect(),
    );
    expect(entries.map((e) => e.amount)).toEqual([-2]);
    const reminders = (await jobsOf(t, sessionId)).filter((j) => j.kind === "session.remind");
    expect(
      reminders
        .filter((j) => j.status === "pending")
        .map((j) => j.runAt)
        .sort(),
    ).toEqual([target + DAY - 24 * H, target + DAY - H]);
    expect(reminders.filter((j) => j.status === "cancelled")).toHaveLength(4);
  });

  it("records a no-show without refund, then notes the family reads", async () => {
    const { t, world, coaching } = await setup();
    const sessionId = coaching.sessions.own;
    expect(
      (
        await errorOf(
          as(t, "coach").mutation(api.sessions.recordOutcome, { sessionId, outcome: "no_show" }),
        )
      ).message,
    ).toMatch(/une fois la séance commencée/);
    const start = await t.run(async (ctx) => (await ctx.db.get(sessionId))!.startsAt);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(start + 10 * 60_000);
    await as(t, "coach").mutation(api.sessions.recordOutcome, { sessionId, outcome: "no_show" });
    await as(t, "coach").mutation(api.sessions.saveNotes, { sessionId, notes: "Élève absent." });
    expect((await errorOf(as(t, "parent").mutation(api.sessions.cancel, { sessionId }))).code).toBe(
      "INVALID_STATE",
    );
    const [seen] = await as(t, "parent").query(api.sessions.forStudent, {
      studentId: world.students.own,
    });
    expect(seen).toMatchObject({ status: "no_show", notes: "Élève absent." });
    expect(await balance(t, world.students.own)).toBe(8);
  });
});

describe("daylight saving", () => {
  it("keeps 17 h in Paris across the October change, in slots and in bookings", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.UTC(2026, 9, 19, 6)); // Monday 19 October 2026
    const { t, world } = await freshWorld();
    await coachingWorld(t, world);
    await as(t, "coach").mutation(api.availability.setWeekly, {
      windows: [{ weekday: 1, startMinute: 17 * 60, endMinute: 18 * 60 }],
    });
    const { slots } = await as(t, "parent").query(api.sessions.freeSlots, {
      studentId: world.students.own,
      coachId: world.users.coach,
      from: Date.now(),
      durationMinutes: 60,
    });
    expect(slots.map((s) => new Date(s).toISOString())).toEqual([
      "2026-10-19T15:00:00.000Z", // CEST, UTC+2
      "2026-10-26T16:00:00.000Z", // CET, UTC+1
    ]);
    // 17 h UTC on the 26th is 18 h in Paris: outside the window
    expect(
      (
        await errorOf(
          as(t, "parent").mutation(api.sessions.book, bookArgs(world, Date.UTC(2026, 9, 26, 17))),
        )
      ).message,
    ).toMatch(/en dehors des disponibilités/);
    const { sessionId } = await as(t, "parent").mutation(
      api.sessions.book,
      bookArgs(world, Date.UTC(2026, 9, 26, 16)),
    );
    const note = await t.run(async (ctx) =>
      (await ctx.db.query("notifications").collect()).find((n) => n.body.includes("17\u00a0h")),
    );
    expect(note!.body).toBe("Séance le lundi 26 octobre 2026 à 17\u00a0h (60 min).");
    // the 24 h reminder is 24 real hours before (Sunday 16 h UTC, 17 h in Paris after the change)
    const remind = (await jobsOf(t, sessionId)).find(
      (j) => (j.payload as { lead?: string }).lead === "24h",
    );
    expect(remind!.runAt).toBe(Date.UTC(2026, 9, 25, 16));
  });

  it("offers the March week with the hour moved", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.UTC(2027, 2, 22, 6)); // Monday 22 March 2027; clocks go forward on the 28th
    const { t, world } = await freshWorld();
    await coachingWorld(t, world);
    await as(t, "coach").mutation(api.availability.setWeekly, {
      windows: [{ weekday: 1, startMinute: 9 * 60, endMinute: 10 * 60 }],
    });
    const { slots } = await as(t, "eleve").query(api.sessions.freeSlots, {
      studentId: world.students.own,
      coachId: world.users.coach,
      from: Date.UTC(2027, 2, 23),
      durationMinutes: 60,
    });
    expect(slots.map((s) => new Date(s).toISOString())).toEqual([
      "2027-03-29T07:00:00.000Z",
      "2027-04-05T07:00:00.000Z",
    ]);
  });
});
