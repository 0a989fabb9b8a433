// French display of coaching data (Paris time, credits, statuses), shared by the coaching pages.

import type { api } from "@convex/_generated/api";
import type { FunctionReturnType } from "convex/server";

export {
  formatParisDateTime,
  formatParisDay,
  formatParisTime,
  formatWindow,
  weekdayLabels,
} from "@nexus/shared/coaching-time";
export {
  formatCredits,
  formatEuros,
  ledgerKindLabels,
  paymentMethodLabels,
  paymentStatusLabels,
} from "@nexus/shared/credits";

export type SessionView = FunctionReturnType<typeof api.sessions.forStudent>[number];

export const sessionStatusLabels: Record<SessionView["status"], string> = {
  booked: "Réservée",
  cancelled: "Annulée",
  completed: "Effectuée",
  no_show: "Absence",
};

export const subjectNames: Record<SessionView["subject"], string> = {
  maths: "Mathématiques",
  nsi: "NSI",
  "physique-chimie": "Physique-chimie",
};

/** « Lundi 14 décembre »: a capital on the first letter only (CSS capitalize would write « Décembre »). */
export function capitalizeFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
