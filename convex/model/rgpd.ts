// Export and erasure requests (docs/rgpd.md). Who may ask: anyone for themself, a parent for
// a child they guard, an élève for their own record, staff for anyone. An export is built at
// once by a job (rgpd.export) and its ZIP shown to the requester only, for 7 days. An erasure
// waits for staff: they read the dry run (model/erasure.ts planErasure), then confirm, which
// deactivates the account at once (no sign-in during or after) and queues rgpd.erase.
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { isStaff, type User } from "./access";
import { audit } from "./audit";
import { planErasure, pseudonymFor, resolveSubject, type Subject } from "./erasure";
import { enqueueJob } from "./jobs";
import { notify, notifyMany, staffIds } from "./notifications";
import { consume } from "./rateLimits";

export const EXPORT_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface SubjectArgs {
  userId?: Id<"users">;
  studentId?: Id<"students">;
}

/** The subject the caller may act on (NOT_FOUND for a person they may not see). */
export async function subjectFor(ctx: QueryCtx, user: User, args: SubjectArgs): Promise<Subject> {
  const target = args.userId || args.studentId ? args : { userId: user._id };
  if (!isStaff(user)) {
    if (target.userId && target.userId !== user._id) {
      throw appError("NOT_FOUND", "Cette personne est introuvable.");
    }
    if (target.studentId) {
      const student = await ctx.db.get(target.studentId);
      const guards =
        student &&
        (student.userId === user._id ||
          (user.role === "parent" &&
            (await ctx.db
              .query("guardianships")
              .withIndex("by_parentId_and_studentId", (q) =>
                q.eq("parentId", user._id).eq("studentId", target.studentId!),
              )
              .first()) !== null));
      if (!guards) throw appError("NOT_FOUND", "Cet élève est introuvable.");
    }
  }
  return await resolveSubject(ctx, target);
}

async function insertRequest(
  ctx: MutationCtx,
  user: User,
  kind: "export" | "erasure",
  subject: Subject,
  status: Doc<"rgpdRequests">["status"],
): Promise<Id<"rgpdRequests">> {
  const now = Date.now();
  return await ctx.db.insert("rgpdRequests", {
    kind,
    ...(subject.userId ? { subjectUserId: subject.userId } : {}),
    ...(subject.studentId ? { subjectStudentId: subject.studentId } : {}),
    subjectLabel: subject.label,
    requestedBy: user._id,
    status,
    createdAt: now,
    updatedAt: now,
  });
}

export async function requestExport(
  ctx: MutationCtx,
  user: User,
  args: SubjectArgs,
): Promise<Id<"rgpdRequests">> {
  const subject = await subjectFor(ctx, user, args);
  await consume(ctx, "rgpdRequestsPerUser", user._id);
  const requestId = await insertRequest(ctx, user, "export", subject, "running");
  const jobId = await enqueueJob(
    ctx,
    "rgpd.export",
    { requestId },
    { idempotencyKey: `rgpd.export:${requestId}`, createdBy: user._id, maxAttempts: 3 },
  );
  await ctx.db.patch(requestId, { jobId });
  await audit(ctx, {
    actorKind: "user",
    actorId: user._id,
    action: "rgpd.export.request",
    targetTable: "rgpdRequests",
    targetId: requestId,
    details: { subject: subject.label },
  });
  return requestId;
}

export async function requestErasure(
  ctx: MutationCtx,
  user: User,
  args: SubjectArgs,
): Promise<Id<"rgpdRequests">> {
  const subject = await subjectFor(ctx, user, args);
  if (subject.userId && isStaff(user) && subject.userId === user._id && user.role === "admin") {
    throw appError(
      "INVALID_ARGUMENT",
      "Un administrateur ne peut pas demander son propre effacement.",
    );
  }
  await consume(ctx, "rgpdRequestsPerUser", user._id);
  const requestId = await insertRequest(ctx, user, "erasure", subject, "pending");
  await audit(ctx, {
    actorKind: "user",
    actorId: user._id,
    action: "rgpd.erasure.request",
    targetTable: "rgpdRequests",
    targetId: requestId,
    details: { subject: subject.label },
  });
  await notifyMany(ctx, await staffIds(ctx), {
    kind: "legal",
    title: "Demande d’effacement à examiner",
    body: `Effacement demandé pour ${subject.label}. Consultez la simulation avant de confirmer.`,
    link: `/admin/rgpd/${requestId}`,
  });
  return requestId;
}

