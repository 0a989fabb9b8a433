// The staff job console's pure logic (browser-safe, no zod): French labels for job kinds and
// statuses, the filters kept in the URL (/admin/travaux?statut=failed&type=system.echo&age=24h),
// the clock rounded to the minute that queries receive, and what makes a job "stuck".
import type { JobKind, JobStatus } from "@nexus/shared/jobs";

export const MINUTE_MS = 60_000;
/** A pending job whose runAt is older than this is waiting for a worker that does not come. */
export const STUCK_PENDING_MS = 10 * MINUTE_MS;

export const jobStatusLabels: Record<JobStatus, string> = {
  pending: "En attente",
  running: "En cours",
  completed: "Terminée",
  failed: "Échouée",
  cancelled: "Annulée",
};

export const jobKindLabels: Record<JobKind, string> = {
  "bilan.generate": "Génération d'un bilan",
  "bilan.pdf": "PDF d'un bilan",
  "email.send": "Envoi d'e-mail",
  "document.ingest": "Indexation d'un document",
  "alerts.notify": "Notification d'alerte",
  "invitation.send": "Envoi d'une invitation",
  "payment.receipt": "Reçu de paiement",
  "session.confirm": "Confirmation de séance",
  "session.remind": "Rappel de séance",
  "aria.answer": "Réponse d'ARIA",
  "aria.memory": "Mémoire d'ARIA",
  "aria.sheet": "Fiche de révision",
  "rgpd.export": "Export de données personnelles",
  "rgpd.erase": "Effacement de données personnelles",
  "retention.outbox": "Purge de la boîte d'envoi locale",
  "system.echo": "Diagnostic (écho)",
};

export const jobStatusList = Object.keys(jobStatusLabels) as JobStatus[];
export const jobKindList = Object.keys(jobKindLabels) as JobKind[];

export const ageOptions = {
  "1h": { label: "Dernière heure", ms: 60 * MINUTE_MS },
  "24h": { label: "Dernières 24 heures", ms: 24 * 60 * MINUTE_MS },
  "7j": { label: "7 derniers jours", ms: 7 * 24 * 60 * MINUTE_MS },
  "30j": { label: "30 derniers jours", ms: 30 * 24 * 60 * MINUTE_MS },
} as const;
export type AgeKey = keyof typeof ageOptions;

export interface JobFilters {
  status?: JobStatus;
  kind?: JobKind;
  age?: AgeKey;
}

/** Search-param names, in French like the URL a person reads. */
export const filterParams = { status: "statut", kind: "type", age: "age" } as const;

function oneOf<T extends string>(list: readonly T[], value: string | null): T | undefined {
  return value !== null && (list as readonly string[]).includes(value) ? (value as T) : undefined;
}

/** Unknown or malformed values are dropped (an old bookmark still opens the page). */
export function parseJobFilters(params: URLSearchParams): JobFilters {
  const filters: JobFilters = {};
  const status = oneOf(jobStatusList, params.get(filterParams.status));
  const kind = oneOf(jobKindList, params.get(filterParams.kind));
  const age = oneOf(Object.keys(ageOptions) as AgeKey[], params.get(filterParams.age));
  if (status) filters.status = status;
  if (kind) filters.kind = kind;
  if (age) filters.age = age;
  return filters;
}

/** The same filters as search params (empty ones left out), for links and forms. */
export function jobFiltersToParams(filters: JobFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.status) params.set(filterParams.status, filters.status);
  if (filters.kind) params.set(filterParams.kind, filters.kind);
  if (filters.age) params.set(filterParams.age, filters.age);
  return params;
}

export function roundToMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/** jobs.list's arguments for these filters; `now` is already rounded to the minute. */
export function jobListArgs(filters: JobFilters, now: number, numItems: number) {
  return {
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.kind ? { kind: filters.kind } : {}),
    ...(filters.age ? { since: now - ageOptions[filters.age].ms } : {}),
    paginationOpts: { numItems, cursor: null },
  };
}

export interface StuckFields {
  status: JobStatus;
  runAt: number;
  leaseExpiresAt: number | null;
}

/**
 * Why a job looks stuck at `now`, in French, or null: running with its lease expired (the
 * worker stopped beating; the sweep will take it back), or pending long past its runAt.
 */
export function stuckReason(job: StuckFields, now: number): string | null {
  if (job.status === "running" && job.leaseExpiresAt !== null && job.leaseExpiresAt < now) {
    return "Bloquée : le worker ne donne plus signe de vie (bail expiré).";
  }
  if (job.status === "pending" && now - job.runAt > STUCK_PENDING_MS) {
    return "Bloquée : en attente depuis plus de 10 minutes, aucun worker ne l'a prise.";
  }
  return null;
}

/** A heartbeat's percent clamped to 0–100, or null when the job gives none. */
export function progressPercent(progress: { percent?: number } | null): number | null {
  if (!progress || typeof progress.percent !== "number" || !Number.isFinite(progress.percent)) {
    return null;
  }
  return Math.min(100, Math.max(0, Math.round(progress.percent)));
}

/** « 2 / 5 » */
export function formatAttempts(attempts: number, maxAttempts: number): string {
  return `${attempts}\u00a0/\u00a0${maxAttempts}`;
}

/** The record a job can be reprocessed for (a bilan generated again, a document re-indexed). */
export function reprocessTargetOf(
  target: { table: string; id: string } | null,
): { target: "bilan" | "document"; id: string } | null {
  if (target?.table === "bilans") return { target: "bilan", id: target.id };
  if (target?.table === "documents") return { target: "document", id: target.id };
  return null;
}
