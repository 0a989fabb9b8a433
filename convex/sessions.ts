// Public session functions (rules in model/sessions.ts). The family (the élève, their parents)
// and staff book, cancel and move; the session's coach (the student's own, or any coach of the
// subject when SESSION_ANY_COACH allows it) sees, cancels (always refunded), records attendance
// and writes notes, which the family reads. Reads follow the student rules.
import { freeSlots as computeFreeSlots } from "@nexus/shared/coaching-time";
import type { CancelledBy } from "@nexus/shared/credits";
import { bookableSubjects } from "@nexus/shared/specialites";
import { v } from "convex/values";
import type { Doc } from "./_generated/dataModel";
import type { QueryCtx } from "./_generated/server";
import { appError } from "./lib/errors";
import { userMutation, userQuery } from "./lib/functions";
import {
  isAssignedCoach,
  isStaff,
  requireAnyRole,
  requireReadableStudent,
  requireRole,
  requireStaff,
  type User,
} from "./model/access";
import { requirePayer } from "./model/payments";
import { consume } from "./model/rateLimits";
import {
  anyCoachAllowed,
  bookSession,
  cancelSession,
  coachAbsences,
  coachWindows,
  eligibleCoaches,
  familyNoticeHours,
  recordAttendance,
  requireBookableSubject,
  rescheduleSession,
} from "./model/sessions";
import { joinUrl, VISIO_OPENS_BEFORE_MS } from "./model/visio";
import { vCancelledBy, vSessionStatus } from "./tables/coaching";
import { vSubject } from "./validators";

const DAY = 86_400_000;
const vDuration = v.union(v.literal(30), v.literal(60), v.literal(90), v.literal(120));

export const vSessionView = v.object({
  _id: v.id("coachingSessions"),
  studentId: v.id("students"),
  studentName: v.string(),
  coachId: v.id("users"),
  coachName: v.string(),
  subject: vSubject,
  startsAt: v.number(),
  endsAt: v.number(),
  durationMinutes: v.number(),
  credits: v.number(),
  status: vSessionStatus,
  cancelledBy: v.optional(vCancelledBy),
  refunded: v.optional(v.boolean()),
  notes: v.optional(v.string()),
  /** The caller's visio link (the coach's has host rights), shown from `opensAt`. */
  joinUrl: v.string(),
  opensAt: v.number(),
  host: v.boolean(),
});

async function view(ctx: QueryCtx, user: User, s: Doc<"coachingSessions">) {
  const [student, coach] = await Promise.all([ctx.db.get(s.studentId), ctx.db.get(s.coachId)]);
  const host = user._id === s.coachId;
  const studentName = student ? `${student.firstName} ${student.lastName}` : "Élève supprimé";
  return {
    _id: s._id,
    studentId: s.studentId,
    studentName,
    coachId: s.coachId,
    coachName: coach?.name ?? "Coach",
    subject: s.subject,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    durationMinutes: s.durationMinutes,
    credits: s.credits,
    status: s.status,
    cancelledBy: s.cancelledBy,
    refunded: s.refunded,
    notes: s.notes,
    joinUrl: await joinUrl({
      room: s.room,
      host,
      displayName: host
        ? (coach?.name ?? "Coach")
        : user.role === "eleve"
          ? studentName
          : user.name,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
    }),
    opensAt: s.startsAt - VISIO_OPENS_BEFORE_MS,
    host,
  };
}

/** Loads a session the caller may read (NOT_FOUND otherwise, like a foreign student). */
async function readableSession(
  ctx: QueryCtx,
  user: User,
  sessionId: Doc<"coachingSessions">["_id"],
) {
  requireAnyRole(user);
  const session = await ctx.db.get(sessionId);
  if (!session) throw appError("NOT_FOUND", "Séance introuvable.");
  // the session's coach, even one not assigned to the student (booked as « any coach »)
  if (user.role === "coach" && session.coachId === user._id) return session;
  try {
    await requireReadableStudent(ctx, user, session.studentId);
  } catch {
    throw appError("NOT_FOUND", "Séance introuvable.");
  }
  return session;
}

/** Who acts on a session: its coach, the family, or staff (FORBIDDEN for another coach). */
function actorKind(user: User, session: Doc<"coachingSessions">): CancelledBy {
  if (isStaff(user)) return "staff";
  if (user.role === "coach") {
    if (session.coachId !== user._id) {
      throw appError("FORBIDDEN", "Seul le coach de la séance peut la modifier.");
    }
    return "coach";
  }
  return "family";
}

export const book = userMutation({
  args: {
    studentId: v.id("students"),
    /** Absent: the first coach of the subject free at that time (the student's own first). */
    coachId: v.optional(v.id("users")),
    subject: vSubject,
    startsAt: v.number(),
    durationMinutes: vDuration,
  },
  returns: v.object({
    sessionId: v.id("coachingSessions"),
    balance: v.number(),
    coachId: v.id("users"),
  }),
  handler: async (ctx, args) => {
    await requirePayer(ctx, ctx.user, args.studentId);
    await consume(ctx, "bookingsPerUser", ctx.user._id);
    return await bookSession(ctx, { ...args, bookedBy: ctx.user._id, now: Date.now() });
  },
});

