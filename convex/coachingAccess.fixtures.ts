// Access-matrix rows of credits, payments, consistency and sessions (issue 15), spread into
// ALL_ROWS by access.test.ts. Each call builds its own coaching fixtures (coaching.fixtures.ts)
// on the fresh world of the case, through the client's `run`.
import { api } from "./_generated/api";
import {
  adminOnly,
  type Client,
  everyone,
  type MatrixRow,
  ownOnly,
  type RoleExpectations,
  readers,
  staffOnly,
  type Target,
  type WorkerRow,
} from "./accessMatrix.fixtures";
import { coachingWorld } from "./coaching.fixtures";
import type { World } from "./world.fixtures";

/** The family pays; the coach reads the student but may not pay for them. */
const payers: RoleExpectations = {
  ...readers,
  coach: { own: "FORBIDDEN", foreign: "NOT_FOUND" },
};

export const COACHING_ROWS: MatrixRow[] = [
  {
    fn: "credits:catalog",
    targeted: false,
    call: (c) => c.query(api.credits.catalog, {}),
    expect: everyone,
  },
  {
    fn: "credits:saveProduct",
    targeted: false,
    call: (c) =>
      c.mutation(api.credits.saveProduct, {
        code: "pack-test",
        kind: "pack",
        name: "Pack test",
        description: "Test",
        credits: 2,
        priceCents: 5000,
        active: true,
        sortOrder: 5,
      }),
    expect: adminOnly,
  },
  {
    fn: "credits:wallet",
    targeted: true,
    call: (c, w, target) => c.query(api.credits.wallet, { studentId: w.students[target] }),
    expect: readers,
  },
  {
    fn: "credits:subscription",
    targeted: true,
    call: (c, w, target) => c.query(api.credits.subscription, { studentId: w.students[target] }),
    expect: readers,
  },
  {
    fn: "credits:stopSubscription",
    targeted: false,
    call: async (c, w) => {
      const { productId, pendingPayments } = await coachingWorld(c, w);
      await c.run(async (ctx) => {
        const existing = await ctx.db
          .query("subscriptions")
          .withIndex("by_studentId", (q) => q.eq("studentId", w.students.own))
          .unique();
        if (existing) await ctx.db.patch(existing._id, { status: "active" });
        else
          await ctx.db.insert("subscriptions", {
            studentId: w.students.own,
            productId,
            productName: "Abonnement mensuel",
            creditsPerMonth: 8,
            status: "active",
            paymentId: pendingPayments.own,
            startedAt: 0,
            createdAt: 0,
            updatedAt: 0,
          });
      });
      return c.mutation(api.credits.stopSubscription, { studentId: w.students.own });
    },
    expect: staffOnly,
  },
  {
    fn: "credits:listWallets",
    targeted: false,
    call: (c) =>
      c.query(api.credits.listWallets, { paginationOpts: { numItems: 10, cursor: null } }),
    expect: staffOnly,
  },
  {
    fn: "credits:adjust",
    targeted: false,
    call: async (c, w) => {
      await coachingWorld(c, w);
      return c.mutation(api.credits.adjust, {
        studentId: w.students.own,
        amount: -1,
        reason: "Geste commercial corrigé",
      });
    },
    expect: staffOnly,
  },
  {
    fn: "credits:expire",
    targeted: false,
    call: async (c, w) => {
      await coachingWorld(c, w);
      return c.mutation(api.credits.expire, { studentId: w.students.own, amount: 1 });
    },
    expect: staffOnly,
  },
  {
    fn: "payments:reserve",
    targeted: true,
    call: async (c, w, target) => {
      const { productId } = await coachingWorld(c, w);
      return c.mutation(api.payments.reserve, {
        studentId: w.students[target],
        productId,
        method: "cash",
      });
    },
    expect: payers,
  },
  {
    fn: "payments:confirm",
    targeted: false,
    call: async (c, w) => {
      const { pendingPayments } = await coachingWorld(c, w);
      return c.mutation(api.payments.confirm, { paymentId: pendingPayments.own });
    },
    expect: staffOnly,
  },
  {
    fn: "payments:cancel",
    targeted: true,
    call: async (c, w, target) => {
      const { pendingPayments } = await coachingWorld(c, w);
      return c.mutation(api.payments.cancel, { paymentId: pendingPayments[target] });
    },
    // Reserved by the own parent: the coach and the élève read it but may not cancel it.
    expect: {
      ...readers,
      coach: { own: "FORBIDDEN", foreign: "NOT_FOUND" },
      eleve: { own: "FORBIDDEN", foreign: "NOT_FOUND" },
    },
  },
  {
    fn: "payments:pending",
    targeted: false,
    call: (c) => c.query(api.payments.pending, {}),
    expect: staffOnly,
  },
  {
    fn: "payments:listByStatus",
    targeted: false,
    call: (c) => c.query(api.payments.listByStatus, { status: "paid" }),
    expect: staffOnly,
  },
  {
    fn: "payments:forStudent",
    targeted: true,
    call: (c, w, target) => c.query(api.payments.forStudent, { studentId: w.students[target] }),
    expect: readers,
  },
  {
    fn: "consistency:checkPage",
    targeted: false,
    call: (c) => c.query(api.consistency.checkPage, { part: "wallets", cursor: null }),
    expect: staffOnly,
  },
  {
    fn: "consistency:latest",
    targeted: false,
    call: (c) => c.query(api.consistency.latest, {}),
    expect: staffOnly,
  },
  {
    fn: "consistency:runNow",
    targeted: false,
    call: (c) => c.mutation(api.consistency.runNow, {}),
    expect: staffOnly,
  },
];

