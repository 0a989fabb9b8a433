// /admin/workers — every worker (online, stopping, offline) with its current jobs, last
// heartbeat, version and host; the queue's alerts, open first, with their cause. Live.
import { api } from "@convex/_generated/api";
import { formatWhenFr, formatWhenFrAlone } from "@nexus/shared/french-time";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Badge, type BadgeTone } from "~/components/ui/badge";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { roundToMinute } from "~/utils/jobs-console";
import { useLiveQuery } from "~/utils/live-query";
import { useMinuteClock } from "~/utils/use-minute-clock";

export const meta: MetaFunction = () => [{ title: "Workers et alertes — Nexus Réussite" }];

const ALERTS = { limit: 20 };

export async function loader({ request }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["admin", "assistante"]);
  const convex = convexForRequest(token);
  const [workers, alerts] = await Promise.all([
    convex.query(api.workers.list, {}),
    convex.query(api.alerts.list, ALERTS),
  ]);
  return { workers, alerts, now: roundToMinute(Date.now()) };
}

const workerStatus: Record<"online" | "stopping" | "offline", { label: string; tone: BadgeTone }> =
  {
    online: { label: "En ligne", tone: "success" },
    stopping: { label: "En cours d'arrêt", tone: "progress" },
    offline: { label: "Hors ligne", tone: "neutral" },
  };

const alertKinds: Record<"queue_stalled" | "failure_rate", string> = {
  queue_stalled: "File bloquée",
  failure_rate: "Taux d'échec élevé",
};

export default function WorkersPage() {
  const data = useLoaderData<typeof loader>();
  const workers = useLiveQuery(api.workers.list, {}, data.workers);
  const alerts = useLiveQuery(api.alerts.list, ALERTS, data.alerts);
  const now = useMinuteClock(data.now);
  const online = workers.filter((w) => w.status === "online").length;
  const open = alerts.filter((a) => a.status === "open");
  const resolved = alerts.filter((a) => a.status === "resolved");

  return (
    <section aria-labelledby="page-titre">
      <h1 id="page-titre" className="text-2xl font-bold text-brand-900 sm:text-3xl">
        Workers et alertes
      </h1>
      <p className="mt-2 text-slate-700" aria-live="polite">
        {online === 0
          ? "Aucun worker en ligne : les tâches attendent."
          : `${online} worker${online > 1 ? "s" : ""} en ligne.`}{" "}
        {open.length === 0
          ? "Aucune alerte ouverte."
          : `${open.length} alerte${open.length > 1 ? "s" : ""} ouverte${open.length > 1 ? "s" : ""}.`}
      </p>

      <h2 className="mt-6 text-xl font-semibold text-slate-900">Workers</h2>
      {workers.length === 0 ? (
        <p className="mt-2 text-slate-700">Aucun worker ne s'est encore présenté.</p>
      ) : (
        <ul className="mt-3 grid gap-3 md:grid-cols-2">
          {workers.map((worker) => {
            const status = workerStatus[worker.status];
            return (
              <li
                key={worker.workerId}
                data-testid="worker"
                className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
              >
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <h3 className="break-all font-semibold text-slate-900">{worker.workerId}</h3>
                  <Badge tone={status.tone} data-worker-status={worker.status}>
                    {status.label}
                  </Badge>
                </div>
                <dl className="mt-2 space-y-1 text-sm">
                  <div className="flex flex-wrap gap-x-2">
                    <dt className="font-medium text-slate-700">Dernier signal :</dt>
                    <dd>{formatWhenFrAlone(now, worker.lastSeenAt)}</dd>
                  </div>
                  <div className="flex flex-wrap gap-x-2">
                    <dt className="font-medium text-slate-700">Version :</dt>
                    <dd className="break-all">{worker.version}</dd>
                  </div>
                  <div className="flex flex-wrap gap-x-2">
                    <dt className="font-medium text-slate-700">Machine :</dt>
                    <dd className="break-all">{worker.host}</dd>
                  </div>
                  <div className="flex flex-wrap gap-x-2">
                    <dt className="font-medium text-slate-700">Démarré :</dt>
                    <dd>{formatWhenFrAlone(now, worker.startedAt)}</dd>
                  </div>
                  <div className="flex flex-wrap gap-x-2">
                    <dt className="font-medium text-slate-700">Tâches en cours :</dt>
                    <dd>
                      {worker.currentJobs.length === 0 ? (
                        "aucune"
                      ) : (
                        <ul className="flex flex-wrap gap-x-2">
                          {worker.currentJobs.map((jobId) => (
                            <li key={jobId}>
                              <Link
                                to={`/admin/travaux/${jobId}`}
                                className="break-all text-brand-800 underline underline-offset-4"
                              >
                                {jobId}
                              </Link>
                            </li>
                          ))}
                        </ul>
                      )}
                    </dd>
                  </div>
                </dl>
              </li>
            );
          })}
        </ul>
      )}

      <h2 className="mt-8 text-xl font-semibold text-slate-900">Alertes ouvertes</h2>
      <AlertList
        alerts={open}
        now={now}
        empty="Aucune alerte ouverte : la file avance normalement."
      />
      <h2 className="mt-8 text-xl font-semibold text-slate-900">Alertes résolues</h2>
      <AlertList alerts={resolved} now={now} empty="Aucune alerte résolue récemment." />
    </section>
  );
}

interface AlertRow {
  id: string;
  kind: "queue_stalled" | "failure_rate";
  jobKind: string | null;
  status: "open" | "resolved";
  message: string;
  openedAt: number;
  resolvedAt: number | null;
  notifiedAt: number | null;
}

function AlertList({ alerts, now, empty }: { alerts: AlertRow[]; now: number; empty: string }) {
  if (alerts.length === 0) return <p className="mt-2 text-slate-700">{empty}</p>;
  return (
    <ul className="mt-3 space-y-3">
      {alerts.map((alert) => (
        <li
          key={alert.id}
          data-testid="alerte"
          className={`rounded-lg border bg-white p-4 shadow-sm ${alert.status === "open" ? "border-red-300" : "border-slate-200"}`}
        >
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h3 className="font-semibold text-slate-900">
              {alertKinds[alert.kind]}
              {alert.jobKind ? ` · ${alert.jobKind}` : ""}
            </h3>
            <Badge tone={alert.status === "open" ? "danger" : "success"}>
              {alert.status === "open" ? "Ouverte" : "Résolue"}
            </Badge>
          </div>
          <p className="mt-1 text-sm text-slate-800">
            <span className="font-medium">Cause : </span>
            {alert.message}
          </p>
          <p className="mt-1 text-sm text-slate-600">
            Ouverte {formatWhenFr(now, alert.openedAt)}
            {alert.resolvedAt ? ` · résolue ${formatWhenFr(now, alert.resolvedAt)}` : ""}
            {alert.notifiedAt ? " · administrateurs prévenus par e-mail" : ""}
          </p>
        </li>
      ))}
    </ul>
  );
}
