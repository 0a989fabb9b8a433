// The one interface every email transport implements (Resend in production,
// the local outbox offline), the validated shape of an outgoing message and
// the typed error a failed send raises.
import { formatIssues } from "@nexus/shared/zod-fr";
import { z } from "zod";
import { zRecipient } from "./mailbox";

export const zEmailAttachment = z.object({
  filename: z.string().trim().min(1).max(200),
  content: z.instanceof(Uint8Array).refine((b) => b.byteLength > 0, "pièce jointe vide"),
  contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, "type MIME invalide"),
});
export type EmailAttachment = z.infer<typeof zEmailAttachment>;

export const zOutgoingEmail = z.object({
  /** Structured, never « Nom <adresse> » text: a display name cannot add a recipient. */
  to: zRecipient,
  subject: z.string().trim().min(1).max(300),
  html: z.string().min(1),
  text: z.string().min(1),
  attachments: z.array(zEmailAttachment).default([]),
  /** One key per (bilan, version, recipient): a retried job must never send twice. */
  idempotencyKey: z.string().trim().min(1).max(256),
  /**
   * Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post on every e-mail a person
   * may turn off (RFC 2369, RFC 8058). Printable ASCII only (no line breaks: no injection).
   */
  headers: z
    .record(
      z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,60}$/),
      z.string().regex(/^[\x20-\x7e]{1,900}$/),
    )
    .optional(),
  /** Resend tags: ASCII letters, digits, underscores and dashes only. */
  tags: z
    .array(
      z.object({
        name: z.string().regex(/^[\w-]{1,256}$/),
        value: z.string().regex(/^[\w-]{1,256}$/),
      }),
    )
    .optional(),
});
export type OutgoingEmail = z.input<typeof zOutgoingEmail>;

export interface SendResult {
  provider: "resend" | "outbox";
  providerId: string;
  /** Absolute path of the .eml file (outbox only). */
  outboxPath?: string;
  /** True when the key had already been sent and nothing new went out. */
  deduplicated: boolean;
}

export interface EmailSender {
  readonly provider: "resend" | "outbox";
  send(email: OutgoingEmail): Promise<SendResult>;
}

export class EmailSendError extends Error {
  constructor(
    message: string,
    readonly details: {
      provider: "resend" | "outbox";
      /** Worth retrying later (rate limit, server error, network). */
      retryable: boolean;
      status?: number;
      code?: string;
    },
  ) {
    super(message);
    this.name = "EmailSendError";
  }

  get retryable(): boolean {
    return this.details.retryable;
  }
}

export function parseOutgoingEmail(
  email: OutgoingEmail,
  provider: "resend" | "outbox",
): z.output<typeof zOutgoingEmail> {
  const parsed = zOutgoingEmail.safeParse(email);
  if (!parsed.success) {
    throw new EmailSendError(`E-mail invalide :\n${formatIssues(parsed.error)}`, {
      provider,
      retryable: false,
      code: "invalid_email",
    });
  }
  return parsed.data;
}