export const cancel = userMutation({
  args: { sessionId: v.id("coachingSessions") },
  returns: v.object({ refunded: v.boolean() }),
  handler: async (ctx, { sessionId }) => {
    const session = await readableSession(ctx, ctx.user, sessionId);
    const kind = actorKind(ctx.user, session);
    await consume(ctx, "bookingsPerUser", ctx.user._id);
    return await cancelSession(ctx, session, { kind, userId: ctx.user._id }, Date.now());
  },
});

export const reschedule = userMutation({
  args: { sessionId: v.id("coachingSessions"), startsAt: v.number() },
  returns: v.null(),
  handler: async (ctx, { sessionId, startsAt }) => {
    const session = await readableSession(ctx, ctx.user, sessionId);
    const kind = actorKind(ctx.user, session);
    await consume(ctx, "bookingsPerUser", ctx.user._id);
    await rescheduleSession(ctx, session, startsAt, { kind, userId: ctx.user._id }, Date.now());
    return null;
  },
});

/** The coach (or staff): the session took place, or the student did not come (no refund). */
export const recordOutcome = userMutation({
  args: {
    sessionId: v.id("coachingSessions"),
    outcome: v.union(v.literal("completed"), v.literal("no_show")),
  },
  returns: v.null(),
  handler: async (ctx, { sessionId, outcome }) => {
    const session = await readableSession(ctx, ctx.user, sessionId);
    if (actorKind(ctx.user, session) === "family") {
      throw appError("FORBIDDEN", "La présence est notée par le coach.");
    }
    await recordAttendance(ctx, session, outcome, ctx.user._id, Date.now());
    return null;
  },
});

/** The coach's notes after the session, read by the family. */
export const saveNotes = userMutation({
  args: { sessionId: v.id("coachingSessions"), notes: v.string() },
  returns: v.null(),
  handler: async (ctx, { sessionId, notes }) => {
    const session = await readableSession(ctx, ctx.user, sessionId);
    if (actorKind(ctx.user, session) !== "coach") {
      throw appError("FORBIDDEN", "Les notes de séance sont écrites par son coach.");
    }
    const text = notes.trim();
    if (text.length > 5000)
      throw appError("INVALID_ARGUMENT", "Notes trop longues (5 000 caractères au plus).");
    if (session.status === "cancelled") {
      throw appError("INVALID_STATE", "Une séance annulée n’a pas de notes.");
    }
    const now = Date.now();
    if (now < session.startsAt) {
      throw appError("INVALID_STATE", "Les notes s’écrivent une fois la séance commencée.");
    }
    await ctx.db.patch(session._id, { notes: text, notesAt: now, updatedAt: now });
    return null;
  },
});

/** A student's sessions (readers of the student), newest first. */
export const forStudent = userQuery({
  args: { studentId: v.id("students") },
  returns: v.array(vSessionView),
  handler: async (ctx, { studentId }) => {
    requireAnyRole(ctx.user);
    await requireReadableStudent(ctx, ctx.user, studentId);
    const rows = await ctx.db
      .query("coachingSessions")
      .withIndex("by_studentId_and_startsAt", (q) => q.eq("studentId", studentId))
      .order("desc")
      .take(100);
    return await Promise.all(rows.map((s) => view(ctx, ctx.user, s)));
  },
});

/** A coach's sessions in [from, to) (the coach's own; staff name any coach). */
export const agenda = userQuery({
  args: { coachId: v.optional(v.id("users")), from: v.number(), to: v.number() },
  returns: v.array(vSessionView),
  handler: async (ctx, { coachId, from, to }) => {
    const user = requireRole(ctx.user, ["admin", "assistante", "coach"]);
    const id = user.role === "coach" ? user._id : coachId;
    if (!id) throw appError("INVALID_ARGUMENT", "Précisez le coach.");
    if (user.role === "coach" && coachId && coachId !== user._id) {
      throw appError("FORBIDDEN", "Vous ne voyez que votre agenda.");
    }
    if (to - from > 31 * DAY)
      throw appError("INVALID_ARGUMENT", "Une période de 31 jours au plus.");
    const rows = await ctx.db
      .query("coachingSessions")
      .withIndex("by_coachId_and_startsAt", (q) =>
        q.eq("coachId", id).gte("startsAt", from).lt("startsAt", to),
      )
      .take(300);
    return await Promise.all(rows.map((s) => view(ctx, ctx.user, s)));
  },
});

/** Staff: every session of the centre in [from, to). */
export const centre = userQuery({
  args: { from: v.number(), to: v.number() },
  returns: v.array(vSessionView),
  handler: async (ctx, { from, to }) => {
    requireStaff(ctx.user);
    if (to - from > 31 * DAY)
      throw appError("INVALID_ARGUMENT", "Une période de 31 jours au plus.");
    const rows = await ctx.db
      .query("coachingSessions")
      .withIndex("by_startsAt", (q) => q.gte("startsAt", from).lt("startsAt", to))
      .take(500);
    return await Promise.all(rows.map((s) => view(ctx, ctx.user, s)));
  },
});

