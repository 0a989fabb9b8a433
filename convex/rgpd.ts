// Personal-data rights (docs/rgpd.md): export and erasure requests, the staff dry run and
// confirmation, the export's download link (requester only, audited), and the worker side of
// the rgpd.export and rgpd.erase jobs. Rules in model/rgpd.ts, model/erasure.ts,
// model/exports.ts; which tables hold personal data in model/personalData.ts.
import { v } from "convex/values";
import { internal } from "./_generated/api";
import { internalMutation } from "./_generated/server";
import { appError } from "./lib/errors";
import {
  staffMutation,
  staffQuery,
  userAction,
  userMutation,
  userQuery,
  workerMutation,
  workerQuery,
} from "./lib/functions";
import { requireAnyRole, requireUser } from "./model/access";
import { audit } from "./model/audit";
import { planErasure } from "./model/erasure";
import { exportFiles, exportPage, exportSources } from "./model/exports";
import { fileUrl, hashGrantToken, insertGrant, newGrantToken } from "./model/files";
import {
  confirmErasure as confirmErasureModel,
  dryRun as dryRunModel,
  rejectErasure as rejectErasureModel,
  requestErasure as requestErasureModel,
  requestExport as requestExportModel,
  requestView,
  requireRequest,
  subjectFor,
  subjectOf,
} from "./model/rgpd";
import {
  eraseStep as eraseStepModel,
  finishErasure as finishErasureModel,
  finishExport as finishExportModel,
} from "./model/rgpdJobs";
import { vRgpdKind, vRgpdStatus, vTableCounts } from "./tables/rgpd";

const vSubjectArgs = { userId: v.optional(v.id("users")), studentId: v.optional(v.id("students")) };

const vRequestView = v.object({
  _id: v.id("rgpdRequests"),
  kind: vRgpdKind,
  status: vRgpdStatus,
  subjectLabel: v.string(),
  createdAt: v.number(),
  expiresAt: v.optional(v.number()),
  size: v.optional(v.number()),
  finishedAt: v.optional(v.number()),
  error: v.optional(v.string()),
});

/** Export of the caller's data, a guarded child's, or (staff) anyone's: a job builds the ZIP. */
export const requestExport = userMutation({
  args: vSubjectArgs,
  returns: v.id("rgpdRequests"),
  handler: async (ctx, args) => {
    requireAnyRole(ctx.user);
    return await requestExportModel(ctx, ctx.user, args);
  },
});

/** Erasure request for the caller, a guarded child, or (staff) anyone: staff then decide. */
export const requestErasure = userMutation({
  args: vSubjectArgs,
  returns: v.id("rgpdRequests"),
  handler: async (ctx, args) => {
    requireAnyRole(ctx.user);
    return await requestErasureModel(ctx, ctx.user, args);
  },
});

/** The caller's own requests, newest first (live on « Mes données »). */
export const myRequests = userQuery({
  args: {},
  returns: v.array(vRequestView),
  handler: async (ctx) => {
    requireAnyRole(ctx.user);
    const rows = await ctx.db
      .query("rgpdRequests")
      .withIndex("by_requestedBy_and_createdAt", (q) => q.eq("requestedBy", ctx.user._id))
      .order("desc")
      .take(20);
    return rows.map(requestView);
  },
});

/** A five-minute download URL of a ready export, for its requester only (audited). */
export const exportUrl = userAction({
  args: { requestId: v.id("rgpdRequests") },
  returns: v.object({ url: v.string(), expiresAt: v.number() }),
  handler: async (ctx, { requestId }): Promise<{ url: string; expiresAt: number }> => {
    const token = newGrantToken();
    const url = fileUrl(token);
    const expiresAt: number = await ctx.runMutation(internal.rgpd.grantExport, {
      requestId,
      tokenHash: await hashGrantToken(token),
    });
    return { url, expiresAt };
  },
});

export const grantExport = internalMutation({
  args: { requestId: v.id("rgpdRequests"), tokenHash: v.string() },
  returns: v.number(),
  handler: async (ctx, { requestId, tokenHash }) => {
    const user = requireAnyRole(await requireUser(ctx));
    const request = await ctx.db.get(requestId);
    // The requester only — not even staff: the link is theirs.
    if (request?.kind !== "export" || request.requestedBy !== user._id) {
      throw appError("NOT_FOUND", "Export introuvable.");
    }
    const now = Date.now();
    if (request.status !== "ready" || !request.storageId || (request.expiresAt ?? 0) <= now) {
      throw appError("INVALID_STATE", "Cet export n’est pas (ou plus) disponible.");
    }
    await audit(ctx, {
      actorKind: "user",
      actorId: user._id,
      action: "rgpd.export.download",
      targetTable: "rgpdRequests",
      targetId: requestId,
    });
    const date = new Date(request.createdAt).toISOString().slice(0, 10);
    return await insertGrant(
      ctx,
      user,
      {
        storageId: request.storageId,
        filename: `nexus-reussite-donnees-${date}.zip`,
        contentType: "application/zip",
      },
      tokenHash,
      now,
    );
  },
});

/** Staff: requests of one kind (and status), newest first. */
export const listRequests = staffQuery({
  args: { kind: vRgpdKind, status: v.optional(vRgpdStatus) },
  returns: v.array(vRequestView),
  handler: async (ctx, { kind, status }) => {
    const rows = status
      ? await ctx.db
          .query("rgpdRequests")
          .withIndex("by_kind_and_status_and_createdAt", (q) =>
            q.eq("kind", kind).eq("status", status),
          )
          .order("desc")
          .take(50)
      : await ctx.db
          .query("rgpdRequests")
          .withIndex("by_kind_and_status_and_createdAt", (q) => q.eq("kind", kind))
          .order("desc")
          .take(50);
    return rows.map(requestView);
  },
});

