// Production email transport through the Resend SDK. Every send carries the
// caller's idempotency key (Resend's Idempotency-Key header: a repeat within
// 24 h returns the first email instead of sending again); within a process a
// key that already got an id is not sent a second time at all. Failures become
// EmailSendError with `retryable` set for rate limits, server and network errors.
import { createHash } from "node:crypto";
import { Resend } from "resend";
import {
  EmailSendError,
  type EmailSender,
  type OutgoingEmail,
  parseOutgoingEmail,
  type SendResult,
} from "./email-sender";
import { formatAddress, parseMailbox } from "./mailbox";

export interface ResendSenderOptions {
  apiKey: string;
  from: string;
  /** API base URL; the SDK defaults to RESEND_BASE_URL, then https://api.resend.com. */
  baseUrl?: string;
  /** Abort a request after this many milliseconds (default 15 s). */
  timeoutMs?: number;
}

/** Remembered keys per sender; old ones are dropped first beyond this. */
const MAX_REMEMBERED_KEYS = 10_000;

interface ResendError {
  message: string;
  statusCode: number | null;
  name: string;
}

/** 429, 5xx, network failures and a concurrent request on the same key are worth retrying. */
export function isRetryableResendError(error: ResendError): boolean {
  if (error.statusCode === null) return true; // network failure or timeout: no HTTP status
  if (error.statusCode === 429 || error.statusCode >= 500) return true;
  return error.name === "concurrent_idempotent_requests";
}

function fingerprint(email: ReturnType<typeof parseOutgoingEmail>): string {
  const hash = createHash("sha256")
    .update(formatAddress(email.to))
    .update("\0")
    .update(email.subject);
  for (const a of email.attachments) hash.update("\0").update(a.filename).update(a.content);
  return hash.digest("hex");
}

export class ResendSender implements EmailSender {
  readonly provider = "resend" as const;
  private readonly client: Resend;
  private readonly from: string;
  private readonly timeoutMs: number;
  private readonly sent = new Map<string, { fingerprint: string; id: string }>();

  constructor(options: ResendSenderOptions) {
    if (!options.apiKey) throw new Error("ResendSender needs an API key (RESEND_API_KEY).");
    parseMailbox(options.from);
    this.from = options.from;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.client = new Resend(
      options.apiKey,
      options.baseUrl ? { baseUrl: options.baseUrl.replace(/\/+$/, "") } : undefined,
    );
  }

  /** The base URL requests go to (explicit option, else RESEND_BASE_URL, else Resend's). */
  get baseUrl(): string {
    return this.client.baseUrl;
  }

  async send(input: OutgoingEmail): Promise<SendResult> {
    const email = parseOutgoingEmail(input, "resend");
    const print = fingerprint(email);
    const previous = this.sent.get(email.idempotencyKey);
    if (previous) {
      if (previous.fingerprint !== print) {
        throw new EmailSendError(
          "Cette clé d'idempotence a déjà servi pour un autre message ; rien n'a été envoyé.",
          { provider: "resend", retryable: false, code: "invalid_idempotent_request" },
        );
      }
      return { provider: "resend", providerId: previous.id, deduplicated: true };
    }

    const { data, error } = await this.client.emails.send(
      {
        from: this.from,
        to: formatAddress(email.to),
        subject: email.subject,
        html: email.html,
        text: email.text,
        attachments: email.attachments.map((a) => ({
          filename: a.filename,
          content: a.content,
          contentType: a.contentType,
        })),
        tags: email.tags,
        ...(email.headers ? { headers: email.headers } : {}),
      },
      { idempotencyKey: email.idempotencyKey, signal: AbortSignal.timeout(this.timeoutMs) },
    );
    if (error) {
      const retryable = isRetryableResendError(error);
      throw new EmailSendError(
        `Échec de l'envoi par Resend${error.statusCode ? ` (HTTP ${error.statusCode})` : ""} : ${
          error.message
        }`,
        { provider: "resend", retryable, status: error.statusCode ?? undefined, code: error.name },
      );
    }
    if (!data?.id) {
      throw new EmailSendError("Réponse de Resend sans identifiant d'e-mail.", {
        provider: "resend",
        retryable: true,
        code: "missing_id",
      });
    }
    this.sent.set(email.idempotencyKey, { fingerprint: print, id: data.id });
    if (this.sent.size > MAX_REMEMBERED_KEYS) {
      this.sent.delete(this.sent.keys().next().value!);
    }
    return { provider: "resend", providerId: data.id, deduplicated: false };
  }
}