/** The family and staff act; the student's coach cancels too (refunded); other coaches never. */
const familyAndCoach: RoleExpectations = readers;
const coachAndStaff: RoleExpectations = {
  admin: "ok",
  assistante: "ok",
  coach: ownOnly,
  parent: { own: "FORBIDDEN", foreign: "NOT_FOUND" },
  eleve: { own: "FORBIDDEN", foreign: "NOT_FOUND" },
};
const coachOnly: RoleExpectations = {
  admin: "FORBIDDEN",
  assistante: "FORBIDDEN",
  coach: ownOnly,
  parent: { own: "FORBIDDEN", foreign: "NOT_FOUND" },
  eleve: { own: "FORBIDDEN", foreign: "NOT_FOUND" },
};
/** Coaches manage their own availability; staff any coach's; families none. */
const coachesAndStaff: RoleExpectations = {
  admin: "ok",
  assistante: "ok",
  coach: "ok",
  parent: "FORBIDDEN",
  eleve: "FORBIDDEN",
};

/** Tuesday after the fixture's Monday session, 11:00 UTC (12 h or 13 h in Paris). */
async function tuesdaySlot(c: Client, w: World, target: Target) {
  const { sessions } = await coachingWorld(c, w);
  const start = await c.run(async (ctx) => (await ctx.db.get(sessions[target]))!.startsAt);
  return { sessions, tuesday: start + 86_400_000 + 3_600_000 };
}

/** Moves the own/foreign session to the past (attendance and notes come after the start). */
async function startedSession(c: Client, w: World, target: Target) {
  const { sessions } = await coachingWorld(c, w);
  await c.run(async (ctx) => {
    const s = (await ctx.db.get(sessions[target]))!;
    await ctx.db.patch(s._id, { startsAt: Date.now() - 3_600_000, endsAt: Date.now() });
  });
  return sessions[target];
}

COACHING_ROWS.push(
  {
    fn: "sessions:book",
    targeted: true,
    call: async (c, w, target) => {
      const { tuesday } = await tuesdaySlot(c, w, target);
      return c.mutation(api.sessions.book, {
        studentId: w.students[target],
        coachId: target === "own" ? w.users.coach : w.users.foreignCoach,
        subject: "maths",
        startsAt: tuesday,
        durationMinutes: 60,
      });
    },
    expect: payers,
  },
  {
    fn: "sessions:cancel",
    targeted: true,
    call: async (c, w, target) => {
      const { sessions } = await coachingWorld(c, w);
      return c.mutation(api.sessions.cancel, { sessionId: sessions[target] });
    },
    expect: familyAndCoach,
  },
  {
    fn: "sessions:reschedule",
    targeted: true,
    call: async (c, w, target) => {
      const { sessions, tuesday } = await tuesdaySlot(c, w, target);
      return c.mutation(api.sessions.reschedule, {
        sessionId: sessions[target],
        startsAt: tuesday,
      });
    },
    expect: familyAndCoach,
  },
  {
    fn: "sessions:recordOutcome",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.sessions.recordOutcome, {
        sessionId: await startedSession(c, w, target),
        outcome: "no_show",
      }),
    expect: coachAndStaff,
  },
  {
    fn: "sessions:saveNotes",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.sessions.saveNotes, {
        sessionId: await startedSession(c, w, target),
        notes: "Dérivées revues.",
      }),
    expect: coachOnly,
  },
  {
    fn: "sessions:forStudent",
    targeted: true,
    call: (c, w, target) => c.query(api.sessions.forStudent, { studentId: w.students[target] }),
    expect: readers,
  },
  {
    fn: "sessions:agenda",
    targeted: false,
    call: (c, w) =>
      c.query(api.sessions.agenda, { coachId: w.users.coach, from: 0, to: 7 * 86_400_000 }),
    // a coach reads only their own agenda (here: the own coach, so ok)
    expect: { ...staffOnly, coach: "ok" },
  },
  {
    fn: "sessions:centre",
    targeted: false,
    call: (c) => c.query(api.sessions.centre, { from: 0, to: 7 * 86_400_000 }),
    expect: staffOnly,
  },
  {
    fn: "sessions:coachesFor",
    targeted: true,
    call: (c, w, target) => c.query(api.sessions.coachesFor, { studentId: w.students[target] }),
    expect: readers,
  },
  {
    fn: "sessions:freeSlots",
    targeted: true,
    call: (c, w, target) =>
      c.query(api.sessions.freeSlots, {
        studentId: w.students[target],
        coachId: target === "own" ? w.users.coach : w.users.foreignCoach,
        from: Date.now(),
        durationMinutes: 60,
      }),
    expect: readers,
  },
  {
    fn: "sessions:bookingOptions",
    targeted: true,
    call: (c, w, target) => c.query(api.sessions.bookingOptions, { studentId: w.students[target] }),
    expect: readers,
  },
  {
    fn: "availability:get",
    targeted: false,
    call: (c, w) => c.query(api.availability.get, { coachId: w.users.coach }),
    expect: coachesAndStaff,
  },
  {
    fn: "availability:setWeekly",
    targeted: false,
    call: (c, w) =>
      c.mutation(api.availability.setWeekly, {
        coachId: w.users.coach,
        windows: [{ weekday: 3, startMinute: 14 * 60, endMinute: 18 * 60 }],
      }),
    expect: coachesAndStaff,
  },
  {
    fn: "availability:setSubjects",
    targeted: false,
    call: (c, w) =>
      c.mutation(api.availability.setSubjects, { coachId: w.users.coach, subjects: ["maths"] }),
    expect: coachesAndStaff,
  },
  {
    fn: "availability:addAbsence",
    targeted: false,
    call: (c, w) =>
      c.mutation(api.availability.addAbsence, {
        coachId: w.users.coach,
        startsAt: Date.now() + 86_400_000,
        endsAt: Date.now() + 3 * 86_400_000,
        reason: "Vacances",
      }),
    expect: coachesAndStaff,
  },
  {
    fn: "availability:removeAbsence",
    targeted: false,
    call: async (c, w) => {
      const absenceId = await c.run((ctx) =>
        ctx.db.insert("availabilityExceptions", {
          coachId: w.users.coach,
          startsAt: 1,
          endsAt: 2,
          reason: "Test",
          createdAt: 0,
        }),
      );
      return c.mutation(api.availability.removeAbsence, { absenceId });
    },
    expect: coachesAndStaff,
  },
);

