// The demo accounts: shared by the Convex seed, its tests and the web app's dev sign-in page
// (which lists them grouped by role). Pure data, no I/O.
import type { Role } from "./domain";

export const DEMO_DOMAIN = "demo.nexus-reussite.fr";

export interface DemoAccount {
  email: string;
  name: string;
  role: Role;
  /** One French line shown on the dev sign-in page. */
  description: string;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    email: "admin@nexus-reussite.fr",
    name: "Hélène Rousseau",
    role: "admin",
    description: "Administratrice : rôles, workers, journal d'audit.",
  },
  {
    email: `nadia.benali@${DEMO_DOMAIN}`,
    name: "Nadia Benali",
    role: "assistante",
    description: "Assistante : familles, documents, suivi des envois.",
  },
  {
    email: `julien.moreau@${DEMO_DOMAIN}`,
    name: "Julien Moreau",
    role: "coach",
    description: "Coach de mathématiques et de physique-chimie.",
  },
  {
    email: `claire.lefevre@${DEMO_DOMAIN}`,
    name: "Claire Lefèvre",
    role: "coach",
    description: "Coach de NSI et de mathématiques.",
  },
  {
    email: `isabelle.durand@${DEMO_DOMAIN}`,
    name: "Isabelle Durand",
    role: "parent",
    description: "Mère de Camille et de Lucas Durand.",
  },
  {
    email: `karim.haddad@${DEMO_DOMAIN}`,
    name: "Karim Haddad",
    role: "parent",
    description: "Père de Yasmine Haddad.",
  },
  {
    email: `nathalie.lambert@${DEMO_DOMAIN}`,
    name: "Nathalie Lambert",
    role: "parent",
    description: "Mère de Théo Lambert.",
  },
  {
    email: `camille.durand@${DEMO_DOMAIN}`,
    name: "Camille Durand",
    role: "eleve",
    description: "Terminale, spécialités mathématiques et NSI.",
  },
  {
    email: `lucas.durand@${DEMO_DOMAIN}`,
    name: "Lucas Durand",
    role: "eleve",
    description: "Première, spécialités mathématiques et physique-chimie.",
  },
  {
    email: `yasmine.haddad@${DEMO_DOMAIN}`,
    name: "Yasmine Haddad",
    role: "eleve",
    description: "Première, spécialités mathématiques et SES.",
  },
  {
    email: `theo.lambert@${DEMO_DOMAIN}`,
    name: "Théo Lambert",
    role: "eleve",
    description: "Terminale, spécialités mathématiques et physique-chimie.",
  },
  {
    email: `ines.fontaine@${DEMO_DOMAIN}`,
    name: "Inès Fontaine",
    role: "eleve",
    description: "Terminale en candidate libre, spécialités NSI et mathématiques.",
  },
];
