// invitation.send: the invitation e-mail of one token generation. The job names only
// (invitationId, generation): the token is drawn here, at send time, and kept in memory for the
// link; Convex stores its SHA-256 only (invitations.beginSend), which replaces any earlier hash,
// so neither the database nor the job log ever holds a working link. One `emails` row per
// (invitation, generation): a retried job whose e-mail went out sends nothing; an attempt that
// died mid-send is sent again with a new token (the first link is then dead). A revoked,
// accepted, expired or resent invitation is skipped.
import { EmailSendError } from "@nexus/email/email-sender";
import { jobPayloadSchemas } from "@nexus/shared/jobs";
import { redactSecrets } from "@nexus/shared/redact";
import { api } from "../../../../convex/_generated/api";
import type { Id } from "../../../../convex/_generated/dataModel";
import { errorMessage, NonRetryableError } from "../errors.ts";
import { defineHandler } from "../handler.ts";
import type { PipelineServices } from "../pipeline/services.ts";

/** 32 random bytes, base64url: the link's secret (256 bits). */
export function mintInvitationToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function invitationSendHandler(services: PipelineServices) {
  return defineHandler({
    kind: "invitation.send",
    schema: jobPayloadSchemas["invitation.send"],
    timeoutMs: 60_000,
    retry: { baseMs: 10_000, maxMs: 10 * 60_000 },
    async run({ invitationId, generation }, { convex, log }) {
      const id = invitationId as Id<"invitations">;
      const context = await convex.query(api.invitations.sendContext, {
        invitationId: id,
        generation,
        now: Date.now(),
      });
      if (!context.send) return { skipped: context.reason };

      const token = mintInvitationToken();
      const { renderInvitationEmail } = await import("@nexus/email/render-invitation-email");
      const email = await renderInvitationEmail({
        role: context.role,
        inviterName: context.inviterName,
        students: context.studentNames,
        acceptUrl: `${services.appUrl}/invitation/${token}`,
        expiresAt: context.expiresAt,
      });
      const tokenHash = await sha256Hex(token);
      const begun = await convex.mutation(api.invitations.beginSend, {
        invitationId: id,
        generation,
        tokenHash,
        subject: email.subject,
      });
      if (!begun.send) return { skipped: begun.reason };

      const sender = await services.emailSender();
      try {
        const result = await sender.send({
          to: { email: context.to },
          subject: email.subject,
          html: email.html,
          text: email.text,
          // Per token: a provider that remembers keys never confuses two links.
          idempotencyKey: `invitation:${invitationId}:g${generation}:${tokenHash.slice(0, 16)}`,
        });
        await convex.mutation(api.invitations.finishSend, {
          invitationId: id,
          generation,
          emailId: begun.emailId,
          status: "sent",
          provider: result.provider,
          providerId: result.providerId,
          outboxPath: result.outboxPath,
        });
        return { sent: true, provider: result.provider };
      } catch (error) {
        const retryable = error instanceof EmailSendError ? error.retryable : true;
        // Stored on the e-mail row and in the job's error: never a provider key or the link.
        const reason = redactSecrets(errorMessage(error)).replaceAll(token, "…");
        log.warn("invitation.email_failed", { invitationId, error: reason, retryable });
        await convex.mutation(api.invitations.finishSend, {
          invitationId: id,
          generation,
          emailId: begun.emailId,
          status: "failed",
          error: reason,
        });
        const message = `Envoi de l'invitation impossible (${reason}).`;
        throw retryable ? new Error(message) : new NonRetryableError(message);
      }
    },
  });
}
