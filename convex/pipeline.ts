// Worker-only functions of the bilan pipeline (bilan.generate, bilan.pdf, email.send).
// Called with the worker's service token; the state rules live in model/bilanPipeline.ts.
// Failures are not reported here: what a failed job means for its bilan is decided by
// model/jobOutcomes.ts when the job ends.

import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { workerMutation, workerQuery } from "./lib/functions";
import {
  completeDelivery,
  loadBilanContext,
  saveGeneratedSynthesis,
  savePdf,
  startGeneration,
} from "./model/bilanPipeline";
import { claimEmail } from "./model/emailDelivery";
import { storageReference } from "./model/uploads";
import schema from "./schema";
import { vBilanScores, vGenerationMeta, vRetrievedSource, vSynthesis } from "./tables/bilans";
import { vSalutation } from "./tables/people";
import { vEmailStatus } from "./validators";

const vPerson = v.object({ userId: v.id("users"), name: v.string(), email: v.string() });
const vGuardian = v.object({
  userId: v.id("users"),
  name: v.string(),
  email: v.string(),
  salutation: v.optional(vSalutation),
});

export const bilanContext = workerQuery({
  args: { bilanId: v.id("bilans") },
  returns: v.object({
    bilan: doc(schema, "bilans"),
    student: doc(schema, "students"),
    guardians: v.array(vGuardian),
    studentAccount: v.union(vPerson, v.null()),
    approverName: v.union(v.string(), v.null()),
    /** The previous approved bilan of the same subject, for the progress shown to the family. */
    previous: v.union(
      v.object({ bilanId: v.id("bilans"), date: v.number(), scores: vBilanScores }),
      v.null(),
    ),
  }),
  handler: async (ctx, { bilanId }) => await loadBilanContext(ctx, bilanId),
});

export const beginGeneration = workerMutation({
  args: { bilanId: v.id("bilans") },
  returns: v.null(),
  handler: async (ctx, { bilanId }) => {
    await startGeneration(ctx, bilanId);
    return null;
  },
});

/** Saves a generated synthesis with what its run used (job, retrieved passages) for provenance. */
export const saveSynthesis = workerMutation({
  args: {
    bilanId: v.id("bilans"),
    synthesis: vSynthesis,
    generation: vGenerationMeta,
    jobId: v.optional(v.id("jobs")),
    retrieved: v.optional(v.array(vRetrievedSource)),
  },
  returns: v.null(),
  handler: async (ctx, { bilanId, synthesis, generation, jobId, retrieved }) => {
    await saveGeneratedSynthesis(ctx, bilanId, synthesis, generation, {
      run: { jobId, retrieved },
    });
    return null;
  },
});

export const generateUploadUrl = workerMutation({
  args: {},
  returns: v.string(),
  handler: async (ctx) => await ctx.storage.generateUploadUrl(),
});

export const recordPdf = workerMutation({
  args: {
    bilanId: v.id("bilans"),
    storageId: v.id("_storage"),
    size: v.number(),
    final: v.boolean(),
    /** The bilan.pdf job that built the file (kept in the bilan's PDF history). */
    jobId: v.optional(v.id("jobs")),
  },
  returns: v.union(
    v.object({ accepted: v.literal(true), version: v.number() }),
    v.object({ accepted: v.literal(false), reason: v.string() }),
  ),
  handler: async (ctx, args) => {
    // A file that already belongs to something (a document, a report, a claimed upload) is
    // never adopted nor deleted: savePdf would replace, then delete, what it does not own.
    if ((await storageReference(ctx, args.storageId)) !== null) {
      return { accepted: false as const, reason: "fichier déjà utilisé ailleurs, ignoré" };
    }
    return await savePdf(ctx, args);
  },
});

export const pdfUrl = workerQuery({
  args: { bilanId: v.id("bilans") },
  returns: v.union(v.object({ url: v.string(), version: v.number() }), v.null()),
  handler: async (ctx, { bilanId }) => {
    const bilan = await ctx.db.get(bilanId);
    if (!bilan?.pdf) return null;
    const url = await ctx.storage.getUrl(bilan.pdf.storageId);
    return url ? { url, version: bilan.pdf.version } : null;
  },
});

/**
 * Claims one recipient's email row: `skip` when that message was already sent, or when an
 * earlier attempt died mid-send (`unconfirmed`: staff must confirm before it is sent again).
 */
export const beginEmail = workerMutation({
  args: {
    bilanId: v.id("bilans"),
    pdfVersion: v.number(),
    pdfSha256: v.string(),
    to: v.string(),
    recipientName: v.string(),
    recipientUserId: v.id("users"),
    subject: v.string(),
    template: v.string(),
  },
  returns: v.object({
    emailId: v.id("emails"),
    idempotencyKey: v.string(),
    skip: v.boolean(),
    unconfirmed: v.boolean(),
  }),
  handler: async (ctx, args) => await claimEmail(ctx, args),
});

export const finishEmail = workerMutation({
  args: {
    emailId: v.id("emails"),
    status: vEmailStatus,
    provider: v.optional(v.union(v.literal("resend"), v.literal("outbox"))),
    providerId: v.optional(v.string()),
    outboxPath: v.optional(v.string()),
    error: v.optional(v.string()),
  },
  returns: v.null(),
  handler: async (ctx, { emailId, ...fields }) => {
    await ctx.db.patch(emailId, {
      ...fields,
      sentAt: fields.status === "sent" ? Date.now() : undefined,
    });
    return null;
  },
});

export const completeEmails = workerMutation({
  args: { bilanId: v.id("bilans"), pdfVersion: v.number() },
  returns: v.object({ sent: v.boolean(), pending: v.array(v.string()) }),
  handler: async (ctx, { bilanId, pdfVersion }) => await completeDelivery(ctx, bilanId, pdfVersion),
});
