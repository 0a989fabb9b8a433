// One e-mail row per (bilan, report version, report bytes, recipient): the worker claims it
// before calling the provider and reports the outcome after. A row still `sending` when a
// later attempt claims it means the worker died between the two, perhaps after the provider
// accepted the message: it is never sent again blindly but marked `unconfirmed`, and staff
// say whether it arrived (emails.confirm) before the job is retried.
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { audit } from "./audit";
import { clearStageFailure, completeDelivery, loadBilanContext } from "./bilanPipeline";
import { appendJobEvent, enqueueJob } from "./jobs";

/**
 * The provider's idempotency key. The report's SHA-256 makes it unique to these bytes, so
 * after a data reset (ids reused) or a new report under the same version, a provider that
 * remembers keys (Resend, 24 h) never confuses two different messages.
 */
export function emailIdempotencyKey(
  bilanId: Id<"bilans">,
  pdfVersion: number,
  pdfSha256: string,
  email: string,
) {
  return `bilan:${bilanId}:v${pdfVersion}:${pdfSha256.slice(0, 16)}:${email.toLowerCase()}`;
}

export const UNCONFIRMED_MESSAGE =
  "Envoi interrompu : le fournisseur a peut-être déjà accepté ce message. Vérifiez s'il est arrivé, puis confirmez l'envoi ou demandez un nouvel envoi.";

export async function claimEmail(
  ctx: MutationCtx,
  args: {
    bilanId: Id<"bilans">;
    pdfVersion: number;
    pdfSha256: string;
    to: string;
    recipientName: string;
    recipientUserId: Id<"users">;
    subject: string;
    template: string;
  },
) {
  const { pdfSha256, ...fields } = args;
  const idempotencyKey = emailIdempotencyKey(args.bilanId, args.pdfVersion, pdfSha256, args.to);
  const existing = await ctx.db
    .query("emails")
    .withIndex("by_idempotencyKey", (q) => q.eq("idempotencyKey", idempotencyKey))
    .unique();
  if (!existing) {
    const emailId = await ctx.db.insert("emails", {
      ...fields,
      status: "sending",
      idempotencyKey,
      createdAt: Date.now(),
    });
    return { emailId, idempotencyKey, skip: false, unconfirmed: false };
  }
  if (existing.status === "sent") {
    return { emailId: existing._id, idempotencyKey, skip: true, unconfirmed: false };
  }
  if (existing.status === "sending" || existing.status === "unconfirmed") {
    await ctx.db.patch(existing._id, { status: "unconfirmed", error: UNCONFIRMED_MESSAGE });
    return { emailId: existing._id, idempotencyKey, skip: true, unconfirmed: true };
  }
  await ctx.db.patch(existing._id, { status: "sending", error: undefined });
  return { emailId: existing._id, idempotencyKey, skip: false, unconfirmed: false };
}

/** Staff's answer for an unconfirmed message: it arrived (sent), or it did not (sent again on retry). */
export async function confirmEmail(
  ctx: MutationCtx,
  actor: Doc<"users">,
  emailId: Id<"emails">,
  delivered: boolean,
) {
  const email = await ctx.db.get(emailId);
  if (!email) throw appError("NOT_FOUND", "E-mail introuvable.");
  if (email.status !== "unconfirmed") {
    throw appError("INVALID_STATE", "Seul un envoi interrompu (à confirmer) peut être confirmé.");
  }
  await ctx.db.patch(emailId, {
    status: delivered ? "sent" : "failed",
    sentAt: delivered ? Date.now() : undefined,
    error: delivered
      ? undefined
      : "Non reçu d'après l'équipe : il sera renvoyé à la prochaine tentative.",
  });
  await audit(ctx, {
    actorKind: "user",
    actorId: actor._id,
    action: delivered ? "email.confirmDelivered" : "email.confirmNotDelivered",
    targetTable: "emails",
    targetId: emailId,
  });
  // The bilan becomes sent only if this message was for its current, approved report.
  const bilan = email.bilanId ? await ctx.db.get(email.bilanId) : null;
  const version = bilan?.pdf?.version;
  if (
    delivered &&
    bilan?.status === "approved" &&
    version !== undefined &&
    version === email.pdfVersion
  ) {
    await completeDelivery(ctx, bilan._id, version);
  }
  return (await ctx.db.get(emailId))!;
}

/** The email.send job's idempotency key for a bilan's report version (model/bilanPipeline.ts savePdf). */
export function sendJobKey(bilanId: Id<"bilans">, pdfVersion: number): string {
  return `email.send:${bilanId}:v${pdfVersion}`;
}

/** The email.send jobs of one bilan and report version: the first one and every resend. */
async function sendJobs(ctx: MutationCtx, bilanId: Id<"bilans">, pdfVersion: number) {
  const key = sendJobKey(bilanId, pdfVersion);
  const first = await ctx.db
    .query("jobs")
    .withIndex("by_idempotencyKey", (q) => q.eq("idempotencyKey", key))
    .take(1);
  const resends = await ctx.db
    .query("jobs")
    .withIndex("by_idempotencyKey", (q) =>
      q.gte("idempotencyKey", `${key}:`).lt("idempotencyKey", `${key}:\uffff`),
    )
    .order("desc")
    .take(20);
  return [...first, ...resends];
}

