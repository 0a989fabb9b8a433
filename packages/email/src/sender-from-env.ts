// Chooses the email transport from the environment: Resend when
// RESEND_API_KEY is set, otherwise the local outbox (the offline default).
import { formatIssues } from "@nexus/shared/zod-fr";
import { z } from "zod";
import type { EmailSender } from "./email-sender";
import { zMailbox } from "./mailbox";
import { DEFAULT_OUTBOX_DIR, OutboxSender } from "./outbox-sender";
import { ResendSender } from "./resend-sender";

const RESEND_API_URL = "https://api.resend.com";

export const DEFAULT_EMAIL_FROM = "Nexus Réussite <bilans@nexus-reussite.fr>";

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    schema.optional(),
  );

export const zEmailEnv = z.object({
  RESEND_API_KEY: optional(z.string().trim().min(1)),
  RESEND_BASE_URL: optional(z.url({ protocol: /^https?$/ })),
  EMAIL_FROM: optional(zMailbox).transform((v) => v ?? DEFAULT_EMAIL_FROM),
  EMAIL_OUTBOX_DIR: optional(z.string().trim().min(1)).transform((v) => v ?? DEFAULT_OUTBOX_DIR),
});
export type EmailEnv = z.output<typeof zEmailEnv>;

export function parseEmailEnv(env: Record<string, string | undefined>): EmailEnv {
  const parsed = zEmailEnv.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Configuration de l'e-mail invalide :\n${formatIssues(parsed.error)}`);
  }
  return parsed.data;
}

export function createEmailSenderFromEnv(
  env: Record<string, string | undefined> = process.env,
): EmailSender {
  const config = parseEmailEnv(env);
  if (config.RESEND_API_KEY) {
    return new ResendSender({
      apiKey: config.RESEND_API_KEY,
      from: config.EMAIL_FROM,
      // Explicit, so an env object other than process.env is honoured as given.
      baseUrl: config.RESEND_BASE_URL ?? RESEND_API_URL,
    });
  }
  return new OutboxSender({ from: config.EMAIL_FROM, dir: config.EMAIL_OUTBOX_DIR });
}
