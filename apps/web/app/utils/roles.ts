// Where each role lands and what its header offers. Shared by loaders and the layout.
import type { Role } from "@nexus/shared/domain";

export function roleHome(role: Role): string {
  switch (role) {
    case "eleve":
      return "/eleve";
    case "parent":
      return "/parent";
    case "coach":
      return "/coach";
    case "admin":
    case "assistante":
      return "/admin";
  }
}

export const roleLabels: Record<Role, string> = {
  eleve: "Élève",
  parent: "Parent",
  coach: "Coach",
  assistante: "Assistante",
  admin: "Administration",
};

export interface NavLink {
  to: string;
  label: string;
  /** A live count is shown next to it (the coach's review queue). */
  count?: "reviewQueue";
}

export function navigationFor(role: Role | undefined): NavLink[] {
  switch (role) {
    case "eleve":
      return [
        { to: "/eleve", label: "Mes bilans" },
        { to: "/seances", label: "Séances et crédits" },
        { to: "/eleve/aria", label: "ARIA" },
      ];
    case "parent":
      return [
        { to: "/parent", label: "Mes enfants" },
        { to: "/seances", label: "Séances et crédits" },
        { to: "/aria/suivi", label: "ARIA" },
      ];
    case "coach":
      return [
        { to: "/coach", label: "À relire", count: "reviewQueue" },
        { to: "/coach/eleves", label: "Mes élèves" },
        { to: "/coach/agenda", label: "Agenda" },
        { to: "/aria/suivi", label: "ARIA" },
      ];
    case "admin":
    case "assistante":
      return [
        { to: "/admin", label: "Tableau de bord" },
        { to: "/admin/familles", label: "Familles" },
        { to: "/admin/invitations", label: "Invitations" },
        { to: "/admin/documents", label: "Documents" },
        { to: "/admin/travaux", label: "Travaux" },
        { to: "/admin/workers", label: "Workers et alertes" },
        { to: "/admin/emails", label: "E-mails" },
        { to: "/admin/paiements", label: "Paiements et séances" },
        { to: "/admin/journal", label: "Journal" },
        { to: "/admin/statistiques", label: "Statistiques" },
        { to: "/admin/rgpd", label: "Données personnelles" },
      ];
    default:
      return [];
  }
}
