// Invitations in the browser (browser-safe, no server imports): the role in words, the status a
// person reads (expiry derived from expiresAt with the page's clock), the landing page's texts
// per link status, and the invitation token found in a post-sign-in path.
import type { BadgeTone } from "~/components/ui/badge";

export const invitationRoles = ["parent", "eleve", "coach", "assistante"] as const;
export type InvitationRole = (typeof invitationRoles)[number];

export const invitationRoleLabels: Record<InvitationRole, string> = {
  parent: "Parent",
  eleve: "Élève",
  coach: "Coach",
  assistante: "Assistante",
};

/** Which roles the caller may invite: an assistante is invited by an admin only. */
export function invitableRoles(callerRole: string | undefined): InvitationRole[] {
  return callerRole === "admin" ? [...invitationRoles] : ["parent", "eleve", "coach"];
}

/** What the form asks for each role's links. */
export const studentLinkRules: Record<
  InvitationRole,
  { min: number; max: number; legend: string; hint: string } | null
> = {
  parent: {
    min: 1,
    max: 10,
    legend: "Enfants",
    hint: "Le parent verra les bilans de ces élèves.",
  },
  eleve: {
    min: 1,
    max: 1,
    legend: "Fiche élève",
    hint: "La fiche élève (sans compte) à laquelle ce compte sera associé.",
  },
  coach: {
    min: 0,
    max: 50,
    legend: "Élèves suivis (facultatif)",
    hint: "Le coach suivra ces élèves dès qu'il aura accepté.",
  },
  assistante: null,
};

export type InvitationDisplayStatus = "pending" | "accepted" | "expired" | "revoked";

export function displayStatus(
  invitation: { status: "pending" | "accepted" | "revoked"; expiresAt: number },
  now: number,
): InvitationDisplayStatus {
  if (invitation.status === "pending" && invitation.expiresAt <= now) return "expired";
  return invitation.status;
}

export const invitationStatusLabels: Record<
  InvitationDisplayStatus,
  { label: string; tone: BadgeTone }
> = {
  pending: { label: "En attente", tone: "info" },
  accepted: { label: "Acceptée", tone: "success" },
  expired: { label: "Expirée", tone: "attention" },
  revoked: { label: "Révoquée", tone: "neutral" },
};

/** The landing page's title and text for a link that cannot be used. */
export const deadLinkPages = {
  used: {
    title: "Invitation déjà utilisée",
    text: "Ce lien d'invitation a déjà servi : il ne fonctionne qu'une fois. Si c'est vous qui l'avez accepté, connectez-vous pour retrouver votre espace.",
  },
  expired: {
    title: "Invitation expirée",
    text: "Ce lien d'invitation a expiré. Demandez au centre de vous renvoyer l'invitation : vous recevrez un nouveau lien par e-mail.",
  },
  revoked: {
    title: "Invitation annulée",
    text: "Cette invitation a été annulée par le centre. Contactez l'accueil si vous pensez qu'il s'agit d'une erreur.",
  },
  unknown: {
    title: "Lien d'invitation invalide",
    text: "Ce lien d'invitation n'est pas (ou plus) valide : il a peut-être été remplacé par un envoi plus récent. Utilisez le lien du dernier e-mail reçu, ou demandez au centre de vous renvoyer l'invitation.",
  },
} as const;

/** « Lucas », « Lucas et Emma », « Lucas, Emma et Jade ». */
export function listFr(names: readonly string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} et ${names.at(-1)}`;
}

/** What the invitation is for, in one sentence (the landing page). */
export function invitationPurpose(role: InvitationRole, childFirstNames: readonly string[]) {
  switch (role) {
    case "parent":
      return childFirstNames.length > 0
        ? `en tant que parent de ${listFr(childFirstNames)}, pour suivre ${childFirstNames.length > 1 ? "leurs" : "ses"} bilans`
        : "en tant que parent";
    case "eleve":
      return "en tant qu'élève, pour passer tes bilans et suivre tes progrès";
    case "coach":
      return "en tant que coach";
    case "assistante":
      return "en tant qu'assistante du centre";
  }
}

const TOKEN = /^\/invitation\/([A-Za-z0-9_-]{32,128})$/;

/** The invitation token of a post-sign-in path (`/invitation/<token>`), or undefined. */
export function invitationTokenOf(path: string): string | undefined {
  return TOKEN.exec(path)?.[1];
}
