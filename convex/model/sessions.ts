// Coaching sessions: booking, cancellation, reschedule, attendance. Each operation is one
// mutation, so its checks and its ledger entry commit together: two bookings of the last slot
// or the last credits are serialized by Convex and the second sees the first (and is refused).
// Rules (shared, pure): @nexus/shared/credits (price, refunds), @nexus/shared/coaching-time
// (Paris weekly windows, overlaps). Times are UTC epoch ms.
// - book: in one of the student's subjects (@nexus/shared/specialites bookableSubjects), with a
//   coach who may take them in it (eligibleCoaches: an assigned coach teaching the subject or
//   having declared none; with SESSION_ANY_COACH, any active coach declaring the subject); with
//   no coach named, the first eligible coach free at that time; inside a weekly window, not in
//   an absence, no overlapping session of the coach or of the student; debit = duration / 30 min.
// - cancel: family ≥ SESSION_CANCEL_NOTICE_HOURS (24 by default) before → refund; later → no
//   refund; coach or staff → refund. Reminder jobs still pending are cancelled.
// - reschedule: the same checks at the new time; the single debit stays; reminders move.
// - the coach records completed / no-show and notes once the session has started.

import { formatParisDateTime, insideAvailability, overlaps } from "@nexus/shared/coaching-time";
import {
  type CancelledBy,
  CreditRuleError,
  creditsForDuration,
  DEFAULT_FAMILY_NOTICE_HOURS,
  formatCredits,
  refundsOnCancel,
} from "@nexus/shared/credits";
import type { Subject } from "@nexus/shared/domain";
import { bookableSubjects } from "@nexus/shared/specialites";
import { ConvexError } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { isAssignedCoach } from "./access";
import { audit } from "./audit";
import { cancelJob, enqueueJob } from "./jobs";
import { notify, sessionReminderKeyPrefix, withdrawNotifications } from "./notifications";
import { getWallet, postEntry } from "./wallets";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The longest session: how far back an overlapping session may start. */
const MAX_DURATION_MS = 120 * MINUTE;
/** A slot is booked at least this long before it starts. */
export const MIN_BOOKING_LEAD_MS = 2 * HOUR;
export const REMINDER_LEADS = { "24h": 24 * HOUR, "1h": HOUR } as const;

export function familyNoticeHours(): number {
  const raw = process.env.SESSION_CANCEL_NOTICE_HOURS;
  const n = raw === undefined || raw === "" ? DEFAULT_FAMILY_NOTICE_HOURS : Number(raw);
  return Number.isFinite(n) && n >= 0 && n <= 24 * 14 ? n : DEFAULT_FAMILY_NOTICE_HOURS;
}

/** SESSION_ANY_COACH=true: a family may book any coach teaching the subject, not only its own. */
export function anyCoachAllowed(): boolean {
  return /^(1|true|oui|yes)$/i.test(process.env.SESSION_ANY_COACH?.trim() ?? "");
}

export async function subjectsOfCoach(ctx: QueryCtx, coachId: Id<"users">): Promise<Subject[]> {
  const rows = await ctx.db
    .query("coachSubjects")
    .withIndex("by_coachId", (q) => q.eq("coachId", coachId))
    .take(10);
  return rows.map((r) => r.subject);
}

/** At most this many coaches are searched for one subject (bounded reads in freeSlots). */
export const MAX_CANDIDATE_COACHES = 8;

/**
 * The coaches who may take this student in this subject, the student's own first: an assigned
 * coach who teaches the subject (or declared no subject), then, when SESSION_ANY_COACH allows
 * it, the other active coaches declaring the subject. Bounded by MAX_CANDIDATE_COACHES.
 */
