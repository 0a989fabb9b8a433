// The audit log page (/admin/journal): French labels for the recorded actions (an unknown
// action keeps its raw name), the filters carried in the URL, and who acted.

/** Every action the platform records today, by family, with its French label. */
export const auditActionGroups: { label: string; actions: Record<string, string> }[] = [
  {
    label: "Comptes",
    actions: {
      "user.setRole": "Rôle modifié",
      "user.deactivate": "Compte désactivé",
      "user.reactivate": "Compte réactivé",
      "user.bootstrapAdmin": "Premier administrateur créé",
      "user.setSalutation": "Formule de politesse choisie",
    },
  },
  {
    label: "Clés d'API",
    actions: {
      "apiKey.create": "Clé d'API créée",
      "apiKey.revoke": "Clé d'API révoquée",
      "apiKey.use": "Clé d'API utilisée",
      "apiKey.bootstrap": "Première clé d'API créée",
    },
  },
  {
    label: "Élèves et familles",
    actions: {
      "student.create": "Élève créé",
      "student.update": "Fiche élève modifiée",
      "student.linkParent": "Parent lié",
      "student.unlinkParent": "Parent délié",
      "student.assignCoach": "Coach affecté",
      "student.unassignCoach": "Coach retiré",
    },
  },
  {
    label: "Invitations",
    actions: {
      "invitation.create": "Invitation envoyée",
      "invitation.resend": "Invitation renvoyée",
      "invitation.revoke": "Invitation révoquée",
      "invitation.accept": "Invitation acceptée",
    },
  },
  {
    label: "Bilans",
    actions: {
      "bilan.submit": "Bilan soumis",
      "bilan.editSynthesis": "Synthèse modifiée",
      "bilan.requestRegeneration": "Nouvelle génération demandée",
      "bilan.approve": "Bilan validé",
    },
  },
  {
    label: "Documents",
    actions: {
      "document.create": "Document ajouté",
      "document.remove": "Document supprimé",
    },
  },
  {
    label: "E-mails",
    actions: {
      "email.confirmDelivered": "Réception d'un e-mail confirmée",
      "email.confirmNotDelivered": "E-mail déclaré non reçu",
    },
  },
  {
    label: "Système",
    actions: { "seed.run": "Données de démonstration créées" },
  },
];

const actionLabels: Record<string, string> = Object.assign(
  {},
  ...auditActionGroups.map((group) => group.actions),
);

/** The French label of an action, or null when the action is not known to the page. */
export function auditActionLabel(action: string): string | null {
  return Object.hasOwn(actionLabels, action) ? actionLabels[action]! : null;
}

export const auditFilterParams = { action: "action", person: "personne" } as const;

export interface AuditFilters {
  action?: string;
  actorId?: string;
}

const ACTION_PATTERN = /^[a-zA-Z]+\.[a-zA-Z.]+$/;
const ID_PATTERN = /^[a-z0-9]{10,64}$/;

/** The filters of the URL; a malformed value is ignored rather than sent to Convex. */
export function parseAuditFilters(params: URLSearchParams): AuditFilters {
  const filters: AuditFilters = {};
  const action = params.get(auditFilterParams.action)?.trim();
  const person = params.get(auditFilterParams.person)?.trim();
  if (action && ACTION_PATTERN.test(action)) filters.action = action;
  if (person && ID_PATTERN.test(person)) filters.actorId = person;
  return filters;
}

/** A link's search string for these filters (empty ones left out), e.g. "?personne=…". */
export function auditFiltersSearch(filters: AuditFilters): string {
  const params = new URLSearchParams();
  if (filters.action) params.set(auditFilterParams.action, filters.action);
  if (filters.actorId) params.set(auditFilterParams.person, filters.actorId);
  const search = params.toString();
  return search ? `?${search}` : "";
}

const roleLabels: Record<string, string> = {
  admin: "administrateur",
  assistante: "assistante",
  coach: "coach",
  parent: "parent",
  eleve: "élève",
};

/** Who acted, in French: "Nadia Benali (assistante)", "Le worker", "Le système". */
export function auditActorLabel(entry: {
  actorKind: "user" | "worker" | "system";
  actor: { name: string; role: string | null } | null;
}): string {
  if (entry.actor) {
    const role = entry.actor.role ? roleLabels[entry.actor.role] : null;
    return role ? `${entry.actor.name} (${role})` : entry.actor.name;
  }
  if (entry.actorKind === "worker") return "Le worker";
  if (entry.actorKind === "system") return "Le système";
  return "Compte supprimé";
}

const targetLabels: Record<string, string> = {
  users: "Compte",
  students: "Élève",
  bilans: "Bilan",
  documents: "Document",
  jobs: "Tâche",
  emails: "E-mail",
  apiKeys: "Clé d'API",
  invitations: "Invitation",
};

/** The target in French with a link to its page when the console has one. */
export function auditTarget(target: { table: string; id: string } | null): {
  label: string;
  id: string;
  href: string | null;
} | null {
  if (!target) return null;
  const label = targetLabels[target.table] ?? target.table;
  const href =
    target.table === "bilans"
      ? `/coach/bilans/${target.id}`
      : target.table === "students"
        ? `/admin/familles/eleves/${target.id}`
        : target.table === "jobs"
          ? `/admin/travaux/${target.id}`
          : target.table === "invitations"
            ? "/admin/invitations"
            : null;
  return { label, id: target.id, href };
}

/** Details as a short one-line text (JSON), cut to `max` characters. */
export function auditDetailsText(details: unknown, max = 200): string | null {
  if (details === undefined || details === null) return null;
  const text = typeof details === "string" ? details : JSON.stringify(details);
  if (!text || text === "{}") return null;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
