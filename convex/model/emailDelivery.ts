// One e-mail row per (bilan, report version, report bytes, recipient): the worker claims it
// before calling the provider and reports the outcome after. A row still `sending` when a
// later attempt claims it means the worker died between the two, perhaps after the provider
// accepted the message: it is never sent again blindly but marked `unconfirmed`, and staff
// say whether it arrived (emails.confirm) before the job is retried.
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { audit } from "./audit";
import { completeDelivery } from "./bilanPipeline";

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