/** The worker's coaching e-mail functions (refused to everyone but the worker). */
export const COACHING_WORKER_ROWS: WorkerRow[] = [
  {
    fn: "coachingMail:sessionMail",
    call: async (c, w) => {
      const { sessions } = await coachingWorld(c, w);
      return c.query(api.coachingMail.sessionMail, {
        sessionId: sessions.own,
        startsAt: 0,
        reminder: true,
        now: 0,
      });
    },
  },
  {
    fn: "coachingMail:receiptMail",
    call: async (c, w) => {
      const { pendingPayments } = await coachingWorld(c, w);
      return c.query(api.coachingMail.receiptMail, { paymentId: pendingPayments.own });
    },
  },
  {
    fn: "coachingMail:beginEmail",
    call: (c, w) =>
      c.mutation(api.coachingMail.beginEmail, {
        idempotencyKey: "k",
        to: "parent@test.fr",
        recipientName: "Parent",
        recipientUserId: w.users.parent,
        subject: "Séance",
        template: "session-confirm",
      }),
  },
  {
    fn: "coachingMail:remindInApp",
    call: async (c, w) => {
      const { sessions } = await coachingWorld(c, w);
      return c.mutation(api.coachingMail.remindInApp, {
        sessionId: sessions.own,
        startsAt: 0,
        lead: "24h",
      });
    },
  },
  {
    fn: "coachingMail:finishEmail",
    call: async (c, w) => {
      const emailId = await c.run((ctx) =>
        ctx.db.insert("emails", {
          to: "parent@test.fr",
          recipientUserId: w.users.parent,
          template: "session-confirm",
          subject: "Séance",
          status: "sending",
          idempotencyKey: "k",
          createdAt: 0,
        }),
      );
      return c.mutation(api.coachingMail.finishEmail, { emailId, status: "sent" });
    },
  },
];

COACHING_ROWS.push(
  {
    fn: "checkout:available",
    targeted: false,
    call: (c) => c.query(api.checkout.available, {}),
    expect: everyone,
  },
  {
    fn: "checkout:refund",
    targeted: false,
    // a cash payment: staff get as far as « card payments only », the others are refused
    call: async (c, w) => {
      const { pendingPayments } = await coachingWorld(c, w);
      return c.action(api.checkout.refund, { paymentId: pendingPayments.own });
    },
    expect: { ...staffOnly, admin: "INVALID_STATE", assistante: "INVALID_STATE" },
  },
  {
    fn: "checkout:start",
    targeted: true,
    // No Stripe keys in the matrix: the payers get as far as the provider check.
    call: async (c, w, target) => {
      const { productId } = await coachingWorld(c, w);
      return c.action(api.checkout.start, {
        studentId: w.students[target],
        productId,
        returnUrl: "http://localhost:3000/credits",
      });
    },
    expect: {
      admin: "INVALID_STATE",
      assistante: "INVALID_STATE",
      coach: { own: "FORBIDDEN", foreign: "NOT_FOUND" },
      parent: { own: "INVALID_STATE", foreign: "NOT_FOUND" },
      eleve: { own: "INVALID_STATE", foreign: "NOT_FOUND" },
    },
  },
);