const vCounts = vTableCounts;

/** Staff: the dry run of an erasure request — rows and files per table (exact), or the job's totals. */
export const erasurePlan = staffQuery({
  args: { requestId: v.id("rgpdRequests") },
  returns: v.object({ request: vRequestView, plan: vCounts, done: v.optional(vCounts) }),
  handler: async (ctx, { requestId }) => {
    const { request, plan } = await dryRunModel(ctx, requestId);
    return {
      request: requestView(request),
      plan,
      ...(request.done ? { done: request.done } : {}),
    };
  },
});

/** Staff (CLI `rgpd erase --dry-run`): the dry run for a person, without a request. */
export const planFor = staffQuery({
  args: vSubjectArgs,
  returns: v.object({ subjectLabel: v.string(), plan: vCounts }),
  handler: async (ctx, args) => {
    const subject = await subjectFor(ctx, ctx.user, args);
    return { subjectLabel: subject.label, plan: await planErasure(ctx, subject) };
  },
});

/** Staff confirm an erasure: the account is deactivated at once and the job erases in batches. */
export const confirmErasure = staffMutation({
  args: { requestId: v.id("rgpdRequests") },
  returns: v.id("jobs"),
  handler: async (ctx, { requestId }) => await confirmErasureModel(ctx, ctx.user, requestId),
});

export const rejectErasure = staffMutation({
  args: { requestId: v.id("rgpdRequests"), reason: v.string() },
  returns: v.null(),
  handler: async (ctx, { requestId, reason }) => {
    const text = reason.trim();
    if (text.length < 3 || text.length > 500) {
      throw appError("INVALID_ARGUMENT", "Indiquez la raison du refus (3 à 500 caractères).");
    }
    await rejectErasureModel(ctx, ctx.user, requestId, text);
    return null;
  },
});

// ---- Worker side of the jobs -------------------------------------------------------------

/** What the export contains: tables (with the fields that find the rows) and files (URLs). */
export const exportManifest = workerQuery({
  args: { requestId: v.id("rgpdRequests") },
  returns: v.object({
    status: vRgpdStatus,
    subjectLabel: v.string(),
    requestedAt: v.number(),
    sources: v.array(
      v.object({
        table: v.string(),
        label: v.string(),
        description: v.string(),
        paths: v.array(v.string()),
      }),
    ),
    files: v.array(v.object({ table: v.string(), name: v.string(), url: v.string() })),
  }),
  handler: async (ctx, { requestId }) => {
    const request = await requireRequest(ctx, requestId, "export");
    const subject = subjectOf(request);
    const files = [];
    for (const file of await exportFiles(ctx, subject)) {
      const url = await ctx.storage.getUrl(file.storageId);
      if (url) files.push({ table: file.table, name: file.name, url });
    }
    return {
      status: request.status,
      subjectLabel: request.subjectLabel,
      requestedAt: request.createdAt,
      sources: exportSources(subject),
      files,
    };
  },
});

/** One page of the subject's rows of a table, found through one field. */
export const exportRows = workerQuery({
  args: {
    requestId: v.id("rgpdRequests"),
    table: v.string(),
    path: v.string(),
    cursor: v.union(v.string(), v.null()),
  },
  returns: v.object({ rows: v.array(v.any()), cursor: v.string(), isDone: v.boolean() }),
  handler: async (ctx, { requestId, table, path, cursor }) => {
    const request = await requireRequest(ctx, requestId, "export");
    const page = await exportPage(ctx, subjectOf(request), table, path, cursor);
    return { rows: page.page, cursor: page.continueCursor, isDone: page.isDone };
  },
});

export const exportUploadUrl = workerMutation({
  args: {},
  returns: v.string(),
  handler: async (ctx) => await ctx.storage.generateUploadUrl(),
});

export const finishExport = workerMutation({
  args: { requestId: v.id("rgpdRequests"), storageId: v.id("_storage"), size: v.number() },
  returns: v.null(),
  handler: async (ctx, { requestId, storageId, size }) => {
    await finishExportModel(ctx, requestId, storageId, size);
    return null;
  },
});

/** The erasure job's view of its request (the Clerk subject to delete at the end). */
export const erasureInfo = workerQuery({
  args: { requestId: v.id("rgpdRequests") },
  returns: v.object({ status: vRgpdStatus, authSubject: v.optional(v.string()) }),
  handler: async (ctx, { requestId }) => {
    const request = await requireRequest(ctx, requestId, "erasure");
    return {
      status: request.status,
      ...(request.authSubject ? { authSubject: request.authSubject } : {}),
    };
  },
});

/** One batch of an erasure (at most 200 writes); call again until `done`. */
export const eraseStep = workerMutation({
  args: { requestId: v.id("rgpdRequests") },
  returns: v.object({ done: v.boolean(), counts: vCounts }),
  handler: async (ctx, { requestId }) => await eraseStepModel(ctx, requestId),
});

export const finishErasure = workerMutation({
  args: { requestId: v.id("rgpdRequests"), clerk: v.string() },
  returns: v.null(),
  handler: async (ctx, { requestId, clerk }) => {
    await finishErasureModel(ctx, requestId, clerk);
    return null;
  },
});
