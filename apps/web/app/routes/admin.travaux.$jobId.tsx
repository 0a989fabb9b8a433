// /admin/travaux/:jobId — one job, live: its state, payload, result, last error (stack folded),
// the actions and its event log (the last 50 events, oldest first).
import { api } from "@convex/_generated/api";
import { formatWhenFrAlone } from "@nexus/shared/french-time";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { JobActions } from "~/components/admin/job-actions";
import { JobError, JobProgress, JobStatusBadge } from "~/components/admin/job-parts";
import { Badge } from "~/components/ui/badge";
import { requireRole } from "~/utils/auth.server";
import { orNotFound } from "~/utils/bilan.server";
import { convexForRequest } from "~/utils/convex.server";
import { formatAttempts, jobKindLabels, roundToMinute, stuckReason } from "~/utils/jobs-console";
import { useLiveQuery } from "~/utils/live-query";
import { targetPath } from "~/utils/provenance";
import { useMinuteClock } from "~/utils/use-minute-clock";

export const meta: MetaFunction = () => [{ title: "Détail d'une tâche — Nexus Réussite" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["admin", "assistante"]);
  const jobId = params.jobId ?? "";
  const detail = await orNotFound(() => convexForRequest(token).query(api.jobs.get, { jobId }));
  return { jobId, detail, now: roundToMinute(Date.now()) };
}

/** jobEvents kept per job (convex/model/jobs.ts MAX_EVENTS_PER_JOB): the log is never longer. */
const MAX_EVENTS_SHOWN = 50;

const eventLabels: Record<string, string> = {
  enqueued: "Mise en file",
  claimed: "Prise par un worker",
  progress: "Avancement",
  completed: "Terminée",
  failed: "Échec",
  retry_scheduled: "Nouvelle tentative prévue",
  retried: "Relancée",
  cancelled: "Annulée",
  cancel_requested: "Annulation demandée",
  released: "Rendue à la file",
  lease_expired: "Bail expiré (worker silencieux)",
  reprocess: "Retraitement",
  resend_requested: "Renvoi d'un e-mail demandé",
};

/** The record the job works on, linked to its provenance page. */
function TargetField({ target }: { target: { table: string; id: string } }) {
  const path = targetPath(target);
  if (!path) return <Field label="Concerne" value={`${target.table} ${target.id}`} />;
  return (
    <div className="flex gap-2">
      <dt className="font-medium text-slate-700">Concerne :</dt>
      <dd>
        <Link to={path} className="text-brand-800 underline underline-offset-4">
          {target.table === "bilans" ? "Historique du bilan" : "Page du document"}
        </Link>
      </dd>
    </div>
  );
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export default function JobPage() {
  const data = useLoaderData<typeof loader>();
  const { job, events } = useLiveQuery(api.jobs.get, { jobId: data.jobId }, data.detail);
  const now = useMinuteClock(data.now);
  const stuck = stuckReason(job, now);
  return (
    <section aria-labelledby="page-titre">
      <p>
        <Link to="/admin/travaux" className="text-brand-800 underline underline-offset-4">
          ← Toutes les tâches
        </Link>
      </p>
      <h1 id="page-titre" className="mt-2 text-2xl font-bold text-brand-900 sm:text-3xl">
        {jobKindLabels[job.kind]}
      </h1>
      <p className="mt-1 break-all text-sm text-slate-600">
        Tâche <code>{job.id}</code>
      </p>
      <div className="mt-3 flex flex-wrap gap-2">
        <JobStatusBadge status={job.status} />
        {stuck ? <Badge tone="attention">Bloquée</Badge> : null}
      </div>
      {stuck ? <p className="mt-2 font-medium text-amber-900">{stuck}</p> : null}
      <dl className="mt-4 grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
        <Field label="Tentatives" value={formatAttempts(job.attempts, job.maxAttempts)} />
        <Field label="Créée" value={formatWhenFrAlone(now, job.createdAt)} />
        <Field label="Prévue" value={formatWhenFrAlone(now, job.runAt)} />
        <Field label="Priorité" value={String(job.priority)} />
        {job.leaseOwner ? <Field label="Worker" value={job.leaseOwner} /> : null}
        {job.finishedAt ? (
          <Field label="Finie" value={formatWhenFrAlone(now, job.finishedAt)} />
        ) : null}
        {job.target ? <TargetField target={job.target} /> : null}
        {job.retriedAt ? (
          <Field label="Relancée" value={formatWhenFrAlone(now, job.retriedAt)} />
        ) : null}
      </dl>
      {job.status === "running" ? (
        <JobProgress progress={job.progress} label="Avancement de la tâche" />
      ) : null}
      <JobError
        error={job.lastError}
        title={
          job.status === "failed" || job.status === "pending"
            ? "Dernière erreur : "
            : "Erreur d'une tentative précédente : "
        }
      />
      <div className="mt-4">
        <JobActions job={job} />
      </div>

      <details className="mt-4 rounded-md border border-slate-200 bg-white p-3">
        <summary className="cursor-pointer font-medium">Contenu de la tâche (payload)</summary>
        <pre className="mt-2 overflow-auto whitespace-pre-wrap break-words text-xs">
          {json(job.payload)}
        </pre>
      </details>
      {job.result !== null ? (
        <details className="mt-2 rounded-md border border-slate-200 bg-white p-3">
          <summary className="cursor-pointer font-medium">Résultat</summary>
          <pre className="mt-2 overflow-auto whitespace-pre-wrap break-words text-xs">
            {json(job.result)}
          </pre>
        </details>
      ) : null}

      <h2 className="mt-6 text-lg font-semibold text-slate-900">Journal</h2>
      {events.length >= MAX_EVENTS_SHOWN ? (
        <p className="mt-1 text-sm text-slate-700" data-testid="journal-tache-tronque">
          Une tâche garde ses {MAX_EVENTS_SHOWN} derniers événements : les plus anciens ont été
          effacés au fil de l'eau.
        </p>
      ) : null}
      {events.length === 0 ? (
        <p className="mt-2 text-slate-700">Aucun événement enregistré.</p>
      ) : (
        <ol className="mt-2 space-y-2" data-testid="journal-tache">
          {events.map((event, index) => (
            <li
              // Events have no id of their own; their order in the log is stable.
              // biome-ignore lint/suspicious/noArrayIndexKey: append-only log
              key={index}
              className="rounded-md border border-slate-200 bg-white p-3 text-sm"
            >
              <p>
                <span className="font-semibold">{eventLabels[event.type] ?? event.type}</span>{" "}
                <span className="text-slate-600">{formatWhenFrAlone(now, event.at)}</span>
              </p>
              {event.message ? <p className="mt-1 break-words">{event.message}</p> : null}
              {event.data !== null ? (
                <pre className="mt-1 overflow-auto whitespace-pre-wrap break-words text-xs text-slate-700">
                  {json(event.data)}
                </pre>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Field({ label, value }: { label: string; value: string }) {
  return (
    <div className="flex gap-2">
      <dt className="font-medium text-slate-700">{label} :</dt>
      <dd className="break-all text-slate-900">{value}</dd>
    </div>
  );
}