export async function eligibleCoaches(
  ctx: QueryCtx,
  studentId: Id<"students">,
  subject: Subject,
): Promise<{ coachId: Id<"users">; name: string; assigned: boolean }[]> {
  const out: { coachId: Id<"users">; name: string; assigned: boolean }[] = [];
  const assignments = await ctx.db
    .query("coachAssignments")
    .withIndex("by_studentId", (q) => q.eq("studentId", studentId))
    .take(20);
  for (const a of assignments) {
    const coach = await ctx.db.get(a.coachId);
    if (coach?.role !== "coach" || coach.deactivatedAt !== undefined) continue;
    const taught = await subjectsOfCoach(ctx, a.coachId);
    if (taught.length > 0 && !taught.includes(subject)) continue;
    if (out.some((c) => c.coachId === a.coachId)) continue;
    out.push({ coachId: a.coachId, name: coach.name, assigned: true });
  }
  if (anyCoachAllowed()) {
    const rows = await ctx.db
      .query("coachSubjects")
      .withIndex("by_subject", (q) => q.eq("subject", subject))
      .take(50);
    for (const r of rows) {
      if (out.length >= MAX_CANDIDATE_COACHES) break;
      if (out.some((c) => c.coachId === r.coachId)) continue;
      const coach = await ctx.db.get(r.coachId);
      if (coach?.role !== "coach" || coach.deactivatedAt !== undefined) continue;
      out.push({ coachId: r.coachId, name: coach.name, assigned: false });
    }
  }
  return out.slice(0, MAX_CANDIDATE_COACHES);
}

/** FORBIDDEN / INVALID_ARGUMENT (French) unless the student may book this subject. */
export async function requireBookableSubject(
  ctx: QueryCtx,
  studentId: Id<"students">,
  subject: Subject,
) {
  const student = await ctx.db.get(studentId);
  if (!student) throw appError("NOT_FOUND", "Élève introuvable.");
  if (!bookableSubjects(student).includes(subject)) {
    throw appError(
      "INVALID_ARGUMENT",
      "Cette matière ne fait pas partie des spécialités de l’élève.",
    );
  }
}

