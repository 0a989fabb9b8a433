// Coach review of generated bilans: edit the synthesis, ask for a regeneration, approve.
// Allowed to the student's assigned coaches, assistante and admin (canWriteStudent).
// Regenerations are rate-limited per bilan and per reviewer (model/rateLimits.ts).
import { zSynthesis } from "@nexus/shared/synthesis";
import { formatIssues } from "@nexus/shared/zod-fr";
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import type { Doc, Id } from "./_generated/dataModel";
import type { QueryCtx } from "./_generated/server";
import { appError } from "./lib/errors";
import { userMutation, userQuery } from "./lib/functions";
import { canWriteStudent, isStaff, requireRole, type User } from "./model/access";
import { audit } from "./model/audit";
import { approveBilan, assertTransition } from "./model/bilanPipeline";
import { bilanView, vBilanView } from "./model/bilans";
import { enqueueJob } from "./model/jobs";
import { limitRegeneration } from "./model/rateLimits";
import schema from "./schema";
import { vSynthesis } from "./tables/bilans";

const REVIEWERS = ["admin", "assistante", "coach"] as const;

async function requireReviewableBilan(ctx: QueryCtx, user: User, bilanId: Id<"bilans">) {
  requireRole(user, REVIEWERS);
  const bilan = await ctx.db.get(bilanId);
  if (!bilan || !(await canWriteStudent(ctx, user, bilan.studentId))) {
    throw appError("NOT_FOUND", "Bilan introuvable.");
  }
  return bilan;
}

export const editSynthesis = userMutation({
  args: { bilanId: v.id("bilans"), synthesis: vSynthesis },
  returns: v.null(),
  handler: async (ctx, { bilanId, synthesis }) => {
    const bilan = await requireReviewableBilan(ctx, ctx.user, bilanId);
    if (bilan.status !== "review") {
      throw appError("INVALID_STATE", "Seul un bilan en relecture peut être modifié.");
    }
    const parsed = zSynthesis.safeParse(synthesis);
    if (!parsed.success)
      throw appError(
        "INVALID_ARGUMENT",
        `La synthèse est invalide :\n${formatIssues(parsed.error)}`,
      );
    const now = Date.now();
    await ctx.db.patch(bilanId, { synthesis: parsed.data, updatedAt: now });
    await ctx.db.insert("bilanRevisions", {
      bilanId,
      source: "edited",
      synthesis: parsed.data,
      authorId: ctx.user._id,
      createdAt: now,
    });
    await audit(ctx, {
      actorKind: "user",
      actorId: ctx.user._id,
      action: "bilan.editSynthesis",
      targetTable: "bilans",
      targetId: bilanId,
    });
    return null;
  },
});

export const requestRegeneration = userMutation({
  args: { bilanId: v.id("bilans"), instructions: v.optional(v.string()) },
  returns: v.id("jobs"),
  handler: async (ctx, { bilanId, instructions }) => {
    const bilan = await requireReviewableBilan(ctx, ctx.user, bilanId);
    if (bilan.status === "generating") {
      throw appError("INVALID_STATE", "Une génération est déjà en cours pour ce bilan.");
    }
    assertTransition(bilan, "generating");
    if (instructions !== undefined && instructions.length > 2000) {
      throw appError("INVALID_ARGUMENT", "Les consignes sont limitées à 2 000 caractères.");
    }
    // Per bilan and per reviewer, before any write (model/rateLimits.ts).
    await limitRegeneration(ctx, ctx.user, bilanId);
    const now = Date.now();
    await ctx.db.patch(bilanId, { status: "generating", failure: undefined, updatedAt: now });
    const jobId = await enqueueJob(
      ctx,
      "bilan.generate",
      { bilanId, instructions: instructions?.trim() || undefined },
      {
        idempotencyKey: `bilan.generate:${bilanId}:regen:${now}`,
        target: { table: "bilans", id: bilanId },
        createdBy: ctx.user._id,
      },
    );
    await audit(ctx, {
      actorKind: "user",
      actorId: ctx.user._id,
      action: "bilan.requestRegeneration",
      targetTable: "bilans",
      targetId: bilanId,
      details: { instructions: instructions ?? null },
    });
    return jobId;
  },
});

export const approve = userMutation({
  args: { bilanId: v.id("bilans"), coachNote: v.optional(v.string()) },
  returns: v.id("jobs"),
  handler: async (ctx, { bilanId, coachNote }) => {
    const bilan = await requireReviewableBilan(ctx, ctx.user, bilanId);
    const jobId = await approveBilan(ctx, bilan, { userId: ctx.user._id, coachNote }, Date.now());
    await audit(ctx, {
      actorKind: "user",
      actorId: ctx.user._id,
      action: "bilan.approve",
      targetTable: "bilans",
      targetId: bilanId,
    });
    return jobId;
  },
});

/** Bilans waiting for review that the caller may review, most recently updated first (no storage ids). */
export const queue = userQuery({
  args: {},
  returns: v.array(vBilanView),
  handler: async (ctx) => {
    requireRole(ctx.user, REVIEWERS);
    if (isStaff(ctx.user)) {
      const waiting = await ctx.db
        .query("bilans")
        .withIndex("by_status_and_updatedAt", (q) => q.eq("status", "review"))
        .order("desc")
        .take(100);
      return waiting.map((bilan) => bilanView(bilan, ctx.user));
    }
    const assignments = await ctx.db
      .query("coachAssignments")
      .withIndex("by_coachId_and_studentId", (q) => q.eq("coachId", ctx.user._id))
      .take(200);
    const result: Doc<"bilans">[] = [];
    for (const { studentId } of assignments) {
      const bilans = await ctx.db
        .query("bilans")
        .withIndex("by_studentId_and_createdAt", (q) => q.eq("studentId", studentId))
        .order("desc")
        .take(20);
      result.push(...bilans.filter((b) => b.status === "review"));
    }
    return result
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .map((bilan) => bilanView(bilan, ctx.user));
  },
});

export const revisions = userQuery({
  args: { bilanId: v.id("bilans") },
  returns: v.array(doc(schema, "bilanRevisions")),
  handler: async (ctx, { bilanId }) => {
    await requireReviewableBilan(ctx, ctx.user, bilanId);
    return await ctx.db
      .query("bilanRevisions")
      .withIndex("by_bilanId_and_createdAt", (q) => q.eq("bilanId", bilanId))
      .order("desc")
      .take(50);
  },
});
