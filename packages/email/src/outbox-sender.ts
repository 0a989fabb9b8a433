// Offline email transport: each message becomes an RFC 5322 .eml file in the
// outbox directory (default .data/outbox/), named after its idempotency key.
// The file appears atomically (written aside, then hard-linked into place,
// which fails if it exists), so a retry with the same key never writes a
// second message, even when two workers race.
import { createHash, randomBytes } from "node:crypto";
import { link, mkdir, open, unlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  EmailSendError,
  type EmailSender,
  type OutgoingEmail,
  parseOutgoingEmail,
  type SendResult,
} from "./email-sender";
import { parseMailbox } from "./mailbox";
import { buildMimeMessage } from "./mime-message";

export const DEFAULT_OUTBOX_DIR = ".data/outbox";

export interface OutboxSenderOptions {
  from: string;
  /** Directory of the .eml files (created when missing). */
  dir?: string;
  /** Domain of the Message-ID (default: the sender's). */
  messageIdDomain?: string;
  now?: () => Date;
}

const keyHash = (key: string) => createHash("sha256").update(key).digest("hex");

/** A readable, safe file name that still differs for every key. */
export function outboxFileName(idempotencyKey: string): string {
  const slug = idempotencyKey
    .normalize("NFD")
    .replace(/[^\w.@-]+/g, "_")
    .replace(/^[._]+/, "")
    .slice(0, 80);
  return `${slug || "message"}-${keyHash(idempotencyKey).slice(0, 12)}.eml`;
}

export class OutboxSender implements EmailSender {
  readonly provider = "outbox" as const;
  readonly dir: string;
  private readonly from: string;
  private readonly domain: string;
  private readonly now: () => Date;

  constructor(options: OutboxSenderOptions) {
    parseMailbox(options.from);
    this.from = options.from;
    this.dir = resolve(options.dir ?? DEFAULT_OUTBOX_DIR);
    this.domain = options.messageIdDomain ?? parseMailbox(options.from).email.split("@")[1]!;
    this.now = options.now ?? (() => new Date());
  }

  /** Deterministic per key, so a duplicate returns the same id as the original. */
  messageIdFor(idempotencyKey: string): string {
    return `${keyHash(idempotencyKey).slice(0, 32)}@${this.domain}`;
  }

  async send(input: OutgoingEmail): Promise<SendResult> {
    const email = parseOutgoingEmail(input, "outbox");
    const messageId = this.messageIdFor(email.idempotencyKey);
    const path = join(this.dir, outboxFileName(email.idempotencyKey));
    const result = (deduplicated: boolean): SendResult => ({
      provider: "outbox",
      providerId: messageId,
      outboxPath: path,
      deduplicated,
    });

    const eml = buildMimeMessage({
      from: parseMailbox(this.from),
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      attachments: email.attachments,
      messageId,
      date: this.now(),
      headers: {
        ...email.headers,
        "X-Nexus-Idempotency-Key": encodeURIComponent(email.idempotencyKey),
        ...(email.tags?.length
          ? { "X-Nexus-Tags": email.tags.map((t) => `${t.name}=${t.value}`).join("; ") }
          : {}),
      },
    });

    const temp = join(this.dir, `.${randomBytes(8).toString("hex")}.tmp`);
    try {
      await mkdir(this.dir, { recursive: true });
      const handle = await open(temp, "wx");
      try {
        await handle.writeFile(eml);
        await handle.sync(); // the linked file is complete even after a crash
      } finally {
        await handle.close();
      }
      try {
        await link(temp, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") return result(true);
        throw error;
      }
      return result(false);
    } catch (error) {
      throw new EmailSendError(
        `Impossible d'écrire l'e-mail dans la boîte d'envoi locale (${this.dir}) : ${
          (error as Error).message
        }`,
        { provider: "outbox", retryable: true, code: (error as NodeJS.ErrnoException).code },
      );
    } finally {
      await unlink(temp).catch(() => {});
    }
  }
}
