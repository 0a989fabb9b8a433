// Where each role reads a bilan: the e-mail links (/bilans/:bilanId) send people there.
// Each role's page is built by its own route module (eleve.bilans.$bilanId, parent.bilans.$bilanId,
// coach.bilans.$bilanId); staff read bilans on the coach's page. Browser-safe.
import type { Role } from "@nexus/shared/domain";

export function bilanPagePath(role: Role, bilanId: string): string {
  const id = encodeURIComponent(bilanId);
  switch (role) {
    case "eleve":
      return `/eleve/bilans/${id}`;
    case "parent":
      return `/parent/bilans/${id}`;
    case "coach":
    case "admin":
    case "assistante":
      return `/coach/bilans/${id}`;
  }
}

/** The report's download route (files.bilanReportUrl behind it). */
export function bilanReportPath(bilanId: string): string {
  return `/rapport/${encodeURIComponent(bilanId)}`;
}