export async function requireRequest(
  ctx: QueryCtx,
  requestId: Id<"rgpdRequests">,
  kind: "export" | "erasure",
): Promise<Doc<"rgpdRequests">> {
  const request = await ctx.db.get(requestId);
  if (!request || request.kind !== kind) throw appError("NOT_FOUND", "Demande introuvable.");
  return request;
}

export function subjectOf(request: Doc<"rgpdRequests">): Subject {
  return {
    ...(request.subjectUserId ? { userId: request.subjectUserId } : {}),
    ...(request.subjectStudentId ? { studentId: request.subjectStudentId } : {}),
    label: request.subjectLabel,
  };
}

/** Staff: the dry run of a pending erasure (counts per table, recomputed on every read). */
export async function dryRun(ctx: QueryCtx, requestId: Id<"rgpdRequests">) {
  const request = await requireRequest(ctx, requestId, "erasure");
  const plan =
    request.status === "pending"
      ? await planErasure(ctx, subjectOf(request))
      : (request.plan ?? {});
  return { request, plan };
}

/** Staff confirm: the account is deactivated now and rgpd.erase erases in batches. */
export async function confirmErasure(
  ctx: MutationCtx,
  staff: User,
  requestId: Id<"rgpdRequests">,
): Promise<Id<"jobs">> {
  const request = await requireRequest(ctx, requestId, "erasure");
  if (request.status !== "pending") {
    throw appError("INVALID_STATE", "Cette demande a déjà été traitée.");
  }
  const subject = subjectOf(request);
  if (subject.userId === staff._id) {
    throw appError("INVALID_ARGUMENT", "Vous ne pouvez pas confirmer votre propre effacement.");
  }
  const plan = await planErasure(ctx, subject);
  const now = Date.now();
  let authSubject: string | undefined;
  if (subject.userId) {
    const user = await ctx.db.get(subject.userId);
    if (user && user.deactivatedAt === undefined) {
      await ctx.db.patch(user._id, { deactivatedAt: now });
    }
    // "issuer|subject": under Clerk the subject is the Clerk user id the job deletes.
    authSubject = user?.tokenIdentifier.split("|").slice(1).join("|") || undefined;
  }
  const jobId = await enqueueJob(
    ctx,
    "rgpd.erase",
    { requestId },
    { idempotencyKey: `rgpd.erase:${requestId}`, createdBy: staff._id, maxAttempts: 10 },
  );
  await ctx.db.patch(requestId, {
    status: "running",
    plan,
    done: {},
    pseudonym: await pseudonymFor(requestId),
    ...(authSubject ? { authSubject } : {}),
    confirmedBy: staff._id,
    confirmedAt: now,
    jobId,
    updatedAt: now,
  });
  await audit(ctx, {
    actorKind: "user",
    actorId: staff._id,
    action: "rgpd.erasure.confirm",
    targetTable: "rgpdRequests",
    targetId: requestId,
    details: { plan },
  });
  return jobId;
}

export async function rejectErasure(
  ctx: MutationCtx,
  staff: User,
  requestId: Id<"rgpdRequests">,
  reason: string,
): Promise<void> {
  const request = await requireRequest(ctx, requestId, "erasure");
  if (request.status !== "pending") {
    throw appError("INVALID_STATE", "Cette demande a déjà été traitée.");
  }
  const now = Date.now();
  await ctx.db.patch(requestId, {
    status: "rejected",
    error: reason,
    updatedAt: now,
    finishedAt: now,
  });
  await audit(ctx, {
    actorKind: "user",
    actorId: staff._id,
    action: "rgpd.erasure.reject",
    targetTable: "rgpdRequests",
    targetId: requestId,
    details: { reason },
  });
  await notify(ctx, {
    userId: request.requestedBy,
    kind: "legal",
    title: "Demande d’effacement refusée",
    body: `Votre demande d’effacement pour ${request.subjectLabel} a été refusée : ${reason}`,
    link: "/mes-donnees",
  });
}

/** A request as its requester or staff see it. */
export function requestView(request: Doc<"rgpdRequests">) {
  return {
    _id: request._id,
    kind: request.kind,
    status: request.status,
    subjectLabel: request.subjectLabel,
    createdAt: request.createdAt,
    ...(request.expiresAt !== undefined ? { expiresAt: request.expiresAt } : {}),
    ...(request.size !== undefined ? { size: request.size } : {}),
    ...(request.finishedAt !== undefined ? { finishedAt: request.finishedAt } : {}),
    ...(request.error !== undefined ? { error: request.error } : {}),
  };
}
