// The email announcing a bilan to a parent or the student: validates its
// props, writes the French texts (vous for parents, tu for students) and
// renders the React Email template to HTML plus a plain-text alternative.
import { niveauLabels, subjectLabels, zNiveau, zSubject } from "@nexus/shared/domain";
import { formatIssues } from "@nexus/shared/zod-fr";
import { render } from "@react-email/render";
import { createElement } from "react";
import { z } from "zod";
import { BilanEmail, type BilanEmailContent } from "./bilan-email-template";
import { plainTextOptions, type RenderedEmail, zCentre } from "./email-content";

const text = z.string().trim().min(1);

/**
 * How a parent wishes to be greeted (stored on the guardian's account): « Bonjour Madame
 * Durand, » (civility and last name) or « Bonjour Isabelle, » (first name). Without a
 * preference the greeting is a plain « Bonjour, », never the full account name.
 */
export const zSalutation = z.object({
  style: z.enum(["civilite", "prenom"]),
  civility: z.enum(["Madame", "Monsieur"]).optional(),
  firstName: text.optional(),
  lastName: text.optional(),
});
export type Salutation = z.infer<typeof zSalutation>;

export function greetingFor(salutation: Salutation | undefined): string {
  if (salutation?.style === "civilite" && salutation.civility && salutation.lastName) {
    return `Bonjour ${salutation.civility} ${salutation.lastName},`;
  }
  if (salutation?.style === "prenom" && salutation.firstName) {
    return `Bonjour ${salutation.firstName},`;
  }
  if (salutation?.civility && salutation.lastName) {
    return `Bonjour ${salutation.civility} ${salutation.lastName},`;
  }
  return "Bonjour,";
}

export const zBilanEmailProps = z.object({
  recipient: z.object({
    name: text,
    role: z.enum(["parent", "eleve"]),
    salutation: zSalutation.optional(),
  }),
  student: z.object({ firstName: text, lastName: text, niveau: zNiveau }),
  subject: zSubject,
  /** `synthesis.parentSummary`, already checked against the scores. */
  parentSummary: text,
  dashboardUrl: z.url({ protocol: /^https?$/ }),
  pdfFilename: text,
  coachName: text.optional(),
  /** One sentence on the progress since the previous approved bilan (progressSentence). */
  progress: text.optional(),
  centre: zCentre,
});
export type BilanEmailProps = z.input<typeof zBilanEmailProps>;

function preview(summary: string): string {
  return summary.length <= 110 ? summary : `${summary.slice(0, 107).trimEnd()}…`;
}

export function bilanEmailContent(props: z.output<typeof zBilanEmailProps>): {
  subject: string;
  content: BilanEmailContent;
} {
  const { student, recipient, centre, coachName } = props;
  const subjectLabel = subjectLabels[props.subject];
  const niveau = niveauLabels[student.niveau];
  const fullName = `${student.firstName} ${student.lastName}`;
  const parent = recipient.role === "parent";
  const validated = coachName ? ` Il a été relu et validé par ${coachName}.` : "";
  const signature = [`L’équipe ${centre.name}`, ...(centre.contact ? [centre.contact] : [])];

  const coach = coachName ?? "l’équipe pédagogique";
  const reach = [centre.phone, centre.email].filter(Boolean);
  const reachText = reach.length > 0 ? ` (${reach.join(" · ")})` : "";
  const address = [centre.name, centre.address].filter(Boolean).join(" – ");
  const privacy = parent
    ? `Données personnelles : ce message vous est adressé en tant que responsable de ${student.firstName}. ${centre.name} traite ces données pour le seul suivi pédagogique, conformément au RGPD ; pour les consulter, les rectifier ou les faire supprimer, écrivez à ${centre.email ?? "l’équipe du centre"}.`
    : `Données personnelles : ${centre.name} traite tes données pour le seul suivi pédagogique, conformément au RGPD ; pour les consulter ou les corriger, écris à ${centre.email ?? "l’équipe du centre"}.`;
  const footer: BilanEmailContent["footer"] = {
    lines: [
      address,
      parent
        ? `Pour joindre ${coach}, répondez simplement à ce message ou contactez le centre${reachText}.`
        : `Pour joindre ${coach}, réponds à ce message ou contacte le centre${reachText}.`,
      privacy,
    ],
    privacyUrl: centre.privacyUrl,
    privacyLabel: "Lire la politique de confidentialité",
  };

  const content: BilanEmailContent = parent
    ? {
        preview: preview(props.progress ?? props.parentSummary),
        centreName: centre.name,
        greeting: greetingFor(recipient.salutation),
        intro: `Le bilan pédagogique de ${fullName} en ${subjectLabel} (${niveau}) est prêt.${validated}`,
        progress: props.progress,
        summaryTitle: "En bref",
        summary: props.parentSummary,
        buttonLabel: "Voir le bilan sur le tableau de bord",
        dashboardUrl: props.dashboardUrl,
        linkHint: "Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur :",
        attachment: `Le rapport complet est joint à ce message au format PDF (${props.pdfFilename}) : il détaille les résultats par domaine, le plan de travail daté et la prochaine étape.`,
        closing: "Nous restons à votre disposition pour en parler et construire la suite ensemble.",
        signature,
        footer,
      }
    : {
        preview: preview(props.progress ?? props.parentSummary),
        centreName: centre.name,
        greeting: `Bonjour ${student.firstName},`,
        intro: `Ton bilan pédagogique en ${subjectLabel} (${niveau}) est prêt.${validated}`,
        progress: props.progress,
        summaryTitle: "En bref",
        summary: props.parentSummary,
        buttonLabel: "Voir mon bilan",
        dashboardUrl: props.dashboardUrl,
        linkHint: "Si le bouton ne fonctionne pas, copie ce lien dans ton navigateur :",
        attachment: `Ton rapport complet est joint à ce message au format PDF (${props.pdfFilename}).`,
        closing: "Ton coach reste disponible pour en parler et préparer la suite avec toi.",
        signature,
        footer,
      };
  const subject = parent
    ? `Bilan de ${subjectLabel} de ${fullName} – ${centre.name}`
    : `Ton bilan de ${subjectLabel} est disponible – ${centre.name}`;
  return { subject, content };
}

export async function renderBilanEmail(props: BilanEmailProps): Promise<RenderedEmail> {
  const parsed = zBilanEmailProps.safeParse(props);
  if (!parsed.success) {
    throw new Error(`Paramètres de l'e-mail de bilan invalides :\n${formatIssues(parsed.error)}`);
  }
  const { subject, content } = bilanEmailContent(parsed.data);
  const element = createElement(BilanEmail, content);
  const [html, text] = await Promise.all([render(element), render(element, plainTextOptions)]);
  return { subject, html, text };
}