/** The student's coaches, for the booking form (readers of the student). */
export const coachesFor = userQuery({
  args: { studentId: v.id("students") },
  returns: v.array(v.object({ coachId: v.id("users"), name: v.string() })),
  handler: async (ctx, { studentId }) => {
    requireAnyRole(ctx.user);
    await requireReadableStudent(ctx, ctx.user, studentId);
    const rows = await ctx.db
      .query("coachAssignments")
      .withIndex("by_studentId", (q) => q.eq("studentId", studentId))
      .take(20);
    const out = [];
    for (const r of rows) {
      const coach = await ctx.db.get(r.coachId);
      if (coach && coach.deactivatedAt === undefined)
        out.push({ coachId: r.coachId, name: coach.name });
    }
    return out;
  },
});

/** The booking form's choices: the student's subjects, and whether any coach of one may be booked. */
export const bookingOptions = userQuery({
  args: { studentId: v.id("students") },
  returns: v.object({ subjects: v.array(vSubject), anyCoach: v.boolean() }),
  handler: async (ctx, { studentId }) => {
    requireAnyRole(ctx.user);
    const student = await requireReadableStudent(ctx, ctx.user, studentId);
    return { subjects: bookableSubjects(student), anyCoach: anyCoachAllowed() };
  },
});

/**
 * Free slots over 14 days from `from` (a client clock: queries never read the time; book
 * re-checks everything, including the lead time). With `coachId`: that coach's slots (one of
 * the student's coaches, or a coach of `subject` when SESSION_ANY_COACH allows it). Without:
 * the slots of every coach who may take the student in `subject`, each with its free coaches.
 */
export const freeSlots = userQuery({
  args: {
    studentId: v.id("students"),
    coachId: v.optional(v.id("users")),
    subject: v.optional(vSubject),
    from: v.number(),
    durationMinutes: vDuration,
  },
  returns: v.object({
    slots: v.array(v.number()),
    /** Each free start with the coaches free then (the student's own coach first). */
    offers: v.array(v.object({ startsAt: v.number(), coachIds: v.array(v.id("users")) })),
    coaches: v.array(v.object({ coachId: v.id("users"), name: v.string(), assigned: v.boolean() })),
    noticeHours: v.number(),
  }),
  handler: async (ctx, { studentId, coachId, subject, from, durationMinutes }) => {
    requireAnyRole(ctx.user);
    await requireReadableStudent(ctx, ctx.user, studentId);
    let candidates: { coachId: Doc<"users">["_id"]; name: string; assigned: boolean }[];
    if (subject) {
      await requireBookableSubject(ctx, studentId, subject);
      candidates = await eligibleCoaches(ctx, studentId, subject);
      if (coachId) {
        candidates = candidates.filter((c) => c.coachId === coachId);
        if (candidates.length === 0) {
          throw appError("NOT_FOUND", "Ce coach ne propose pas cette matière à cet élève.");
        }
      }
    } else {
      if (!coachId) throw appError("INVALID_ARGUMENT", "Précisez la matière ou le coach.");
      if (!(await isAssignedCoach(ctx, coachId, studentId))) {
        throw appError("NOT_FOUND", "Ce coach ne suit pas cet élève.");
      }
      const coach = await ctx.db.get(coachId);
      candidates = [{ coachId, name: coach?.name ?? "Coach", assigned: true }];
    }
    const to = from + 14 * DAY;
    const studentBusy = (
      await ctx.db
        .query("coachingSessions")
        .withIndex("by_studentId_and_startsAt", (q) =>
          q
            .eq("studentId", studentId)
            .gt("startsAt", from - DAY)
            .lt("startsAt", to),
        )
        .take(400)
    )
      .filter((s) => s.status !== "cancelled")
      .map((s) => ({ start: s.startsAt, end: s.endsAt }));
    const offers = new Map<number, Doc<"users">["_id"][]>();
    for (const candidate of candidates) {
      const windows = await coachWindows(ctx, candidate.coachId);
      const absences = await coachAbsences(ctx, candidate.coachId, from, to);
      const coachBusy = (
        await ctx.db
          .query("coachingSessions")
          .withIndex("by_coachId_and_startsAt", (q) =>
            q
              .eq("coachId", candidate.coachId)
              .gt("startsAt", from - DAY)
              .lt("startsAt", to),
          )
          .take(400)
      )
        .filter((s) => s.status !== "cancelled")
        .map((s) => ({ start: s.startsAt, end: s.endsAt }));
      const slots = computeFreeSlots({
        from,
        to,
        durationMinutes,
        availability: windows,
        blocked: [
          ...absences.map((a) => ({ start: a.startsAt, end: a.endsAt })),
          ...coachBusy,
          ...studentBusy,
        ],
      });
      for (const start of slots)
        offers.set(start, [...(offers.get(start) ?? []), candidate.coachId]);
    }
    const starts = [...offers.keys()].sort((a, b) => a - b);
    return {
      slots: starts,
      offers: starts.map((startsAt) => ({ startsAt, coachIds: offers.get(startsAt)! })),
      coaches: candidates,
      noticeHours: familyNoticeHours(),
    };
  },
});
