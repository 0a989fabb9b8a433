// Pieces of the job console shared by the list (/admin/travaux) and a job's page: status badge,
// progress bar (Radix Progress when a percent is known), the last error with its stack folded.
import type { JobStatus } from "@nexus/shared/jobs";
import { Badge, type BadgeTone } from "~/components/ui/badge";
import { jobStatusLabels, progressPercent } from "~/utils/jobs-console";

const jobStatusTones: Record<JobStatus, BadgeTone> = {
  pending: "neutral",
  running: "progress",
  completed: "success",
  failed: "danger",
  cancelled: "neutral",
};

export function JobStatusBadge({ status }: { status: JobStatus }) {
  return (
    <Badge tone={jobStatusTones[status]} data-job-status={status}>
      {status === "running" ? (
        <span aria-hidden="true" className="size-2 animate-pulse rounded-full bg-amber-600" />
      ) : null}
      {jobStatusLabels[status]}
    </Badge>
  );
}

export function JobProgress({
  progress,
  label,
}: {
  progress: { stage: string; percent?: number; message?: string } | null;
  label: string;
}) {
  if (!progress) return null;
  const percent = progressPercent(progress);
  const text = [progress.stage, progress.message].filter(Boolean).join(" — ");
  return (
    <div className="mt-2">
      {percent !== null ? (
        <div
          role="progressbar"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          className="h-2 w-full overflow-hidden rounded-full bg-slate-200"
        >
          <div className="h-full bg-brand-700" style={{ width: `${percent}%` }} />
        </div>
      ) : null}
      <p className="mt-1 text-sm text-slate-700">
        {percent !== null ? `${percent}\u00a0% · ` : ""}
        {text}
      </p>
    </div>
  );
}

export function JobError({
  error,
  title = "Dernière erreur : ",
}: {
  error: { message: string; stack?: string; retryable: boolean } | null;
  title?: string;
}) {
  if (!error) return null;
  return (
    <div className="mt-2 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">
      <p className="break-words">
        <span className="font-semibold">{title}</span>
        {error.message}
      </p>
      {error.stack ? (
        <details className="mt-1">
          <summary className="cursor-pointer font-medium">Voir la pile d'appels</summary>
          <pre className="mt-2 max-h-64 overflow-auto whitespace-pre-wrap break-words text-xs">
            {error.stack}
          </pre>
        </details>
      ) : null}
    </div>
  );
}
