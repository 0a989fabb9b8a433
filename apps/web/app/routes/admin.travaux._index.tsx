// /admin/travaux — the live job queue for staff: filters in the URL (statut, type, age), the
// heartbeat's progress, attempts, the last error (stack folded), stuck jobs highlighted,
// retry / cancel / reprocess behind a confirmation, bulk retry of one kind's failures. 50 jobs
// per page, newest first; « Charger plus » adds the next 50, every loaded page staying live.
import { api } from "@convex/_generated/api";
import { formatWhenFr } from "@nexus/shared/french-time";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { BulkRetry } from "~/components/admin/bulk-retry";
import { JobActions } from "~/components/admin/job-actions";
import { JobError, JobProgress, JobStatusBadge } from "~/components/admin/job-parts";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import {
  ageOptions,
  filterParams,
  formatAttempts,
  jobKindLabels,
  jobKindList,
  jobListArgs,
  jobStatusLabels,
  jobStatusList,
  parseJobFilters,
  roundToMinute,
  stuckReason,
} from "~/utils/jobs-console";
import { useLivePages } from "~/utils/live-pages";
import { useMinuteClock } from "~/utils/use-minute-clock";

export const meta: MetaFunction = () => [{ title: "Travaux — Nexus Réussite" }];

const PAGE_SIZE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["admin", "assistante"]);
  const filters = parseJobFilters(new URL(request.url).searchParams);
  const now = roundToMinute(Date.now());
  const jobs = await convexForRequest(token).query(
    api.jobs.list,
    jobListArgs(filters, now, PAGE_SIZE),
  );
  return { filters, now, jobs };
}

export default function JobsPage() {
  const data = useLoaderData<typeof loader>();
  const { filters } = data;
  // `since` stays the loader's (a new filter is a new navigation); the clock only ages jobs.
  const { paginationOpts: _first, ...args } = jobListArgs(filters, data.now, PAGE_SIZE);
  const jobs = useLivePages(api.jobs.list, args, data.jobs, PAGE_SIZE);
  const now = useMinuteClock(data.now);
  const stuckCount = jobs.results.filter((job) => stuckReason(job, now)).length;
  const shown = jobs.results.length;
  const filtered = Boolean(filters.status || filters.kind || filters.age);

  return (
    <section aria-labelledby="page-titre">
      <h1 id="page-titre" className="text-2xl font-bold text-brand-900 sm:text-3xl">
        Travaux
      </h1>
      <p className="mt-2 text-slate-700">
        La file des tâches du worker, en direct : génération des bilans, PDF, e-mails, indexation
        des documents.
      </p>

      <Form
        method="get"
        className="mt-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4"
        aria-label="Filtrer les tâches"
      >
        <FilterSelect
          name={filterParams.status}
          label="Statut"
          value={filters.status}
          options={jobStatusList.map((s) => [s, jobStatusLabels[s]])}
        />
        <FilterSelect
          name={filterParams.kind}
          label="Type"
          value={filters.kind}
          options={jobKindList.map((k) => [k, jobKindLabels[k]])}
        />
        <FilterSelect
          name={filterParams.age}
          label="Créées"
          value={filters.age}
          all="Depuis toujours"
          options={Object.entries(ageOptions).map(([key, { label }]) => [key, label])}
        />
        <Button type="submit">Filtrer</Button>
        {filtered ? (
          <Button asChild variant="ghost">
            <Link to="/admin/travaux">Effacer les filtres</Link>
          </Button>
        ) : null}
      </Form>

      <p className="mt-4 text-slate-800" aria-live="polite" data-testid="resume-travaux">
        {shown === 0
          ? filtered
            ? "Aucune tâche ne correspond à ces filtres."
            : "Aucune tâche pour le moment."
          : `${shown} tâche${shown > 1 ? "s" : ""}${jobs.canLoadMore ? ` affichée${shown > 1 ? "s" : ""} (les plus récentes ; d'autres suivent)` : ""}${stuckCount > 0 ? `, dont ${stuckCount} bloquée${stuckCount > 1 ? "s" : ""}` : ""}.`}
      </p>

      <ul className="mt-3 space-y-3">
        {jobs.results.map((job) => {
          const stuck = stuckReason(job, now);
          return (
            <li
              key={job.id}
              data-testid="tache"
              data-job-id={job.id}
              className={`rounded-lg border bg-white p-4 shadow-sm ${stuck ? "border-amber-500 ring-2 ring-amber-300" : "border-slate-200"}`}
            >
              <div className="flex flex-wrap items-center justify-between gap-2">
                <h2 className="text-base font-semibold text-slate-900">
                  <Link
                    to={`/admin/travaux/${job.id}`}
                    className="underline decoration-slate-300 underline-offset-4 hover:decoration-brand-700"
                  >
                    {jobKindLabels[job.kind]}
                  </Link>
                </h2>
                <div className="flex flex-wrap gap-2">
                  {stuck ? <Badge tone="attention">Bloquée</Badge> : null}
                  <JobStatusBadge status={job.status} />
                </div>
              </div>
              <p className="mt-1 text-sm text-slate-700">
                Créée {formatWhenFr(now, job.createdAt)} · Tentatives{" "}
                {formatAttempts(job.attempts, job.maxAttempts)}
                {job.leaseOwner && job.status === "running" ? ` · Worker ${job.leaseOwner}` : ""}
                {job.cancelRequested && job.status === "running" ? " · Annulation demandée" : ""}
              </p>
              {stuck ? <p className="mt-1 text-sm font-medium text-amber-900">{stuck}</p> : null}
              {job.status === "running" ? (
                <JobProgress
                  progress={job.progress}
                  label={`Avancement : ${jobKindLabels[job.kind]}`}
                />
              ) : null}
              {job.status === "failed" || job.status === "pending" ? (
                <JobError error={job.lastError} />
              ) : null}
              <div className="mt-3">
                <JobActions job={job} />
              </div>
            </li>
          );
        })}
      </ul>

      {jobs.canLoadMore || jobs.loadingMore ? (
        <div className="mt-4">
          <Button
            variant="secondary"
            onClick={jobs.loadMore}
            disabled={jobs.loadingMore}
            data-testid="charger-plus-travaux"
          >
            {jobs.loadingMore ? "Chargement…" : `Charger ${PAGE_SIZE} tâches de plus`}
          </Button>
        </div>
      ) : null}

      <div className="mt-6">
        <BulkRetry defaultKind={filters.kind} />
      </div>
    </section>
  );
}

function FilterSelect({
  name,
  label,
  value,
  options,
  all = "Tous",
}: {
  name: string;
  label: string;
  value: string | undefined;
  options: [string, string][];
  all?: string;
}) {
  const id = `filtre-${name}`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <select
        id={id}
        name={name}
        key={value ?? ""}
        defaultValue={value ?? ""}
        className="mt-1 min-h-11 rounded-md border border-slate-300 bg-white px-2"
      >
        <option value="">{all}</option>
        {options.map(([key, text]) => (
          <option key={key} value={key}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}
