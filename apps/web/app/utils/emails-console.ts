// The e-mails page (/admin/emails): statuses in French with their badge tone, the status
// filter carried in the URL, and the recipient's line.
import type { BadgeTone } from "~/components/ui/badge";

export const emailStatusList = ["queued", "sending", "sent", "failed", "unconfirmed"] as const;
export type EmailStatus = (typeof emailStatusList)[number];

export const emailStatusLabels: Record<EmailStatus, { label: string; tone: BadgeTone }> = {
  queued: { label: "En attente", tone: "neutral" },
  sending: { label: "En cours d'envoi", tone: "progress" },
  sent: { label: "Envoyé", tone: "success" },
  failed: { label: "Échec", tone: "danger" },
  unconfirmed: { label: "À confirmer", tone: "attention" },
};

export const emailFilterParams = { status: "statut" } as const;

/** The status filter of the URL, or undefined for every e-mail. */
export function parseEmailStatus(params: URLSearchParams): EmailStatus | undefined {
  const value = params.get(emailFilterParams.status);
  return emailStatusList.find((status) => status === value);
}

/** "Claire Martin <claire@exemple.fr>", or the address alone. */
export function recipientLine(email: { to: string; recipientName?: string }): string {
  return email.recipientName ? `${email.recipientName} <${email.to}>` : email.to;
}
