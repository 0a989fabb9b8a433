// « Mes données »: the person's rights on their data (and a parent's on their children's):
// a copy (export ZIP, link for 7 days, requester only), erasure (a request staff examine),
// which e-mails to receive, and for parents the consent to ARIA for a child under 15.
// First paint from the loader, then live (requests, preferences, consents).
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { roles } from "@nexus/shared/domain";
import { NOTIFICATION_KINDS } from "@nexus/shared/notifications";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useMutation } from "convex/react";
import type { FunctionReturnType } from "convex/server";
import { type FormEvent, useState } from "react";
import { Button } from "~/components/ui/button";
import { Card, CardDescription, CardTitle } from "~/components/ui/card";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { formatDayFr } from "~/utils/dates-fr";
import { toUserError } from "~/utils/errors";
import { useLiveQuery } from "~/utils/live-query";

export const meta: MetaFunction = () => [{ title: "Mes données — Nexus Réussite" }];

const CHILDREN_ARGS = { paginationOpts: { numItems: 20, cursor: null } };

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, token } = await requireRole(request, roles);
  const convex = convexForRequest(token);
  const [requests, preferences, children] = await Promise.all([
    convex.query(api.rgpd.myRequests, {}),
    convex.query(api.emailPreferences.mine, {}),
    user.role === "parent"
      ? convex.query(api.students.listMineWithLatestBilan, CHILDREN_ARGS)
      : Promise.resolve(null),
  ]);
  const consents =
    children === null
      ? []
      : await Promise.all(
          children.page.map(async (card) => ({
            studentId: card.student._id,
            status: await convex.query(api.consents.ariaStatus, { studentId: card.student._id }),
          })),
        );
  return {
    role: user.role,
    name: user.name,
    requests,
    preferences,
    children:
      children?.page.map((c) => ({
        _id: c.student._id,
        name: `${c.student.firstName} ${c.student.lastName}`,
      })) ?? [],
    consents,
  };
}

type Request = FunctionReturnType<typeof api.rgpd.myRequests>[number];

const STATUS_FR: Record<Request["status"], string> = {
  pending: "en attente de l’équipe",
  running: "en cours",
  ready: "prête",
  done: "effacement terminé",
  rejected: "refusée",
  failed: "échec",
  expired: "expirée (archive supprimée)",
};

function sizeFr(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))}\u00A0Ko`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(".", ",")}\u00A0Mo`;
}

type Outcome = { kind: "success" | "error"; message: string } | null;

function OutcomeText({ outcome }: { outcome: Outcome }) {
  if (!outcome) return null;
  return (
    <p
      role={outcome.kind === "error" ? "alert" : "status"}
      className={
        outcome.kind === "error"
          ? "mt-3 font-medium text-red-800"
          : "mt-3 font-medium text-green-800"
      }
    >
      {outcome.message}
    </p>
  );
}

function SubjectSelect({ id, people }: { id: string; people: { _id: string; name: string }[] }) {
  if (people.length === 0) return null;
  return (
    <div className="mt-3">
      <label htmlFor={id} className="block text-sm font-semibold text-slate-900">
        Personne concernée
      </label>
      <select
        id={id}
        name="subject"
        className="mt-1 block w-full max-w-sm rounded-md border border-slate-400 bg-white px-3 py-2"
      >
        <option value="self">Moi</option>
        {people.map((c) => (
          <option key={c._id} value={c._id}>
            {c.name}
          </option>
        ))}
      </select>
    </div>
  );
}

function subjectArgs(form: FormData) {
  const value = String(form.get("subject") ?? "self");
  return value === "self" ? {} : { studentId: value as Id<"students"> };
}

