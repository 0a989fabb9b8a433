// /admin/journal — the audit log for staff: who did what and when, newest first, live, with
// « Plus anciennes » to read further back; filtered (in the URL) by one action or one person.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { formatWhenFrAlone } from "@nexus/shared/french-time";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { usePaginatedQuery } from "convex/react";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import {
  auditActionGroups,
  auditActionLabel,
  auditActorLabel,
  auditDetailsText,
  auditFilterParams,
  auditFiltersSearch,
  auditTarget,
  parseAuditFilters,
} from "~/utils/audit-console";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { roundToMinute } from "~/utils/jobs-console";
import { useMinuteClock } from "~/utils/use-minute-clock";

export const meta: MetaFunction = () => [{ title: "Journal d'audit — Nexus Réussite" }];

const PAGE_SIZE = 30;

export async function loader({ request }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["admin", "assistante"]);
  const filters = parseAuditFilters(new URL(request.url).searchParams);
  const first = await convexForRequest(token).query(api.audit.list, {
    ...queryFilters(filters),
    paginationOpts: { numItems: PAGE_SIZE, cursor: null },
  });
  return { filters, first, now: roundToMinute(Date.now()) };
}

function queryFilters(filters: { action?: string; actorId?: string }) {
  return {
    ...(filters.action ? { action: filters.action } : {}),
    ...(filters.actorId ? { actorId: filters.actorId as Id<"users"> } : {}),
  };
}

export default function AuditPage() {
  const data = useLoaderData<typeof loader>();
  const { filters } = data;
  const live = usePaginatedQuery(
    api.audit.list,
    typeof window === "undefined" ? "skip" : queryFilters(filters),
    { initialNumItems: PAGE_SIZE },
  );
  const now = useMinuteClock(data.now);
  const loaded = live.status !== "LoadingFirstPage";
  const entries = loaded ? live.results : data.first.page;
  const canLoadMore = loaded ? live.status === "CanLoadMore" : !data.first.isDone;
  const filtered = Boolean(filters.action || filters.actorId);
  const person = filters.actorId
    ? entries.find((entry) => entry.actor?.id === filters.actorId)?.actor
    : undefined;

  return (
    <section aria-labelledby="page-titre">
      <h1 id="page-titre" className="text-2xl font-bold text-brand-900 sm:text-3xl">
        Journal d'audit
      </h1>
      <p className="mt-2 text-slate-700">
        Qui a fait quoi et quand : rôles, comptes, familles, bilans, documents, e-mails. Les plus
        récentes en premier.
      </p>

      <Form
        method="get"
        className="mt-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4"
        aria-label="Filtrer le journal"
      >
        <div>
          <label htmlFor="filtre-action" className="block text-sm font-medium text-slate-800">
            Action
          </label>
          <select
            id="filtre-action"
            name={auditFilterParams.action}
            key={filters.action ?? ""}
            defaultValue={filters.action ?? ""}
            className="mt-1 min-h-11 rounded-md border border-slate-300 bg-white px-2"
          >
            <option value="">Toutes</option>
            {auditActionGroups.map((group) => (
              <optgroup key={group.label} label={group.label}>
                {Object.entries(group.actions).map(([action, label]) => (
                  <option key={action} value={action}>
                    {label}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        {filters.actorId ? (
          <input type="hidden" name={auditFilterParams.person} value={filters.actorId} />
        ) : null}
        <Button type="submit">Filtrer</Button>
        {filtered ? (
          <Button asChild variant="ghost">
            <Link to="/admin/journal">Effacer les filtres</Link>
          </Button>
        ) : null}
      </Form>

      <p className="mt-4 text-slate-800" aria-live="polite" data-testid="resume-journal">
        {filters.actorId
          ? `Actions de ${person?.name ?? "cette personne"}${filters.action ? ` · ${auditActionLabel(filters.action) ?? filters.action}` : ""}. `
          : ""}
        {entries.length === 0
          ? filtered
            ? "Aucune entrée ne correspond à ces filtres."
            : "Le journal est vide pour le moment."
          : `${entries.length} entrée${entries.length > 1 ? "s" : ""} affichée${entries.length > 1 ? "s" : ""}.`}
      </p>

      <ol className="mt-3 space-y-3">
        {entries.map((entry) => {
          const label = auditActionLabel(entry.action);
          const target = auditTarget(entry.target);
          const details = auditDetailsText(entry.details);
          return (
            <li
              key={entry.id}
              data-testid="entree-journal"
              data-action={entry.action}
              className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
            >
              <div className="flex flex-wrap items-center justify-between gap-2">
                <h2 className="text-base font-semibold text-slate-900">
                  {label ?? entry.action}
                  {label ? (
                    <code className="ml-2 text-sm font-normal text-slate-600">{entry.action}</code>
                  ) : null}
                </h2>
                {entry.viaApiKey ? <Badge tone="info">via une clé d'API</Badge> : null}
              </div>
              <p className="mt-1 text-sm text-slate-700">
                {formatWhenFrAlone(now, entry.at)} ·{" "}
                {entry.actor && entry.actor.id !== filters.actorId ? (
                  <Link
                    to={`/admin/journal${auditFiltersSearch({ actorId: entry.actor.id })}`}
                    className="text-brand-800 underline underline-offset-4"
                    aria-label={`Voir les actions de ${entry.actor.name}`}
                  >
                    {auditActorLabel(entry)}
                  </Link>
                ) : (
                  auditActorLabel(entry)
                )}
              </p>
              {target ? (
                <p className="mt-1 break-all text-sm text-slate-700">
                  <span className="font-medium">Cible : </span>
                  {target.href ? (
                    <Link to={target.href} className="text-brand-800 underline underline-offset-4">
                      {target.label}
                    </Link>
                  ) : (
                    target.label
                  )}{" "}
                  <code className="text-xs text-slate-600">{target.id}</code>
                </p>
              ) : null}
              {details ? (
                <p className="mt-1 break-all text-sm text-slate-600">
                  <span className="font-medium">Détails : </span>
                  <code>{details}</code>
                </p>
              ) : null}
            </li>
          );
        })}
      </ol>

      {canLoadMore ? (
        <div className="mt-6">
          <Button
            variant="secondary"
            disabled={!loaded || live.status !== "CanLoadMore"}
            onClick={() => live.loadMore(PAGE_SIZE)}
          >
            Plus anciennes
          </Button>
        </div>
      ) : null}
      {loaded && live.status === "LoadingMore" ? (
        <p className="mt-2 text-sm text-slate-700" aria-live="polite">
          Chargement…
        </p>
      ) : null}
    </section>
  );
}
