// What a person reads in the CLI for the queue's and the pipeline's internal names:
// job statuses, job event types (the same words as the web app's job page), e-mail states.
// --json keeps the internal names.

export const JOB_STATUS_FR: Record<string, string> = {
  pending: "en attente",
  running: "en cours",
  completed: "terminée",
  failed: "échouée",
  cancelled: "annulée",
};

export const JOB_EVENT_FR: Record<string, string> = {
  enqueued: "mise en file",
  claimed: "prise par un worker",
  progress: "avancement",
  completed: "terminée",
  failed: "échec",
  retry_scheduled: "nouvelle tentative prévue",
  retried: "relancée",
  cancelled: "annulée",
  cancel_requested: "annulation demandée",
  released: "rendue à la file",
  lease_expired: "bail expiré (worker silencieux)",
  reprocess: "retraitement",
  resend_requested: "renvoi d’un e-mail demandé",
};

export const EMAIL_STATUS_FR: Record<string, string> = {
  queued: "en file",
  sending: "en cours",
  sent: "envoyé",
  failed: "échec",
  unconfirmed: "à confirmer",
};

export function jobStatusFr(status: string): string {
  return JOB_STATUS_FR[status] ?? status;
}

export function jobEventFr(type: string): string {
  return JOB_EVENT_FR[type] ?? type.replace(/_/g, " ");
}

/** A job that ended (completed, failed, cancelled) has no progress left to show. */
export function isFinishedJob(status: string): boolean {
  return status === "completed" || status === "failed" || status === "cancelled";
}

/**
 * The progress of a job as a person reads it, or null when there is nothing to show: a
 * finished job never shows a stale « 40 % » left by its last heartbeat.
 */
export function jobProgressText(job: {
  status: string;
  progress?: { stage: string; percent?: number; message?: string } | null;
}): string | null {
  if (isFinishedJob(job.status)) return job.status === "completed" ? "100 %" : null;
  if (job.status !== "running" || !job.progress) return null;
  const pct = job.progress.percent === undefined ? "" : ` ${Math.round(job.progress.percent)} %`;
  return `${job.progress.stage}${pct} ${job.progress.message ?? ""}`.trim();
}