export default function MesDonnees() {
  const data = useLoaderData<typeof loader>();
  const requests = useLiveQuery(api.rgpd.myRequests, {}, data.requests);
  const preferences = useLiveQuery(api.emailPreferences.mine, {}, data.preferences);
  const requestExport = useMutation(api.rgpd.requestExport);
  const requestErasure = useMutation(api.rgpd.requestErasure);
  const setPreference = useMutation(api.emailPreferences.set);
  const [exportOutcome, setExportOutcome] = useState<Outcome>(null);
  const [erasureOutcome, setErasureOutcome] = useState<Outcome>(null);
  const [prefOutcome, setPrefOutcome] = useState<Outcome>(null);

  async function onExport(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    try {
      await requestExport(subjectArgs(new FormData(event.currentTarget)));
      setExportOutcome({
        kind: "success",
        message: "Demande enregistrée : l’archive se prépare, elle apparaîtra ci-dessous.",
      });
    } catch (error) {
      setExportOutcome({ kind: "error", message: toUserError(error).message });
    }
  }

  async function onErasure(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (form.get("confirm") !== "on") {
      setErasureOutcome({
        kind: "error",
        message: "Cochez la case pour confirmer que vous demandez bien l’effacement.",
      });
      return;
    }
    try {
      await requestErasure(subjectArgs(form));
      setErasureOutcome({
        kind: "success",
        message: "Demande transmise à l’équipe du centre, qui vous répondra sous un mois.",
      });
    } catch (error) {
      setErasureOutcome({ kind: "error", message: toUserError(error).message });
    }
  }

  async function onPreference(kind: (typeof preferences)[number]["kind"], enabled: boolean) {
    try {
      await setPreference({ kind, enabled });
      setPrefOutcome({
        kind: "success",
        message: `${NOTIFICATION_KINDS[kind].label} : e-mails ${enabled ? "activés" : "désactivés"}.`,
      });
    } catch (error) {
      setPrefOutcome({ kind: "error", message: toUserError(error).message });
    }
  }

  const exports = requests.filter((r) => r.kind === "export");
  const erasures = requests.filter((r) => r.kind === "erasure");

  return (
    <section aria-labelledby="page-titre" className="space-y-8">
      <div>
        <h1 id="page-titre" className="text-3xl font-bold text-brand-900">
          Mes données
        </h1>
        <p className="mt-2 max-w-3xl text-slate-700">
          Obtenez une copie de vos données, demandez leur effacement et choisissez les e-mails que
          vous recevez. Les règles sont expliquées dans la{" "}
          <a href="/confidentialite" className="font-medium text-brand-800 underline">
            notice sur les données personnelles
          </a>
          .
        </p>
      </div>

      <Card aria-labelledby="export-titre">
        <CardTitle id="export-titre">Obtenir une copie de mes données</CardTitle>
        <CardDescription>
          Une archive ZIP : vos données au format JSON, les rapports PDF, les documents déposés et
          les e-mails reçus, avec un fichier LISEZMOI. Le lien reste valable 7 jours.
        </CardDescription>
        <form onSubmit={onExport} noValidate>
          <SubjectSelect id="export-personne" people={data.children} />
          <Button type="submit" className="mt-4">
            Demander l’export
          </Button>
        </form>
        <OutcomeText outcome={exportOutcome} />
        {exports.length > 0 ? (
          <div className="mt-5">
            <h3 className="font-semibold text-slate-900">Mes exports</h3>
            <ul className="mt-2 divide-y divide-slate-200" aria-label="Mes exports">
              {exports.map((r) => (
                <li key={r._id} className="flex flex-wrap items-center gap-3 py-3">
                  <span className="text-slate-800">
                    {r.subjectLabel}, demandé le {formatDayFr(r.createdAt)} —{" "}
                    <strong>{STATUS_FR[r.status]}</strong>
                  </span>
                  {r.status === "ready" ? (
                    <>
                      <Button asChild size="sm">
                        <a href={`/mes-donnees/export/${r._id}`}>Télécharger l’archive (ZIP)</a>
                      </Button>
                      <span className="text-sm text-slate-600">
                        {r.size ? `${sizeFr(r.size)}, ` : ""}
                        {r.expiresAt ? `disponible jusqu’au ${formatDayFr(r.expiresAt)}` : ""}
                      </span>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </Card>

      <Card aria-labelledby="effacement-titre">
        <CardTitle id="effacement-titre">Demander l’effacement</CardTitle>
        <CardDescription>
          L’équipe du centre examine chaque demande. Une fois confirmé, l’effacement est définitif :
          le compte ne permet plus de se connecter. Le journal du centre ne garde qu’un pseudonyme,
          et les statistiques d’ensemble restent.
        </CardDescription>
        <form onSubmit={onErasure} noValidate>
          <SubjectSelect id="effacement-personne" people={data.children} />
          <div className="mt-3 flex items-start gap-2">
            <input
              id="effacement-confirmer"
              name="confirm"
              type="checkbox"
              className="mt-1 size-5"
            />
            <label htmlFor="effacement-confirmer" className="text-slate-800">
              Je comprends que l’effacement est définitif.
            </label>
          </div>
          <Button type="submit" variant="danger" className="mt-4">
            Demander l’effacement
          </Button>
        </form>
        <OutcomeText outcome={erasureOutcome} />
        {erasures.length > 0 ? (
          <ul className="mt-4 space-y-1 text-slate-800" aria-label="Mes demandes d’effacement">
            {erasures.map((r) => (
              <li key={r._id}>
                {r.subjectLabel}, demandé le {formatDayFr(r.createdAt)} —{" "}
                <strong>{STATUS_FR[r.status]}</strong>
                {r.error ? ` : ${r.error}` : ""}
              </li>
            ))}
          </ul>
        ) : null}
      </Card>

      <Card aria-labelledby="preferences-email">
        <CardTitle id="preferences-email">Mes e-mails</CardTitle>
        <CardDescription>
          Les rapports, les messages légaux, les confirmations de réservation et les reçus de
          paiement sont toujours envoyés ; les autres (rappels de séance, alertes…) peuvent être
          désactivés.
        </CardDescription>
        <fieldset className="mt-3">
          <legend className="sr-only">E-mails reçus par type</legend>
          <ul className="space-y-2">
            {preferences.map((p) => (
              <li key={p.kind} className="flex items-center gap-2">
                <input
                  id={`pref-${p.kind}`}
                  type="checkbox"
                  className="size-5"
                  checked={p.enabled}
                  disabled={p.locked}
                  onChange={(e) => void onPreference(p.kind, e.currentTarget.checked)}
                />
                <label htmlFor={`pref-${p.kind}`} className="text-slate-800">
                  {NOTIFICATION_KINDS[p.kind].label}
                  {p.locked ? (
                    <span className="text-sm text-slate-600"> (toujours envoyés)</span>
                  ) : null}
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <OutcomeText outcome={prefOutcome} />
      </Card>

      {data.role === "parent" && data.children.length > 0 ? (
        <AriaConsents people={data.children} initial={data.consents} />
      ) : null}
    </section>
  );
}

type ConsentStatus = FunctionReturnType<typeof api.consents.ariaStatus>;

function ChildConsent({
  child,
  initial,
}: {
  child: { _id: string; name: string };
  initial: ConsentStatus;
}) {
  const studentId = child._id as Id<"students">;
  const status = useLiveQuery(api.consents.ariaStatus, { studentId }, initial);
  const give = useMutation(api.consents.giveParentalAria);
  const withdraw = useMutation(api.consents.withdrawParentalAria);
  const [outcome, setOutcome] = useState<Outcome>(null);
  async function run(kind: "give" | "withdraw") {
    try {
      await (kind === "give" ? give({ studentId }) : withdraw({ studentId }));
      setOutcome({
        kind: "success",
        message:
          kind === "give" ? "Accord enregistré." : "Accord retiré : ARIA n’est plus accessible.",
      });
    } catch (error) {
      setOutcome({ kind: "error", message: toUserError(error).message });
    }
  }
  return (
    <li className="py-3">
      <p className="text-slate-800">
        <strong>{child.name}</strong> —{" "}
        {!status.needsParentalConsent
          ? "15 ans ou plus : aucun accord n’est nécessaire."
          : status.consentedAt
            ? `accord donné le ${formatDayFr(status.consentedAt)} (version ${status.version}).`
            : "aucun accord pour l’instant : ARIA n’est pas accessible."}
      </p>
      {status.needsParentalConsent ? (
        <Button
          size="sm"
          variant={status.consentedAt ? "secondary" : "primary"}
          className="mt-2"
          onClick={() => void run(status.consentedAt ? "withdraw" : "give")}
        >
          {status.consentedAt ? "Retirer mon accord" : "Donner mon accord"}
          <span className="sr-only"> pour {child.name}</span>
        </Button>
      ) : null}
      <OutcomeText outcome={outcome} />
    </li>
  );
}

function AriaConsents({
  people,
  initial,
}: {
  people: { _id: string; name: string }[];
  initial: { studentId: string; status: ConsentStatus }[];
}) {
  return (
    <Card aria-labelledby="aria-titre">
      <CardTitle id="aria-titre">ARIA : accord parental</CardTitle>
      <CardDescription>
        Un élève de moins de 15 ans n’utilise l’assistant ARIA qu’avec l’accord d’un parent. Tant
        que sa date de naissance n’est pas enregistrée par le centre, l’accord est aussi demandé.
      </CardDescription>
      <ul className="divide-y divide-slate-200">
        {people.map((child) => (
          <ChildConsent
            key={child._id}
            child={child}
            initial={initial.find((c) => c.studentId === child._id)!.status}
          />
        ))}
      </ul>
    </Card>
  );
}
