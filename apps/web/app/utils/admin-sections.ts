// The staff console's sections, as the /admin home lists them (a card per section). Add a
// section here when its page exists; the order is the home's order.
export interface AdminSection {
  to: string;
  title: string;
  description: string;
}

export const adminSections: AdminSection[] = [
  {
    to: "/admin/aria",
    title: "ARIA, le tuteur",
    description:
      "Les réponses mal notées par les élèves avec leur question et leurs sources ; l'option premium et les budgets par élève.",
  },
  {
    to: "/admin/familles",
    title: "Familles et personnes",
    description:
      "Les élèves et leurs fiches, les parents liés et les coachs affectés ; les comptes, leurs rôles et leur activation.",
  },
  {
    to: "/admin/invitations",
    title: "Invitations",
    description:
      "Inviter un parent, un élève ou un coach par e-mail avec un lien à usage unique ; suivre, renvoyer ou révoquer les invitations.",
  },
  {
    to: "/admin/documents",
    title: "Base de connaissances",
    description:
      "Les documents dont se servent les bilans : envoi avec suivi de l'indexation, réindexation, suppression, et un testeur de recherche.",
  },
  {
    to: "/admin/travaux",
    title: "Travaux",
    description:
      "La file des tâches en direct : avancement, échecs, tâches bloquées ; relancer, annuler ou retraiter.",
  },
  {
    to: "/admin/workers",
    title: "Workers et alertes",
    description:
      "Les workers en ligne ou hors ligne, leurs tâches en cours, et les alertes de la file avec leur cause.",
  },
  {
    to: "/admin/emails",
    title: "E-mails",
    description:
      "Chaque e-mail de bilan, envoyé ou en attente, par destinataire ; confirmer ceux dont l'envoi est incertain.",
  },
  {
    to: "/admin/journal",
    title: "Journal d'audit",
    description:
      "Qui a fait quoi et quand : rôles, comptes, familles, bilans, documents ; filtrable par action ou par personne.",
  },
  {
    to: "/admin/statistiques",
    title: "Statistiques",
    description:
      "Bilans par semaine et par matière, délai jusqu'à l'envoi, échecs des travaux, jetons et coût estimé des modèles, documents indexés.",
  },
];
