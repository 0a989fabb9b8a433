// Short French alert emails for administrators about the job queue.
import { formatIssues } from "@nexus/shared/zod-fr";
import { render } from "@react-email/render";
import { createElement } from "react";
import { z } from "zod";
import { AlertEmail } from "./alert-email-template";
import { plainTextOptions, type RenderedEmail, zCentre } from "./email-content";

export const zAlertEmailProps = z.object({
  /** Short French title, e.g. « Génération de PDF en échec ». */
  title: z.string().trim().min(1).max(120),
  message: z.string().trim().min(1),
  details: z
    .array(z.object({ label: z.string().trim().min(1), value: z.union([z.string(), z.number()]) }))
    .default([]),
  occurredAt: z.number().int().positive(),
  adminUrl: z.url({ protocol: /^https?$/ }).optional(),
  privacyUrl: z.url({ protocol: /^https?$/ }).optional(),
  unsubscribeUrl: z.url({ protocol: /^https?$/ }).optional(),
  centre: zCentre,
});
export type AlertEmailProps = z.input<typeof zAlertEmailProps>;

const dateTime = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  dateStyle: "long",
  timeStyle: "short",
});

export async function renderAlertEmail(props: AlertEmailProps): Promise<RenderedEmail> {
  const parsed = zAlertEmailProps.safeParse(props);
  if (!parsed.success) {
    throw new Error(`Paramètres de l'alerte invalides :\n${formatIssues(parsed.error)}`);
  }
  const p = parsed.data;
  const element = createElement(AlertEmail, {
    preview: p.message.slice(0, 110),
    centreName: p.centre.name,
    title: p.title,
    message: p.message,
    details: p.details.map((d) => ({ label: d.label, value: String(d.value) })),
    occurredAt: dateTime.format(new Date(p.occurredAt)),
    adminUrl: p.adminUrl,
    privacyUrl: p.privacyUrl,
    unsubscribeUrl: p.unsubscribeUrl,
  });
  const [html, text] = await Promise.all([render(element), render(element, plainTextOptions)]);
  return { subject: `[${p.centre.name}] Alerte : ${p.title}`, html, text };
}