/**
 * Staff ask for a failed e-mail to be sent again. Only a `failed` row qualifies: a sent one is
 * never sent twice, an interrupted one (« à confirmer ») must be settled first. Every failed row
 * of the same bilan and report version goes back to `queued` and ONE email.send job serves
 * them: a pending one is brought forward, otherwise a new one is enqueued (a running one makes
 * the request wait, so two jobs never claim the same recipient). The job skips every recipient
 * already sent (same idempotency keys as the first send). Calling it again while the e-mail is
 * queued or being sent does nothing (idempotent). Audited.
 */
export async function resendEmail(ctx: MutationCtx, actor: Doc<"users">, emailId: Id<"emails">) {
  const email = await ctx.db.get(emailId);
  if (!email) throw appError("NOT_FOUND", "E-mail introuvable.");
  if (email.status === "queued" || email.status === "sending") {
    return { email, jobId: null, created: false };
  }
  if (email.status === "sent") {
    throw appError(
      "INVALID_STATE",
      "Cet e-mail a déjà été envoyé : il n'est jamais renvoyé une seconde fois.",
    );
  }
  if (email.status === "unconfirmed") {
    throw appError(
      "INVALID_STATE",
      "Cet envoi a été interrompu : indiquez d'abord s'il a été reçu (« Confirmer la réception » ou « Non reçu »).",
    );
  }
  const { bilanId, pdfVersion } = email;
  const bilan = bilanId ? await ctx.db.get(bilanId) : null;
  if (!bilanId || pdfVersion === undefined || !bilan) {
    throw appError(
      "INVALID_STATE",
      "Cet e-mail n'est rattaché à aucun bilan : il ne peut pas être renvoyé.",
    );
  }
  if (!bilan.pdf?.final || bilan.pdf.version !== pdfVersion) {
    throw appError(
      "INVALID_STATE",
      `Le rapport joint (version ${pdfVersion}) a été remplacé depuis : cet e-mail ne peut plus être renvoyé tel quel.`,
    );
  }
  if (!(await isRecipientOf(ctx, bilan, email.to))) {
    throw appError(
      "INVALID_STATE",
      `${email.to} n'est plus destinataire de ce bilan (parent détaché ou compte élève changé) : l'e-mail ne peut pas être renvoyé.`,
    );
  }
  const jobs = await sendJobs(ctx, bilanId, pdfVersion);
  if (jobs.some((job) => job.status === "running")) {
    throw appError(
      "INVALID_STATE",
      "Un envoi est en cours pour ce bilan : attendez qu'il se termine, puis renvoyez cet e-mail s'il est toujours en échec.",
    );
  }
  const now = Date.now();
  const siblings = await ctx.db
    .query("emails")
    .withIndex("by_bilanId", (q) => q.eq("bilanId", bilanId))
    .take(100);
  const requeued = siblings.filter(
    (row) => row.pdfVersion === pdfVersion && row.status === "failed",
  );
  for (const row of requeued) {
    await ctx.db.patch(row._id, { status: "queued", error: undefined });
  }
  const pending = jobs.find((job) => job.status === "pending");
  let jobId: Id<"jobs">;
  let created = false;
  if (pending) {
    jobId = pending._id;
    if (pending.runAt > now) await ctx.db.patch(pending._id, { runAt: now, updatedAt: now });
    await appendJobEvent(ctx, pending._id, "resend_requested", {
      data: { by: `user:${actor._id}`, emailId },
      at: now,
    });
  } else {
    jobId = await enqueueJob(
      ctx,
      "email.send",
      { bilanId, pdfVersion },
      {
        idempotencyKey: `${sendJobKey(bilanId, pdfVersion)}:resend:${emailId}:${now}`,
        target: { table: "bilans", id: bilanId },
        createdBy: actor._id,
      },
    );
    created = true;
  }
  await clearStageFailure(ctx, bilanId, "email");
  await audit(ctx, {
    actorKind: "user",
    actorId: actor._id,
    action: "email.resend",
    targetTable: "emails",
    targetId: emailId,
    details: {
      bilanId,
      pdfVersion,
      jobId,
      requeued: requeued.map((row) => row.to),
    },
  });
  return { email: (await ctx.db.get(emailId))!, jobId, created };
}

/** Whether `to` is still one of the bilan's recipients (a linked parent or the student's account). */
async function isRecipientOf(ctx: MutationCtx, bilan: Doc<"bilans">, to: string) {
  const address = to.toLowerCase();
  const { guardians, studentAccount } = await loadBilanContext(ctx, bilan._id);
  return [...guardians, ...(studentAccount ? [studentAccount] : [])].some(
    (person) => person.email.toLowerCase() === address,
  );
}
