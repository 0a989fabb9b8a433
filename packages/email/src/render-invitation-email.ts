// The invitation e-mail: validates its props, writes the French texts (the role in words, who
// invites, the children for a parent, the expiry date) and renders the React Email template to
// HTML plus a plain-text alternative.
import { formatIssues } from "@nexus/shared/zod-fr";
import { render } from "@react-email/render";
import { createElement } from "react";
import { z } from "zod";
import { plainTextOptions, type RenderedEmail, zCentre } from "./email-content";
import { InvitationEmail, type InvitationEmailContent } from "./invitation-email-template";

const text = z.string().trim().min(1);

export const invitationRoles = ["parent", "eleve", "coach", "assistante"] as const;

export const zInvitationEmailProps = z.object({
  role: z.enum(invitationRoles),
  inviterName: text,
  /** parent: the children; eleve: their own record; coach: the students assigned. */
  students: z.array(z.object({ firstName: text, lastName: text })).default([]),
  /** The single-use link: /invitation/<token> on the public app URL. */
  acceptUrl: z.url({ protocol: /^https?$/ }),
  expiresAt: z.number().int().positive(),
  centre: zCentre,
});
export type InvitationEmailProps = z.input<typeof zInvitationEmailProps>;

const dayFr = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  weekday: "long",
  day: "numeric",
  month: "long",
  year: "numeric",
});
const timeFr = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  hour: "2-digit",
  minute: "2-digit",
});

/** « le lundi 8 décembre 2026 à 14:05 » (Paris time). */
export function expiryFr(at: number): string {
  const date = new Date(at);
  return `le ${dayFr.format(date)} à ${timeFr.format(date).replace(":", " h ")}`;
}

/** « Lucas », « Lucas et Emma », « Lucas, Emma et Jade ». */
export function listFr(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} et ${names.at(-1)}`;
}

export function invitationEmailContent(props: z.output<typeof zInvitationEmailProps>): {
  subject: string;
  content: InvitationEmailContent;
} {
  const { centre, inviterName, students } = props;
  const firstNames = listFr(students.map((s) => s.firstName));
  const fullNames = listFr(students.map((s) => `${s.firstName} ${s.lastName}`));
  const roleLine = {
    parent:
      students.length > 1
        ? `Vous êtes invité(e) en tant que parent de ${fullNames} : vous suivrez leurs bilans et recevrez leurs rapports.`
        : `Vous êtes invité(e) en tant que parent de ${fullNames} : vous suivrez ses bilans et recevrez ses rapports.`,
    eleve: `Tu es invité(e) en tant qu’élève${fullNames ? ` (${fullNames})` : ""} : tu pourras passer tes bilans et suivre tes progrès.`,
    coach:
      students.length > 0
        ? `Vous êtes invité(e) en tant que coach, pour suivre ${fullNames}.`
        : "Vous êtes invité(e) en tant que coach : le centre vous confiera vos élèves.",
    assistante:
      "Vous êtes invitée en tant qu’assistante : vous gérerez les familles, les bilans et les envois du centre.",
  }[props.role];
  const tu = props.role === "eleve";
  const expiry = expiryFr(props.expiresAt);
  const content: InvitationEmailContent = {
    preview: `${inviterName} vous invite à rejoindre l’espace ${centre.name}.`,
    centreName: centre.name,
    greeting: "Bonjour,",
    intro: tu
      ? `${inviterName} t’invite à rejoindre l’espace en ligne de ${centre.name}.`
      : `${inviterName} vous invite à rejoindre l’espace en ligne de ${centre.name}.`,
    roleLine,
    buttonLabel: "Accepter l’invitation",
    acceptUrl: props.acceptUrl,
    linkHint: tu
      ? "Si le bouton ne fonctionne pas, copie ce lien dans ton navigateur :"
      : "Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur :",
    expiry: tu
      ? `Ce lien ne sert qu’une fois et expire ${expiry}. Connecte-toi avec cette adresse e-mail pour l’accepter.`
      : `Ce lien ne sert qu’une fois et expire ${expiry}. Connectez-vous avec cette adresse e-mail pour l’accepter.`,
    safety: tu
      ? "Si tu ne t’attendais pas à cette invitation, ignore ce message : rien ne se passera."
      : "Si vous ne vous attendiez pas à cette invitation, ignorez ce message : rien ne se passera.",
    signature: [`L’équipe ${centre.name}`, ...(centre.contact ? [centre.contact] : [])],
  };
  const subject =
    props.role === "parent" && firstNames
      ? `Invitation à suivre les bilans de ${firstNames} – ${centre.name}`
      : `Invitation à rejoindre ${centre.name}`;
  return { subject, content };
}

export async function renderInvitationEmail(props: InvitationEmailProps): Promise<RenderedEmail> {
  const parsed = zInvitationEmailProps.safeParse(props);
  if (!parsed.success) {
    throw new Error(
      `Paramètres de l'e-mail d'invitation invalides :\n${formatIssues(parsed.error)}`,
    );
  }
  const { subject, content } = invitationEmailContent(parsed.data);
  const element = createElement(InvitationEmail, content);
  const [html, text] = await Promise.all([render(element), render(element, plainTextOptions)]);
  return { subject, html, text };
}
