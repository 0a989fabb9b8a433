// /admin/rgpd: personal data for staff — erasure requests to examine (each opens its dry run),
// recent exports, and the retention policy with a dry run of what a run would remove now and
// the figures of the last runs. Live after the loader's first paint.
import { api } from "@convex/_generated/api";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useMutation } from "convex/react";
import { useState } from "react";
import { Button } from "~/components/ui/button";
import { Card, CardDescription, CardTitle } from "~/components/ui/card";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { formatDayFr } from "~/utils/dates-fr";
import { toUserError } from "~/utils/errors";
import { useLiveQuery } from "~/utils/live-query";

export const meta: MetaFunction = () => [{ title: "Données personnelles — Nexus Réussite" }];

/** Rounded to the minute so the dry run's subscription stays cached. */
const minute = () => Math.floor(Date.now() / 60_000) * 60_000;

export async function loader({ request }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["admin", "assistante"]);
  const convex = convexForRequest(token);
  const now = minute();
  const [erasures, exports, retention] = await Promise.all([
    convex.query(api.rgpd.listRequests, { kind: "erasure" }),
    convex.query(api.rgpd.listRequests, { kind: "export" }),
    convex.query(api.retention.overview, { now }),
  ]);
  return { erasures, exports, retention, now };
}

const STATUS_FR: Record<string, string> = {
  pending: "à examiner",
  running: "en cours",
  ready: "prêt",
  done: "terminé",
  rejected: "refusé",
  failed: "échec",
  expired: "expiré",
};

export default function AdminRgpd() {
  const data = useLoaderData<typeof loader>();
  const erasures = useLiveQuery(api.rgpd.listRequests, { kind: "erasure" }, data.erasures);
  const exports = useLiveQuery(api.rgpd.listRequests, { kind: "export" }, data.exports);
  const retention = useLiveQuery(api.retention.overview, { now: data.now }, data.retention);
  const run = useMutation(api.retention.run);
  const [message, setMessage] = useState<string | null>(null);

  async function runRetention() {
    try {
      await run({});
      setMessage("Passage de conservation lancé : ses chiffres apparaissent ci-dessous.");
    } catch (error) {
      setMessage(toUserError(error).message);
    }
  }

  return (
    <section aria-labelledby="page-titre" className="space-y-8">
      <div>
        <h1 id="page-titre" className="text-3xl font-bold text-brand-900">
          Données personnelles
        </h1>
        <p className="mt-2 max-w-3xl text-slate-700">
          Demandes d’effacement à examiner, exports préparés et politique de conservation.
        </p>
      </div>

      <Card aria-labelledby="effacements-titre">
        <CardTitle id="effacements-titre">Demandes d’effacement</CardTitle>
        {erasures.length === 0 ? (
          <p className="mt-2 text-slate-700">Aucune demande d’effacement.</p>
        ) : (
          <ul className="mt-3 divide-y divide-slate-200" aria-label="Demandes d’effacement">
            {erasures.map((r) => (
              <li key={r._id} className="flex flex-wrap items-center gap-3 py-3">
                <Link to={`/admin/rgpd/${r._id}`} className="font-medium text-brand-800 underline">
                  {r.subjectLabel}
                </Link>
                <span className="text-slate-700">
                  demandé le {formatDayFr(r.createdAt)} — <strong>{STATUS_FR[r.status]}</strong>
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card aria-labelledby="exports-titre">
        <CardTitle id="exports-titre">Exports récents</CardTitle>
        <CardDescription>
          Le lien de chaque archive n’est visible que par la personne qui l’a demandée.
        </CardDescription>
        {exports.length === 0 ? (
          <p className="mt-2 text-slate-700">Aucun export.</p>
        ) : (
          <ul className="mt-3 space-y-1 text-slate-800">
            {exports.map((r) => (
              <li key={r._id}>
                {r.subjectLabel}, le {formatDayFr(r.createdAt)} — {STATUS_FR[r.status]}
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card aria-labelledby="conservation-titre">
        <CardTitle id="conservation-titre">Conservation</CardTitle>
        <CardDescription>
          Appliquée chaque nuit par lots. La colonne « À supprimer maintenant » est une simulation :
          rien n’est supprimé tant qu’un passage ne l’est pas.
        </CardDescription>
        <div className="mt-4 overflow-x-auto">
          <table className="w-full min-w-[32rem] border-collapse text-left text-sm">
            <caption className="sr-only">Politique de conservation et simulation</caption>
            <thead>
              <tr className="border-b border-slate-300 text-slate-700">
                <th scope="col" className="py-2 pr-4">
                  Données
                </th>
                <th scope="col" className="py-2 pr-4">
                  Conservées
                </th>
                <th scope="col" className="py-2 text-right">
                  À supprimer maintenant
                </th>
              </tr>
            </thead>
            <tbody>
              {retention.policies.map((p) => (
                <tr key={p.key} className="border-b border-slate-200">
                  <th scope="row" className="py-2 pr-4 font-medium text-slate-900">
                    {p.label}
                  </th>
                  <td className="py-2 pr-4">
                    {p.days} jours après {p.after}
                  </td>
                  <td className="py-2 text-right tabular-nums">
                    {p.key === "outboxFiles"
                      ? "par le worker"
                      : (retention.preview[p.key] ?? 0) > 1000
                        ? "plus de 1 000"
                        : (retention.preview[p.key] ?? 0)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Button variant="secondary" className="mt-4" onClick={runRetention}>
          Lancer un passage maintenant
        </Button>
        {message ? (
          <p role="status" className="mt-2 text-slate-700">
            {message}
          </p>
        ) : null}
        <h3 className="mt-6 font-semibold text-slate-900">Derniers passages</h3>
        {retention.runs.length === 0 ? (
          <p className="mt-1 text-slate-700">Aucun passage pour l’instant.</p>
        ) : (
          <ul className="mt-2 space-y-1 text-sm text-slate-800">
            {retention.runs.map((r) => {
              const total = Object.values(r.counts).reduce((a, b) => a + b, 0);
              return (
                <li key={r._id}>
                  {formatDayFr(r.startedAt)} ({r.trigger === "cron" ? "automatique" : "manuel"}) —{" "}
                  {r.status === "done"
                    ? `${total} élément${total > 1 ? "s" : ""} supprimé${total > 1 ? "s" : ""}`
                    : "en cours"}
                  {total > 0
                    ? ` : ${Object.entries(r.counts)
                        .filter(([, n]) => n > 0)
                        .map(
                          ([k, n]) =>
                            `${retention.policies.find((p) => p.key === k)?.label ?? k} ${n}`,
                        )
                        .join(", ")}`
                    : ""}
                </li>
              );
            })}
          </ul>
        )}
      </Card>
    </section>
  );
}
