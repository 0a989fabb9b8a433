// /admin/rgpd/:requestId: one erasure request. Pending: the dry run (exactly which rows and
// files would be deleted or anonymised, per table), then confirm or refuse with a reason.
// Running/done: the job's totals, live.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useMutation } from "convex/react";
import { type FormEvent, useState } from "react";
import { CountsTable } from "~/components/rgpd/counts-table";
import { Button } from "~/components/ui/button";
import { Card, CardTitle } from "~/components/ui/card";
import { requireRole } from "~/utils/auth.server";
import { notFound, orNotFound } from "~/utils/bilan.server";
import { convexForRequest } from "~/utils/convex.server";
import { formatDayFr } from "~/utils/dates-fr";
import { toUserError } from "~/utils/errors";
import { useLiveQuery } from "~/utils/live-query";

export const meta: MetaFunction = () => [{ title: "Demande d’effacement — Nexus Réussite" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["admin", "assistante"]);
  if (!params.requestId) throw notFound();
  const requestId = params.requestId as Id<"rgpdRequests">;
  const view = await orNotFound(() =>
    convexForRequest(token).query(api.rgpd.erasurePlan, { requestId }),
  );
  return { requestId, view };
}

export default function ErasureRequest() {
  const { requestId, view: initial } = useLoaderData<typeof loader>();
  const view = useLiveQuery(api.rgpd.erasurePlan, { requestId }, initial);
  const confirm = useMutation(api.rgpd.confirmErasure);
  const reject = useMutation(api.rgpd.rejectErasure);
  const [outcome, setOutcome] = useState<{ kind: "error" | "success"; message: string } | null>(
    null,
  );
  const { request, plan, done } = view;

  async function onConfirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (new FormData(event.currentTarget).get("sure") !== "on") {
      setOutcome({ kind: "error", message: "Cochez la case pour confirmer l’effacement." });
      return;
    }
    try {
      await confirm({ requestId });
      setOutcome({ kind: "success", message: "Effacement lancé : le compte est déjà désactivé." });
    } catch (error) {
      setOutcome({ kind: "error", message: toUserError(error).message });
    }
  }

  async function onReject(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get("reason") ?? "");
    try {
      await reject({ requestId, reason });
      setOutcome({ kind: "success", message: "Demande refusée ; la personne en est informée." });
    } catch (error) {
      setOutcome({ kind: "error", message: toUserError(error).message });
    }
  }

  return (
    <section aria-labelledby="page-titre" className="space-y-6">
      <p>
        <Link to="/admin/rgpd" className="text-brand-800 underline">
          ← Données personnelles
        </Link>
      </p>
      <h1 id="page-titre" className="text-3xl font-bold text-brand-900">
        Effacement : {request.subjectLabel}
      </h1>
      <p className="text-slate-700">
        Demandé le {formatDayFr(request.createdAt)}.{" "}
        {request.status === "pending"
          ? "En attente de votre décision."
          : request.status === "running"
            ? "Effacement en cours, par lots."
            : request.status === "done"
              ? "Effacement terminé."
              : request.status === "rejected"
                ? `Demande refusée : ${request.error ?? ""}`
                : `Échec : ${request.error ?? ""}`}
      </p>
      {outcome ? (
        <p
          role={outcome.kind === "error" ? "alert" : "status"}
          className={
            outcome.kind === "error" ? "font-medium text-red-800" : "font-medium text-green-800"
          }
        >
          {outcome.message}
        </p>
      ) : null}
      <Card aria-labelledby="simulation-titre">
        <CardTitle id="simulation-titre">
          {request.status === "pending"
            ? "Simulation (rien n’est encore effacé)"
            : "Ce qui était prévu"}
        </CardTitle>
        <CountsTable counts={plan} caption="Lignes et fichiers concernés, par type de données" />
        <p className="mt-3 text-sm text-slate-600">
          Le journal d’audit garde les actions sous un pseudonyme ; les statistiques d’ensemble ne
          changent pas. Les données des autres membres de la famille ne sont pas touchées.
        </p>
      </Card>
      {done && request.status !== "pending" ? (
        <Card aria-labelledby="fait-titre">
          <CardTitle id="fait-titre">Ce qui a été fait</CardTitle>
          <CountsTable
            counts={done}
            caption="Lignes et fichiers effacés ou anonymisés à ce stade"
          />
        </Card>
      ) : null}
      {request.status === "pending" ? (
        <div className="grid gap-6 md:grid-cols-2">
          <Card aria-labelledby="confirmer-titre">
            <CardTitle id="confirmer-titre">Confirmer l’effacement</CardTitle>
            <form onSubmit={onConfirm} className="mt-3" noValidate>
              <div className="flex items-start gap-2">
                <input id="sure" name="sure" type="checkbox" className="mt-1 size-5" />
                <label htmlFor="sure" className="text-slate-800">
                  J’ai vérifié la simulation ; l’effacement est définitif.
                </label>
              </div>
              <Button type="submit" variant="danger" className="mt-4">
                Effacer définitivement
              </Button>
            </form>
          </Card>
          <Card aria-labelledby="refuser-titre">
            <CardTitle id="refuser-titre">Refuser la demande</CardTitle>
            <form onSubmit={onReject} className="mt-3" noValidate>
              <label htmlFor="reason" className="block text-sm font-semibold text-slate-900">
                Raison (envoyée au demandeur)
              </label>
              <textarea
                id="reason"
                name="reason"
                rows={3}
                className="mt-1 block w-full rounded-md border border-slate-400 px-3 py-2"
              />
              <Button type="submit" variant="secondary" className="mt-3">
                Refuser
              </Button>
            </form>
          </Card>
        </div>
      ) : null}
    </section>
  );
}
