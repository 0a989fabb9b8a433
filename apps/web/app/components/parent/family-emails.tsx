// The e-mails the family received about one bilan (emails.forStudent filtered by bilan):
// to whom, the subject line, a French status and when.
import type { api } from "@convex/_generated/api";
import { formatWhenFr } from "@nexus/shared/french-time";
import type { FunctionReturnType } from "convex/server";
import { Badge, type BadgeTone } from "~/components/ui/badge";

export type FamilyEmail = FunctionReturnType<typeof api.emails.forStudent>[number];

const tones: Record<FamilyEmail["status"], BadgeTone> = {
  queued: "neutral",
  sending: "progress",
  sent: "success",
  failed: "danger",
  unconfirmed: "attention",
};

export function FamilyEmails({ emails, now }: { emails: FamilyEmail[]; now: number }) {
  if (emails.length === 0) {
    return (
      <p className="text-slate-700">
        Aucun e-mail n'a encore été envoyé pour ce bilan : vous en recevrez un dès que le rapport
        sera prêt.
      </p>
    );
  }
  return (
    <ul className="divide-y divide-slate-200">
      {emails.map((email) => (
        <li
          key={email.emailId}
          className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2 py-3"
        >
          <div className="min-w-0">
            <p className="font-medium text-slate-900">{email.subject}</p>
            <p className="text-sm break-words text-slate-600">
              À {email.recipientName ? `${email.recipientName} (${email.to})` : email.to}
              {" · "}
              {email.sentAt
                ? `envoyé ${formatWhenFr(now, email.sentAt)}`
                : `préparé ${formatWhenFr(now, email.createdAt)}`}
            </p>
          </div>
          <Badge tone={tones[email.status]}>{email.statusLabel}</Badge>
        </li>
      ))}
    </ul>
  );
}