/** A random room name (Jitsi rooms are public by name: 128 bits make it unguessable). */
export function newRoomName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `nexus-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

const LIVE: readonly Doc<"coachingSessions">["status"][] = ["booked", "completed", "no_show"];

async function overlapping(
  ctx: QueryCtx,
  index: "by_coachId_and_startsAt" | "by_studentId_and_startsAt",
  id: Id<"users"> | Id<"students">,
  interval: { start: number; end: number },
  except?: Id<"coachingSessions">,
) {
  const rows =
    index === "by_coachId_and_startsAt"
      ? await ctx.db
          .query("coachingSessions")
          .withIndex(index, (q) =>
            q
              .eq("coachId", id as Id<"users">)
              .gt("startsAt", interval.start - MAX_DURATION_MS)
              .lt("startsAt", interval.end),
          )
          .take(50)
      : await ctx.db
          .query("coachingSessions")
          .withIndex(index, (q) =>
            q
              .eq("studentId", id as Id<"students">)
              .gt("startsAt", interval.start - MAX_DURATION_MS)
              .lt("startsAt", interval.end),
          )
          .take(50);
  return rows.find(
    (s) =>
      s._id !== except &&
      LIVE.includes(s.status) &&
      overlaps({ start: s.startsAt, end: s.endsAt }, interval),
  );
}

export async function coachWindows(ctx: QueryCtx, coachId: Id<"users">) {
  return await ctx.db
    .query("availabilities")
    .withIndex("by_coachId_and_weekday", (q) => q.eq("coachId", coachId))
    .take(100);
}

export async function coachAbsences(ctx: QueryCtx, coachId: Id<"users">, from: number, to: number) {
  // absences last a few weeks at most: those starting up to 60 days before `from` are read
  const rows = await ctx.db
    .query("availabilityExceptions")
    .withIndex("by_coachId_and_startsAt", (q) =>
      q
        .eq("coachId", coachId)
        .gt("startsAt", from - 60 * 24 * HOUR)
        .lt("startsAt", to),
    )
    .take(200);
  return rows.filter((r) => r.endsAt > from);
}

/** Throws CONFLICT / INVALID_ARGUMENT (French) unless the slot can hold this session. */
async function checkSlot(
  ctx: QueryCtx,
  input: {
    studentId: Id<"students">;
    coachId: Id<"users">;
    startsAt: number;
    durationMinutes: number;
    now: number;
    except?: Id<"coachingSessions">;
  },
) {
  const interval = { start: input.startsAt, end: input.startsAt + input.durationMinutes * MINUTE };
  if (input.startsAt < input.now + MIN_BOOKING_LEAD_MS) {
    throw appError(
      "INVALID_ARGUMENT",
      "Ce créneau est passé ou commence dans moins de deux heures : choisissez-en un autre.",
    );
  }
  const windows = await coachWindows(ctx, input.coachId);
  if (!insideAvailability(input.startsAt, input.durationMinutes, windows)) {
    throw appError("INVALID_ARGUMENT", "Ce créneau est en dehors des disponibilités du coach.");
  }
  const absences = await coachAbsences(ctx, input.coachId, interval.start, interval.end);
  if (absences.some((a) => overlaps({ start: a.startsAt, end: a.endsAt }, interval))) {
    throw appError("CONFLICT", "Le coach est absent à ce moment-là.");
  }
  if (await overlapping(ctx, "by_coachId_and_startsAt", input.coachId, interval, input.except)) {
    throw appError("CONFLICT", "Ce créneau vient d’être réservé : choisissez-en un autre.");
  }
  if (
    await overlapping(ctx, "by_studentId_and_startsAt", input.studentId, interval, input.except)
  ) {
    throw appError("CONFLICT", "L’élève a déjà une séance à ce moment-là.");
  }
}

/** Everyone told about a session: the student's account, its parents, the coach. */
async function audience(ctx: QueryCtx, session: Pick<Doc<"coachingSessions">, "studentId">) {
  const student = await ctx.db.get(session.studentId);
  const parents = await ctx.db
    .query("guardianships")
    .withIndex("by_studentId", (q) => q.eq("studentId", session.studentId))
    .take(10);
  return {
    student,
    family: [...(student?.userId ? [student.userId] : []), ...parents.map((p) => p.parentId)],
  };
}

async function tell(
  ctx: MutationCtx,
  session: Doc<"coachingSessions">,
  title: (studentName: string) => string,
  body: string,
) {
  const { student, family } = await audience(ctx, session);
  const name = student ? student.firstName : "l’élève";
  for (const userId of family) {
    await notify(ctx, { userId, kind: "session", title: title(name), body, link: "/seances" });
  }
  await notify(ctx, {
    userId: session.coachId,
    kind: "session",
    title: title(student ? `${student.firstName} ${student.lastName}` : name),
    body,
    link: "/coach/agenda",
  });
}

async function scheduleJobs(ctx: MutationCtx, session: Doc<"coachingSessions">, now: number) {
  const jobIds: Id<"jobs">[] = [];
  for (const [lead, ms] of Object.entries(REMINDER_LEADS) as ["24h" | "1h", number][]) {
    const runAt = session.startsAt - ms;
    if (runAt <= now) continue;
    jobIds.push(
      await enqueueJob(
        ctx,
        "session.remind",
        { sessionId: session._id, startsAt: session.startsAt, lead },
        {
          runAt,
          idempotencyKey: `session.remind:${session._id}:${session.startsAt}:${lead}`,
          createdBy: session.bookedBy,
        },
      ),
    );
  }
  await enqueueJob(
    ctx,
    "session.confirm",
    { sessionId: session._id, startsAt: session.startsAt },
    { idempotencyKey: `session.confirm:${session._id}:${session.startsAt}` },
  );
  await ctx.db.patch(session._id, { reminderJobIds: jobIds });
}

async function cancelReminders(ctx: MutationCtx, session: Doc<"coachingSessions">) {
  for (const jobId of session.reminderJobIds) {
    const job = await ctx.db.get(jobId);
    if (job && (job.status === "pending" || job.status === "running")) {
      await cancelJob(ctx, jobId, "session");
    }
  }
}

export interface BookInput {
  studentId: Id<"students">;
  /** Absent: the first eligible coach of the subject free at that time. */
  coachId?: Id<"users">;
  subject: Subject;
  startsAt: number;
  durationMinutes: number;
  bookedBy: Id<"users">;
  now: number;
}

export async function bookSession(ctx: MutationCtx, input: BookInput) {
  let credits: number;
  try {
    credits = creditsForDuration(input.durationMinutes);
  } catch (error) {
    if (error instanceof CreditRuleError) throw appError("INVALID_ARGUMENT", error.message);
    throw error;
  }
  await requireBookableSubject(ctx, input.studentId, input.subject);
  const eligible = await eligibleCoaches(ctx, input.studentId, input.subject);
  let coachId: Id<"users">;
  if (input.coachId) {
    const named = input.coachId;
    if (!eligible.some((c) => c.coachId === named)) {
      throw appError(
        "FORBIDDEN",
        (await isAssignedCoach(ctx, named, input.studentId)) || anyCoachAllowed()
          ? "Ce coach n’enseigne pas cette matière."
          : "Ce coach ne suit pas cet élève.",
      );
    }
    await checkSlot(ctx, { ...input, coachId: named });
    coachId = named;
  } else {
    // the first eligible coach (the student's own first) whose slot passes every check
    let found: Id<"users"> | null = null;
    let lastError: unknown = null;
    for (const candidate of eligible) {
      try {
        await checkSlot(ctx, { ...input, coachId: candidate.coachId });
        found = candidate.coachId;
        break;
      } catch (error) {
        if (!(error instanceof ConvexError)) throw error;
        lastError = error;
      }
    }
    if (!found) {
      if (eligible.length === 1 && lastError) throw lastError;
      throw appError(
        eligible.length === 0 ? "NOT_FOUND" : "CONFLICT",
        eligible.length === 0
          ? "Aucun coach ne propose cette matière à cet élève."
          : "Aucun coach de cette matière n’est libre à ce moment-là : choisissez un autre créneau.",
      );
    }
    coachId = found;
  }
  // checked before any write, so a refused booking leaves nothing behind even inside a larger
  // transaction; postEntry checks again
  const wallet = await getWallet(ctx, input.studentId);
  if ((wallet?.balance ?? 0) < credits) {
    const have = wallet?.balance ?? 0;
    throw appError(
      "INVALID_STATE",
      `Solde insuffisant : ${formatCredits(have)} disponible${have > 1 ? "s" : ""}, ${formatCredits(credits)} nécessaire${credits > 1 ? "s" : ""}.`,
    );
  }
  const sessionId = await ctx.db.insert("coachingSessions", {
    studentId: input.studentId,
    coachId,
    subject: input.subject,
    startsAt: input.startsAt,
    endsAt: input.startsAt + input.durationMinutes * MINUTE,
    durationMinutes: input.durationMinutes,
    credits,
    status: "booked",
    bookedBy: input.bookedBy,
    room: newRoomName(),
    reminderJobIds: [],
    createdAt: input.now,
    updatedAt: input.now,
  });
  const { balance } = await postEntry(ctx, input.studentId, {
    kind: "booking",
    amount: -credits,
    sessionId,
    actorId: input.bookedBy,
  });
  const session = (await ctx.db.get(sessionId))!;
  await scheduleJobs(ctx, session, input.now);
  await tell(
    ctx,
    session,
    (name) => `Séance réservée : ${name}`,
    `Séance le ${formatParisDateTime(session.startsAt)} (${session.durationMinutes} min).`,
  );
  await audit(ctx, {
    actorKind: "user",
    actorId: input.bookedBy,
    action: "session.book",
    targetTable: "coachingSessions",
    targetId: sessionId,
    details: { credits, startsAt: input.startsAt },
  });
  return { sessionId, balance, coachId };
}

export async function cancelSession(
  ctx: MutationCtx,
  session: Doc<"coachingSessions">,
  by: { kind: CancelledBy; userId: Id<"users"> },
  now: number,
) {
  if (session.status !== "booked") {
    throw appError(
      "INVALID_STATE",
      "Cette séance n’est plus réservée : elle ne peut pas être annulée.",
    );
  }
  if (now >= session.endsAt) {
    throw appError("INVALID_STATE", "Cette séance est terminée : elle ne peut plus être annulée.");
  }
  const refund = refundsOnCancel({
    by: by.kind,
    startsAt: session.startsAt,
    now,
    familyNoticeHours: familyNoticeHours(),
  });
  if (refund) {
    await postEntry(ctx, session.studentId, {
      kind: "refund",
      amount: session.credits,
      sessionId: session._id,
      actorId: by.userId,
    });
  }
  await ctx.db.patch(session._id, {
    status: "cancelled",
    cancelledBy: by.kind,
    cancelledAt: now,
    refunded: refund,
    updatedAt: now,
  });
  await cancelReminders(ctx, session);
  // the in-app reminders already shown (coachingMail.remindInApp) go with the session
  await withdrawNotifications(ctx, sessionReminderKeyPrefix(session._id));
  await tell(
    ctx,
    session,
    (name) => `Séance annulée : ${name}`,
    `La séance du ${formatParisDateTime(session.startsAt)} est annulée${
      refund
        ? ` ; ${session.credits} crédit(s) rendu(s).`
        : ", sans remboursement (moins de 24 h avant)."
    }`,
  );
  await audit(ctx, {
    actorKind: "user",
    actorId: by.userId,
    action: "session.cancel",
    targetTable: "coachingSessions",
    targetId: session._id,
    details: { by: by.kind, refunded: refund },
  });
  return { refunded: refund };
}

export async function rescheduleSession(
  ctx: MutationCtx,
  session: Doc<"coachingSessions">,
  startsAt: number,
  by: { kind: CancelledBy; userId: Id<"users"> },
  now: number,
) {
  if (session.status !== "booked") {
    throw appError(
      "INVALID_STATE",
      "Cette séance n’est plus réservée : elle ne peut pas être déplacée.",
    );
  }
  if (
    by.kind === "family" &&
    !refundsOnCancel({
      by: "family",
      startsAt: session.startsAt,
      now,
      familyNoticeHours: familyNoticeHours(),
    })
  ) {
    throw appError(
      "INVALID_STATE",
      `Une séance se déplace au plus tard ${familyNoticeHours()} h avant : contactez le centre.`,
    );
  }
  await checkSlot(ctx, {
    studentId: session.studentId,
    coachId: session.coachId,
    startsAt,
    durationMinutes: session.durationMinutes,
    now,
    except: session._id,
  });
  await cancelReminders(ctx, session);
  // reminders of the old time are withdrawn; the new time's come with its jobs
  await withdrawNotifications(ctx, sessionReminderKeyPrefix(session._id));
  await ctx.db.patch(session._id, {
    startsAt,
    endsAt: startsAt + session.durationMinutes * MINUTE,
    rescheduledFrom: session.startsAt,
    moves: (session.moves ?? 0) + 1,
    updatedAt: now,
  });
  const moved = (await ctx.db.get(session._id))!;
  await scheduleJobs(ctx, moved, now);
  await tell(
    ctx,
    moved,
    (name) => `Séance déplacée : ${name}`,
    `Nouvelle date : ${formatParisDateTime(startsAt)}.`,
  );
  await audit(ctx, {
    actorKind: "user",
    actorId: by.userId,
    action: "session.reschedule",
    targetTable: "coachingSessions",
    targetId: session._id,
    details: { from: session.startsAt, to: startsAt },
  });
}

/** The coach, once the session has started: held (completed) or the student did not come. */
export async function recordAttendance(
  ctx: MutationCtx,
  session: Doc<"coachingSessions">,
  outcome: "completed" | "no_show",
  userId: Id<"users">,
  now: number,
) {
  if (
    session.status !== "booked" &&
    session.status !== "completed" &&
    session.status !== "no_show"
  ) {
    throw appError("INVALID_STATE", "Une séance annulée n’a pas de présence à noter.");
  }
  if (now < session.startsAt) {
    throw appError("INVALID_STATE", "La présence se note une fois la séance commencée.");
  }
  await ctx.db.patch(session._id, { status: outcome, updatedAt: now });
  await cancelReminders(ctx, session);
  await audit(ctx, {
    actorKind: "user",
    actorId: userId,
    action: `session.${outcome}`,
    targetTable: "coachingSessions",
    targetId: session._id,
  });
}
