// In-app notification kinds and the e-mail preferences attached to them. One list shared by
// Convex (validators), the worker (which e-mails to send) and the web app (labels, settings).
// Adding a kind: append it here with its French label and whether e-mails of that kind can be
// turned off (reports and legal messages never can: `essential`).

export const notificationKinds = [
  /** A coach: a bilan of an assigned student is ready for review. */
  "bilan_review",
  /** A family: a report (bilan PDF) was sent. */
  "report_sent",
  /** Staff: a job failed for good. */
  "job_failed",
  /** The requester: a personal-data export is ready to download. */
  "export_ready",
  /** Personal data and legal information (erasure, consent, notice updates). */
  "legal",
  /** ARIA (assistant) activity: a reply, a conversation shared. */
  "aria",
  /** Sessions (cours) booked, moved or cancelled. */
  "session",
  /** Payments, wallet top-ups, invoices. */
  "payment",
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

export interface NotificationKindInfo {
  /** French label of the kind in the notification centre and the e-mail preferences. */
  label: string;
  /** E-mails of this kind are always sent (reports, legal messages): no opt-out, no unsubscribe link. */
  essential: boolean;
}

export const NOTIFICATION_KINDS: Record<NotificationKind, NotificationKindInfo> = {
  bilan_review: { label: "Bilans à relire", essential: false },
  report_sent: { label: "Rapports envoyés", essential: true },
  job_failed: { label: "Échecs de traitement", essential: false },
  export_ready: { label: "Export de vos données", essential: true },
  legal: { label: "Informations légales et données personnelles", essential: true },
  aria: { label: "ARIA, l’assistant", essential: false },
  session: { label: "Séances", essential: false },
  payment: { label: "Paiements", essential: false },
};

/** Whether `kind` e-mails may be turned off by the person (and carry an unsubscribe link). */
export function canOptOut(kind: NotificationKind): boolean {
  return !NOTIFICATION_KINDS[kind].essential;
}

/** Longest notification title and body accepted (callers write short French sentences). */
export const NOTIFICATION_TITLE_MAX = 140;
export const NOTIFICATION_BODY_MAX = 1_000;
