// A coach's weekly availability (Paris wall-clock windows), absences and the subjects they
// teach. The coach edits their own; staff read and edit any coach's (coachId argument). Booking
// reads them (model/sessions.ts).
import { formatParisDateTime, zWeeklyWindow } from "@nexus/shared/coaching-time";
import { v } from "convex/values";
import { z } from "zod";
import type { Id } from "./_generated/dataModel";
import type { QueryCtx } from "./_generated/server";
import { appError } from "./lib/errors";
import { userMutation, userQuery } from "./lib/functions";
import { requireRole, type User } from "./model/access";
import { audit } from "./model/audit";
import { vSubject } from "./validators";

const vWindow = v.object({ weekday: v.number(), startMinute: v.number(), endMinute: v.number() });

/** The coach whose availability is read or changed: oneself, or any coach for staff. */
async function targetCoach(
  ctx: QueryCtx,
  user: User,
  coachId: Id<"users"> | undefined,
): Promise<Id<"users">> {
  const me = requireRole(user, ["admin", "assistante", "coach"]);
  if (me.role === "coach") {
    if (coachId && coachId !== me._id)
      throw appError("FORBIDDEN", "Vous ne gérez que vos disponibilités.");
    return me._id;
  }
  if (!coachId) throw appError("INVALID_ARGUMENT", "Précisez le coach.");
  const coach = await ctx.db.get(coachId);
  if (coach?.role !== "coach") throw appError("NOT_FOUND", "Coach introuvable.");
  return coachId;
}

export const get = userQuery({
  args: { coachId: v.optional(v.id("users")) },
  returns: v.object({
    windows: v.array(vWindow),
    subjects: v.array(vSubject),
    absences: v.array(
      v.object({
        _id: v.id("availabilityExceptions"),
        startsAt: v.number(),
        endsAt: v.number(),
        reason: v.string(),
      }),
    ),
  }),
  handler: async (ctx, { coachId }) => {
    const id = await targetCoach(ctx, ctx.user, coachId);
    const windows = await ctx.db
      .query("availabilities")
      .withIndex("by_coachId_and_weekday", (q) => q.eq("coachId", id))
      .take(100);
    const absences = await ctx.db
      .query("availabilityExceptions")
      .withIndex("by_coachId_and_startsAt", (q) => q.eq("coachId", id))
      .order("desc")
      .take(50);
    const subjects = await ctx.db
      .query("coachSubjects")
      .withIndex("by_coachId", (q) => q.eq("coachId", id))
      .take(10);
    return {
      subjects: subjects.map((r) => r.subject),
      windows: windows
        .map(({ weekday, startMinute, endMinute }) => ({ weekday, startMinute, endMinute }))
        .sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute),
      absences: absences.map(({ _id, startsAt, endsAt, reason }) => ({
        _id,
        startsAt,
        endsAt,
        reason,
      })),
    };
  },
});

const zWindows = z.array(zWeeklyWindow).max(50, "50 plages au plus.");

/** Replaces the coach's weekly windows (overlapping windows of a day are refused). */
export const setWeekly = userMutation({
  args: { coachId: v.optional(v.id("users")), windows: v.array(vWindow) },
  returns: v.null(),
  handler: async (ctx, { coachId, windows }) => {
    const id = await targetCoach(ctx, ctx.user, coachId);
    const parsed = zWindows.safeParse(windows);
    if (!parsed.success) throw appError("INVALID_ARGUMENT", parsed.error.issues[0]!.message);
    const sorted = [...parsed.data].sort(
      (a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute,
    );
    for (let i = 1; i < sorted.length; i++) {
      if (
        sorted[i]!.weekday === sorted[i - 1]!.weekday &&
        sorted[i]!.startMinute < sorted[i - 1]!.endMinute
      ) {
        throw appError("INVALID_ARGUMENT", "Deux plages du même jour se chevauchent.");
      }
    }
    const old = await ctx.db
      .query("availabilities")
      .withIndex("by_coachId_and_weekday", (q) => q.eq("coachId", id))
      .take(100);
    for (const row of old) await ctx.db.delete(row._id);
    const now = Date.now();
    for (const w of sorted)
      await ctx.db.insert("availabilities", { coachId: id, ...w, createdAt: now });
    await audit(ctx, {
      actorKind: "user",
      actorId: ctx.user._id,
      action: "availability.setWeekly",
      targetTable: "users",
      targetId: id,
      details: { windows: sorted.length },
    });
    return null;
  },
});

/** Replaces the subjects the coach teaches (« any coach of the subject » booking reads them). */
export const setSubjects = userMutation({
  args: { coachId: v.optional(v.id("users")), subjects: v.array(vSubject) },
  returns: v.null(),
  handler: async (ctx, { coachId, subjects }) => {
    const id = await targetCoach(ctx, ctx.user, coachId);
    const wanted = [...new Set(subjects)];
    const old = await ctx.db
      .query("coachSubjects")
      .withIndex("by_coachId", (q) => q.eq("coachId", id))
      .take(10);
    for (const row of old) if (!wanted.includes(row.subject)) await ctx.db.delete(row._id);
    const now = Date.now();
    for (const subject of wanted) {
      if (!old.some((r) => r.subject === subject)) {
        await ctx.db.insert("coachSubjects", { coachId: id, subject, createdAt: now });
      }
    }
    await audit(ctx, {
      actorKind: "user",
      actorId: ctx.user._id,
      action: "availability.setSubjects",
      targetTable: "users",
      targetId: id,
      details: { subjects: wanted.join(",") },
    });
    return null;
  },
});

export const addAbsence = userMutation({
  args: {
    coachId: v.optional(v.id("users")),
    startsAt: v.number(),
    endsAt: v.number(),
    reason: v.string(),
  },
  returns: v.id("availabilityExceptions"),
  handler: async (ctx, { coachId, startsAt, endsAt, reason }) => {
    const id = await targetCoach(ctx, ctx.user, coachId);
    if (!(endsAt > startsAt) || endsAt - startsAt > 90 * 86_400_000) {
      throw appError(
        "INVALID_ARGUMENT",
        "Une absence finit après son début et dure 90 jours au plus.",
      );
    }
    const text = reason.trim();
    if (!text || text.length > 200)
      throw appError("INVALID_ARGUMENT", "Indiquez un motif (200 caractères au plus).");
    const rowId = await ctx.db.insert("availabilityExceptions", {
      coachId: id,
      startsAt,
      endsAt,
      reason: text,
      createdAt: Date.now(),
    });
    await audit(ctx, {
      actorKind: "user",
      actorId: ctx.user._id,
      action: "availability.addAbsence",
      targetTable: "availabilityExceptions",
      targetId: rowId,
      details: { from: formatParisDateTime(startsAt), to: formatParisDateTime(endsAt) },
    });
    return rowId;
  },
});

export const removeAbsence = userMutation({
  args: { absenceId: v.id("availabilityExceptions") },
  returns: v.null(),
  handler: async (ctx, { absenceId }) => {
    const row = await ctx.db.get(absenceId);
    if (!row) throw appError("NOT_FOUND", "Absence introuvable.");
    await targetCoach(ctx, ctx.user, row.coachId);
    await ctx.db.delete(absenceId);
    return null;
  },
});
