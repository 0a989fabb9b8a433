// Booking in a subject (convex-test): the subject picker's choices (the student's spécialités),
// the coach's declared subjects, and « any coach of the subject » when SESSION_ANY_COACH allows
// it — the calendar shows each slot's free coaches, the booking picks one free coach in the same
// transaction as the balance and conflict checks, and the chosen coach runs the session.
import { afterEach, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { coachingWorld, futureMonday, studentOfCoach } from "./coaching.fixtures";
import { as, errorOf, freshWorld, identityFor, outcomeOf, type T } from "./world.fixtures";

const H = 3_600_000;
const DAY = 24 * H;

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

const spare = (t: T) => t.withIdentity(identityFor("coach.libre@test.fr"));

/** A second student of the own coach (to make that coach busy), with credits. */
async function setup() {
  const { t, world } = await freshWorld();
  await coachingWorld(t, world);
  const monday = futureMonday();
  // the spare coach (not assigned to the student) is available Monday to Saturday, 9 h–20 h
  await as(t, "admin").mutation(api.availability.setWeekly, {
    coachId: world.users.spareCoach,
    windows: [1, 2, 3, 4, 5, 6].map((weekday) => ({
      weekday,
      startMinute: 9 * 60,
      endMinute: 20 * 60,
    })),
  });
  await spare(t).mutation(api.availability.setSubjects, { subjects: ["maths", "nsi"] });
  return { t, world, monday };
}

async function balance(t: T, studentId: Id<"students">) {
  return (await as(t, "admin").query(api.credits.wallet, { studentId })).balance;
}

describe("subject picker", () => {
  it("offers the student's spécialités and refuses another subject", async () => {
    const { t, world, monday } = await setup();
    expect(
      await as(t, "parent").query(api.sessions.bookingOptions, { studentId: world.students.own }),
    ).toEqual({ subjects: ["maths"], anyCoach: false });
    const nsi = await errorOf(
      as(t, "parent").mutation(api.sessions.book, {
        studentId: world.students.own,
        coachId: world.users.coach,
        subject: "nsi",
        startsAt: monday + DAY,
        durationMinutes: 60,
      }),
    );
    expect(nsi).toEqual({
      code: "INVALID_ARGUMENT",
      message: "Cette matière ne fait pas partie des spécialités de l’élève.",
    });
    await t.run((ctx) =>
      ctx.db.patch(world.students.own, { specialites: ["NSI", "Maths expertes"] }),
    );
    expect(
      (await as(t, "eleve").query(api.sessions.bookingOptions, { studentId: world.students.own }))
        .subjects,
    ).toEqual(["maths", "nsi"]);
    // the booking records the chosen subject
    const { sessionId } = await as(t, "parent").mutation(api.sessions.book, {
      studentId: world.students.own,
      coachId: world.users.coach,
      subject: "nsi",
      startsAt: monday + DAY,
      durationMinutes: 60,
    });
    expect(await t.run(async (ctx) => (await ctx.db.get(sessionId))!.subject)).toBe("nsi");
  });

  it("does not offer the student's coach in a subject the coach does not teach", async () => {
    const { t, world, monday } = await setup();
    await as(t, "coach").mutation(api.availability.setSubjects, { subjects: ["physique-chimie"] });
    const refused = await errorOf(
      as(t, "parent").mutation(api.sessions.book, {
        studentId: world.students.own,
        coachId: world.users.coach,
        subject: "maths",
        startsAt: monday + DAY,
        durationMinutes: 60,
      }),
    );
    expect(refused).toEqual({
      code: "FORBIDDEN",
      message: "Ce coach n’enseigne pas cette matière.",
    });
    const free = await as(t, "parent").query(api.sessions.freeSlots, {
      studentId: world.students.own,
      subject: "maths",
      from: monday,
      durationMinutes: 60,
    });
    expect(free.coaches).toEqual([]);
    expect(free.slots).toEqual([]);
  });
});

describe("any coach of the subject", () => {
  it("is off by default: only the student's own coach is offered or booked", async () => {
    const { t, world, monday } = await setup();
    const free = await as(t, "parent").query(api.sessions.freeSlots, {
      studentId: world.students.own,
      subject: "maths",
      from: monday,
      durationMinutes: 60,
    });
    expect(free.coaches.map((c) => c.coachId)).toEqual([world.users.coach]);
    const refused = await errorOf(
      as(t, "parent").mutation(api.sessions.book, {
        studentId: world.students.own,
        coachId: world.users.spareCoach,
        subject: "maths",
        startsAt: monday + DAY,
        durationMinutes: 60,
      }),
    );
    expect(refused).toEqual({ code: "FORBIDDEN", message: "Ce coach ne suit pas cet élève." });
  });

  it("shows each slot's free coaches and books a free one in the same transaction", async () => {
    vi.stubEnv("SESSION_ANY_COACH", "true");
    const { t, world, monday } = await setup();
    const tuesday = monday + DAY;
    // the own coach is busy on Tuesday at 10:00 UTC with another student
    const chloe = await studentOfCoach(t, world, { specialites: ["Mathématiques"], credits: 10 });
    await as(t, "assistante").mutation(api.sessions.book, {
      studentId: chloe,
      coachId: world.users.coach,
      subject: "maths",
      startsAt: tuesday,
      durationMinutes: 60,
    });
    expect(
      await as(t, "parent").query(api.sessions.bookingOptions, { studentId: world.students.own }),
    ).toEqual({ subjects: ["maths"], anyCoach: true });
    const free = await as(t, "parent").query(api.sessions.freeSlots, {
      studentId: world.students.own,
      subject: "maths",
      from: tuesday - 2 * H,
      durationMinutes: 60,
    });
    expect(free.coaches).toEqual([
      { coachId: world.users.coach, name: "coach", assigned: true },
      { coachId: world.users.spareCoach, name: "spareCoach", assigned: false },
    ]);
    const at = (ms: number) => free.offers.find((o) => o.startsAt === ms)?.coachIds;
    expect(at(tuesday)).toEqual([world.users.spareCoach]);
    expect(at(tuesday + 2 * H)).toEqual([world.users.coach, world.users.spareCoach]);
    expect(free.slots).toEqual(free.offers.map((o) => o.startsAt));

    // no coach named: the own coach is busy, the spare coach takes it; one debit
    const before = await balance(t, world.students.own);
    const booked = await as(t, "parent").mutation(api.sessions.book, {
      studentId: world.students.own,
      subject: "maths",
      startsAt: tuesday,
      durationMinutes: 60,
    });
    expect(booked.coachId).toBe(world.users.spareCoach);
    expect(booked.balance).toBe(before - 2);
    const debits = await t.run((ctx) =>
      ctx.db
        .query("walletEntries")
        .withIndex("by_sessionId", (q) => q.eq("sessionId", booked.sessionId))
        .collect(),
    );
    expect(debits.map((d) => [d.kind, d.amount])).toEqual([["booking", -2]]);
    // when the own coach is free, the own coach is chosen first
    const second = await as(t, "parent").mutation(api.sessions.book, {
      studentId: world.students.own,
      subject: "maths",
      startsAt: tuesday + 3 * H,
      durationMinutes: 30,
    });
    expect(second.coachId).toBe(world.users.coach);

    // the spare coach sees the session in the agenda and, once started, writes the notes
    const agenda = await spare(t).query(api.sessions.agenda, {
      from: tuesday - DAY,
      to: tuesday + DAY,
    });
    expect(agenda.map((s) => [s._id, s.studentName, s.subject])).toEqual([
      [booked.sessionId, "Alice Test", "maths"],
    ]);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(tuesday + 70 * 60_000);
    await spare(t).mutation(api.sessions.saveNotes, {
      sessionId: booked.sessionId,
      notes: "Dérivées revues.",
    });
    const mine = await as(t, "parent").query(api.sessions.forStudent, {
      studentId: world.students.own,
    });
    expect(mine.find((s) => s._id === booked.sessionId)?.notes).toBe("Dérivées revues.");
    // another coach still cannot touch it
    expect(
      await outcomeOf(
        as(t, "coach").mutation(api.sessions.saveNotes, {
          sessionId: booked.sessionId,
          notes: "x",
        }),
      ),
    ).toBe("FORBIDDEN");
  });

  it("still checks the student's conflicts and the balance, and names no busy coach", async () => {
    vi.stubEnv("SESSION_ANY_COACH", "true");
    const { t, world, monday } = await setup();
    const tuesday = monday + DAY;
    await as(t, "parent").mutation(api.sessions.book, {
      studentId: world.students.own,
      subject: "maths",
      startsAt: tuesday,
      durationMinutes: 60,
    });
    // the student is busy: every coach is refused, with the reason
    const busy = await errorOf(
      as(t, "parent").mutation(api.sessions.book, {
        studentId: world.students.own,
        subject: "maths",
        startsAt: tuesday + 30 * 60_000,
        durationMinutes: 60,
      }),
    );
    expect(busy.code).toBe("CONFLICT");
    // both coaches busy at that time (the spare coach with a session of Chloé's)
    const chloe = await studentOfCoach(t, world, { specialites: ["Mathématiques"], credits: 10 });
    await as(t, "assistante").mutation(api.sessions.book, {
      studentId: chloe,
      subject: "maths",
      startsAt: tuesday + 4 * H,
      durationMinutes: 60,
    });
    await as(t, "assistante").mutation(api.sessions.book, {
      studentId: chloe,
      coachId: world.users.spareCoach,
      subject: "maths",
      startsAt: tuesday + 6 * H,
      durationMinutes: 60,
    });
    await t.run(async (ctx) => {
      const s = await ctx.db
        .query("coachingSessions")
        .withIndex("by_coachId_and_startsAt", (q) =>
          q.eq("coachId", world.users.spareCoach).eq("startsAt", tuesday + 6 * H),
        )
        .unique();
      await ctx.db.patch(s!._id, { startsAt: tuesday + 4 * H, endsAt: tuesday + 5 * H });
    });
    const none = await errorOf(
      as(t, "parent").mutation(api.sessions.book, {
        studentId: world.students.own,
        subject: "maths",
        startsAt: tuesday + 4 * H,
        durationMinutes: 60,
      }),
    );
    expect(none).toEqual({
      code: "CONFLICT",
      message:
        "Aucun coach de cette matière n’est libre à ce moment-là : choisissez un autre créneau.",
    });
    // the balance: 8 − 2 = 6 left, a 4-credit session twice → the second is refused
    await as(t, "parent").mutation(api.sessions.book, {
      studentId: world.students.own,
      subject: "maths",
      startsAt: tuesday + DAY,
      durationMinutes: 120,
    });
    const short = await errorOf(
      as(t, "parent").mutation(api.sessions.book, {
        studentId: world.students.own,
        subject: "maths",
        startsAt: tuesday + 2 * DAY,
        durationMinutes: 120,
      }),
    );
    expect(short.code).toBe("INVALID_STATE");
    expect(await balance(t, world.students.own)).toBe(2);
  });

  it("gives the last free coach of a slot to one of two concurrent bookings", async () => {
    vi.stubEnv("SESSION_ANY_COACH", "true");
    const { t, world, monday } = await setup();
    const tuesday = monday + DAY;
    const chloe = await studentOfCoach(t, world, { specialites: ["Mathématiques"], credits: 10 });
    // the own coach is busy at 10:00 UTC with a third student: only the spare coach is free
    const third = await studentOfCoach(t, world, { firstName: "Denis", credits: 4 });
    await as(t, "assistante").mutation(api.sessions.book, {
      studentId: third,
      subject: "maths",
      startsAt: tuesday,
      durationMinutes: 60,
    });
    const outcomes = await Promise.all([
      outcomeOf(
        as(t, "parent").mutation(api.sessions.book, {
          studentId: world.students.own,
          subject: "maths",
          startsAt: tuesday,
          durationMinutes: 60,
        }),
      ),
      outcomeOf(
        as(t, "assistante").mutation(api.sessions.book, {
          studentId: chloe,
          subject: "maths",
          startsAt: tuesday,
          durationMinutes: 60,
        }),
      ),
    ]);
    expect(outcomes.sort()).toEqual(["CONFLICT", "ok"]);
    const atTen = await t.run(async (ctx) =>
      (await ctx.db.query("coachingSessions").collect()).filter((s) => s.startsAt === tuesday),
    );
    expect(atTen.map((s) => s.coachId).sort()).toEqual(
      [world.users.coach, world.users.spareCoach].sort(),
    );
  });
});
