// Coach review of generated bilans: edit the synthesis, ask for a regeneration, approve.
// Allowed to the student's assigned coaches, assistante and admin (model/review.ts).
// Edits and approval name the synthesis version they were based on: neither goes through over
// a newer one.
// Regenerations are rate-limited per bilan and per reviewer (model/rateLimits.ts).
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import type { Doc } from "./_generated/dataModel";
import { appError } from "./lib/errors";
import { userMutation, userQuery } from "./lib/functions";
import { isStaff, requireRole } from "./model/access";
import { audit } from "./model/audit";
import { patchBilan } from "./model/bilanHeads";
import { approveBilan, assertTransition } from "./model/bilanPipeline";
import { bilanView, vBilanView } from "./model/bilans";
import { enqueueJob } from "./model/jobs";
import { limitRegeneration } from "./model/rateLimits";
import {
  editSynthesis as editSynthesisModel,
  REVIEWERS,
  requireReviewableBilan,
  requireSynthesisVersion,
  revisionsWithAuthors,
} from "./model/review";
import schema from "./schema";
import { vSynthesis } from "./tables/bilans";
import { vRole } from "./validators";

/**
 * Replaces the synthesis, based on the version the editor loaded (`baseVersion`, the bilan's
 * `synthesisVersion`); CONFLICT when another version landed since. Returns the new version.
 */
export const editSynthesis = userMutation({
  args: { bilanId: v.id("bilans"), synthesis: vSynthesis, baseVersion: v.number() },
  returns: v.object({ synthesisVersion: v.number() }),
  handler: async (ctx, args) => ({
    synthesisVersion: await editSynthesisModel(ctx, ctx.user, args, Date.now()),
  }),
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
    await patchBilan(ctx, bilanId, { status: "generating", failure: undefined, updatedAt: now });
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
      details: { instructions: instructions ?? null, jobId },
    });
    return jobId;
  },
});

/**
 * Approves the synthesis version the reviewer read (`expectedVersion`, the bilan's
 * `synthesisVersion`); CONFLICT, naming who changed it, when another version landed since.
 */
export const approve = userMutation({
  args: {
    bilanId: v.id("bilans"),
    expectedVersion: v.number(),
    coachNote: v.optional(v.string()),
  },
  returns: v.id("jobs"),
  handler: async (ctx, { bilanId, expectedVersion, coachNote }) => {
    const now = Date.now();
    const bilan = await requireReviewableBilan(ctx, ctx.user, bilanId);
    await requireSynthesisVersion(ctx, ctx.user, bilan, expectedVersion, "approve", now);
    const jobId = await approveBilan(ctx, bilan, { userId: ctx.user._id, coachNote }, now);
    await audit(ctx, {
      actorKind: "user",
      actorId: ctx.user._id,
      action: "bilan.approve",
      targetTable: "bilans",
      targetId: bilanId,
      details: { version: expectedVersion },
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
      // Heads first (small rows): only the bilans in review are read whole.
      const heads = await ctx.db
        .query("bilanHeads")
        .withIndex("by_studentId_and_createdAt", (q) => q.eq("studentId", studentId))
        .order("desc")
        .take(20);
      for (const head of heads.filter((h) => h.status === "review")) {
        const bilan = await ctx.db.get(head.bilanId);
        if (bilan) result.push(bilan);
      }
    }
    return result
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .map((bilan) => bilanView(bilan, ctx.user));
  },
});

/** A revision with its author's name and role (none for a generated one). */
const vRevisionView = doc(schema, "bilanRevisions").extend({
  author: v.optional(v.object({ name: v.string(), role: v.optional(vRole) })),
});

/** The bilan's revisions, newest first (at most 50), each naming its author. */
export const revisions = userQuery({
  args: { bilanId: v.id("bilans") },
  returns: v.array(vRevisionView),
  handler: async (ctx, { bilanId }) => {
    await requireReviewableBilan(ctx, ctx.user, bilanId);
    return await revisionsWithAuthors(ctx, bilanId);
  },
});
