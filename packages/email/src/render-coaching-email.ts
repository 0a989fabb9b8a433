// The coaching e-mails: booking confirmation (with an .ics invitation), reminders 24 h and 1 h
// before, and the receipt of a paid payment (with its PDF). Props validated by zod; French texts
// with Paris times; rendered with React Email (HTML and plain text). Every message's footer has
// the centre's address, the RGPD mention and the notice link; reminders (non-essential: the
// person may turn « Séances » e-mails off) add the unsubscribe link. Confirmations and receipts
// are transactional (essential): always sent, no unsubscribe link (docs/rgpd.md).
import { formatParisDateTime, formatParisTime } from "@nexus/shared/coaching-time";
import { formatEuros, paymentMethodLabels, paymentMethods } from "@nexus/shared/credits";
import { subjectLabels, subjects } from "@nexus/shared/vocabulary";
import { formatIssues } from "@nexus/shared/zod-fr";
import { render } from "@react-email/render";
import { createElement } from "react";
import { z } from "zod";
import { CoachingEmail, type CoachingEmailContent } from "./coaching-email-template";
import { plainTextOptions, type RenderedEmail, zCentre } from "./email-content";
import type { EmailFooter } from "./email-frame";

const text = z.string().trim().min(1);

export const zSessionEmailProps = z.object({
  kind: z.enum(["confirm", "remind24h", "remind1h"]),
  recipientName: text,
  /** The coach gets the host link and « votre séance avec … » wording. */
  asCoach: z.boolean(),
  studentName: text,
  coachName: text,
  subject: z.enum(subjects),
  startsAt: z.number().int(),
  durationMinutes: z.number().int().positive(),
  joinUrl: z.url({ protocol: /^https?$/ }),
  sessionsUrl: z.url({ protocol: /^https?$/ }),
  noticeHours: z.number().int().min(0),
  centre: zCentre,
  /** The information notice on personal data (every e-mail links it). */
  privacyUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Reminders only: the signed-out unsubscribe page (or the preferences page). */
  unsubscribeUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type SessionEmailProps = z.input<typeof zSessionEmailProps>;

export const zReceiptEmailProps = z.object({
  recipientName: text,
  studentName: text,
  productName: text,
  credits: z.number().int().min(0),
  amountCents: z.number().int().min(0),
  method: z.enum(paymentMethods),
  reference: text,
  paidAt: z.number().int(),
  centre: zCentre,
  privacyUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type ReceiptEmailProps = z.input<typeof zReceiptEmailProps>;

/** The frame's footer: address, RGPD mention, notice link, unsubscribe link when given. */
function coachingFooter(
  centre: z.output<typeof zCentre>,
  privacyUrl: string | undefined,
  unsubscribeUrl?: string,
): EmailFooter {
  const reach = centre.email ?? centre.contact;
  return {
    lines: [
      [centre.name, centre.address].filter(Boolean).join(" – "),
      `Données personnelles : ${centre.name} traite ces données pour organiser les séances et leur paiement, conformément au RGPD${reach ? ` ; pour les consulter, les rectifier ou les faire supprimer : ${reach}` : ""}.`,
    ],
    privacyUrl: privacyUrl ?? centre.privacyUrl,
    privacyLabel: "Vos données personnelles",
    ...(unsubscribeUrl
      ? { unsubscribeUrl, unsubscribeLabel: "Ne plus recevoir les rappels de séance par e-mail" }
      : {}),
  };
}

function parse<T extends z.ZodType>(schema: T, props: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(props);
  if (!parsed.success)
    throw new Error(`Paramètres ${what} invalides :\n${formatIssues(parsed.error)}`);
  return parsed.data;
}

async function renderContent(
  subject: string,
  content: CoachingEmailContent,
): Promise<RenderedEmail> {
  const element = createElement(CoachingEmail, content);
  const [html, plain] = await Promise.all([render(element), render(element, plainTextOptions)]);
  return { subject, html, text: plain };
}

export function sessionEmailContent(p: z.output<typeof zSessionEmailProps>) {
  const when = formatParisDateTime(p.startsAt);
  const subjectLabel = subjectLabels[p.subject];
  const withWhom = p.asCoach ? `avec ${p.studentName}` : `de ${p.studentName} avec ${p.coachName}`;
  const title = {
    confirm: "Séance réservée",
    remind24h: "Rappel : séance demain",
    remind1h: `Rappel : séance à ${formatParisTime(p.startsAt)}`,
  }[p.kind];
  const lines = {
    confirm: [`La séance ${withWhom} est réservée pour le ${when}.`],
    remind24h: [`La séance ${withWhom} a lieu demain, le ${when}.`],
    remind1h: [`La séance ${withWhom} commence dans une heure, à ${formatParisTime(p.startsAt)}.`],
  }[p.kind];
  if (p.kind === "confirm") {
    lines.push("L’invitation jointe (fichier .ics) l’ajoute à votre agenda.");
  }
  lines.push(
    p.asCoach
      ? "Votre lien ouvre la salle en tant qu’animateur, 15 minutes avant le début."
      : "Le lien de la visio s’ouvre 15 minutes avant le début.",
  );
  const content: CoachingEmailContent = {
    preview: `${title} – ${when}`,
    centreName: p.centre.name,
    greeting: `Bonjour ${p.recipientName},`,
    title,
    lines,
    details: [
      { label: "Date", value: when },
      { label: "Durée", value: `${p.durationMinutes} minutes` },
      { label: "Matière", value: subjectLabel },
      { label: p.asCoach ? "Élève" : "Coach", value: p.asCoach ? p.studentName : p.coachName },
    ],
    button: { label: "Rejoindre la visio", url: p.joinUrl },
    footer: coachingFooter(
      p.centre,
      p.privacyUrl,
      p.kind === "confirm" ? undefined : p.unsubscribeUrl,
    ),
    closing: p.asCoach
      ? [`L’équipe ${p.centre.name}`]
      : [
          `Une annulation au moins ${p.noticeHours} h avant rend les crédits ; plus tard, ils restent dus. Vos séances : ${p.sessionsUrl}`,
          `L’équipe ${p.centre.name}`,
        ],
  };
  const subject = `${title} : ${subjectLabel}, ${when}`;
  return { subject, content };
}

export async function renderSessionEmail(props: SessionEmailProps): Promise<RenderedEmail> {
  const { subject, content } = sessionEmailContent(
    parse(zSessionEmailProps, props, "de l’e-mail de séance"),
  );
  return await renderContent(subject, content);
}

export async function renderReceiptEmail(props: ReceiptEmailProps): Promise<RenderedEmail> {
  const p = parse(zReceiptEmailProps, props, "du reçu");
  const content: CoachingEmailContent = {
    preview: `Reçu ${p.reference} – ${formatEuros(p.amountCents)}`,
    centreName: p.centre.name,
    greeting: `Bonjour ${p.recipientName},`,
    title: "Paiement reçu",
    lines: [
      p.credits > 0
        ? `Nous avons bien reçu votre paiement : ${p.credits} crédit${p.credits > 1 ? "s" : ""} ${p.credits > 1 ? "sont ajoutés" : "est ajouté"} au portefeuille de ${p.studentName}.`
        : `Nous avons bien reçu votre paiement pour ${p.studentName}.`,
      "Le reçu est joint en PDF.",
    ],
    details: [
      { label: "Offre", value: p.productName },
      { label: "Montant", value: formatEuros(p.amountCents) },
      { label: "Moyen de paiement", value: paymentMethodLabels[p.method] },
      { label: "Référence", value: p.reference },
      { label: "Date", value: formatParisDateTime(p.paidAt) },
    ],
    closing: [`L’équipe ${p.centre.name}`],
    footer: coachingFooter(p.centre, p.privacyUrl),
  };
  return await renderContent(`Reçu de paiement ${p.reference} – ${p.centre.name}`, content);
}
