// /admin/emails — every bilan e-mail, newest first, live: recipient, subject, bilan, status
// and dates; the ones whose delivery is uncertain (« à confirmer ») first and highlighted,
// with « Confirmer la réception » / « Non reçu » behind a confirmation; « Renvoyer » for a failed
// one (never a sent one); each e-mail's page shows it as received. Status filter in the URL;
// 50 per page with « Charger plus », every loaded page live.
import { api } from "@convex/_generated/api";
import { formatWhenFrAlone } from "@nexus/shared/french-time";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import type { FunctionReturnType } from "convex/server";
import { EmailConfirmActions } from "~/components/admin/email-confirm";
import { EmailResend } from "~/components/admin/email-resend";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import {
  emailFilterParams,
  emailStatusLabels,
  emailStatusList,
  parseEmailStatus,
  recipientLine,
} from "~/utils/emails-console";
import { roundToMinute } from "~/utils/jobs-console";
import { useLivePages } from "~/utils/live-pages";
import { useLiveQuery } from "~/utils/live-query";
import { useMinuteClock } from "~/utils/use-minute-clock";

export const meta: MetaFunction = () => [{ title: "E-mails — Nexus Réussite" }];

const PAGE_SIZE = 50;
const UNCONFIRMED = { status: "unconfirmed" as const, limit: 50 };

export async function loader({ request }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["admin", "assistante"]);
  const status = parseEmailStatus(new URL(request.url).searchParams);
  const convex = convexForRequest(token);
  const [emails, unconfirmed] = await Promise.all([
    convex.query(api.emails.page, {
      ...listArgs(status),
      paginationOpts: { numItems: PAGE_SIZE, cursor: null },
    }),
    convex.query(api.emails.list, UNCONFIRMED),
  ]);
  return { status: status ?? null, emails, unconfirmed, now: roundToMinute(Date.now()) };
}

function listArgs(status: ReturnType<typeof parseEmailStatus>) {
  return status ? { status } : {};
}

type EmailRow = FunctionReturnType<typeof api.emails.list>[number];

export default function EmailsPage() {
  const data = useLoaderData<typeof loader>();
  const status = data.status ?? undefined;
  const emails = useLivePages(api.emails.page, listArgs(status), data.emails, PAGE_SIZE);
  const unconfirmed = useLiveQuery(api.emails.list, UNCONFIRMED, data.unconfirmed);
  const now = useMinuteClock(data.now);
  // The « à confirmer » ones are listed above; the main list shows the others.
  const others = emails.results.filter((email) => email.status !== "unconfirmed");

  return (
    <section aria-labelledby="page-titre">
      <h1 id="page-titre" className="text-2xl font-bold text-brand-900 sm:text-3xl">
        E-mails
      </h1>
      <p className="mt-2 text-slate-700">
        Les e-mails des bilans, envoyés ou en attente, par bilan et par destinataire.
      </p>

      <h2 className="mt-6 text-xl font-semibold text-slate-900">À confirmer</h2>
      <p className="mt-1 text-slate-700" aria-live="polite" data-testid="resume-a-confirmer">
        {unconfirmed.length === 0
          ? "Aucun e-mail à confirmer : chaque envoi a une issue connue."
          : `${unconfirmed.length} e-mail${unconfirmed.length > 1 ? "s" : ""} dont l'envoi a été interrompu : vérifiez auprès de la famille ou du fournisseur, puis indiquez s'il a été reçu.`}
      </p>
      {unconfirmed.length > 0 ? (
        <ul className="mt-3 space-y-3">
          {unconfirmed.map((email) => (
            <EmailCard key={email._id} email={email} now={now} highlighted />
          ))}
        </ul>
      ) : null}

      <h2 className="mt-8 text-xl font-semibold text-slate-900">Tous les e-mails</h2>
      <Form
        method="get"
        className="mt-3 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4"
        aria-label="Filtrer les e-mails"
      >
        <div>
          <label htmlFor="filtre-statut" className="block text-sm font-medium text-slate-800">
            Statut
          </label>
          <select
            id="filtre-statut"
            name={emailFilterParams.status}
            key={status ?? ""}
            defaultValue={status ?? ""}
            className="mt-1 min-h-11 rounded-md border border-slate-300 bg-white px-2"
          >
            <option value="">Tous</option>
            {emailStatusList.map((s) => (
              <option key={s} value={s}>
                {emailStatusLabels[s].label}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit">Filtrer</Button>
        {status ? (
          <Button asChild variant="ghost">
            <Link to="/admin/emails">Effacer le filtre</Link>
          </Button>
        ) : null}
      </Form>
      <p className="mt-4 text-slate-800" aria-live="polite" data-testid="resume-emails">
        {others.length === 0
          ? status
            ? status === "unconfirmed"
              ? "Les e-mails à confirmer sont listés plus haut."
              : "Aucun e-mail avec ce statut."
            : "Aucun e-mail pour le moment."
          : `${others.length} e-mail${others.length > 1 ? "s" : ""}${emails.canLoadMore ? ` affiché${others.length > 1 ? "s" : ""} (les plus récents ; d'autres suivent)` : ""}.`}
      </p>
      <ul className="mt-3 space-y-3">
        {others.map((email) => (
          <EmailCard key={email._id} email={email} now={now} />
        ))}
      </ul>
      {emails.canLoadMore || emails.loadingMore ? (
        <div className="mt-4">
          <Button
            variant="secondary"
            onClick={emails.loadMore}
            disabled={emails.loadingMore}
            data-testid="charger-plus-emails"
          >
            {emails.loadingMore ? "Chargement…" : `Charger ${PAGE_SIZE} e-mails de plus`}
          </Button>
        </div>
      ) : null}
    </section>
  );
}

function EmailCard({
  email,
  now,
  highlighted = false,
}: {
  email: EmailRow;
  now: number;
  highlighted?: boolean;
}) {
  const status = emailStatusLabels[email.status];
  return (
    <li
      data-testid={highlighted ? "email-a-confirmer" : "email"}
      data-email-status={email.status}
      className={`rounded-lg border bg-white p-4 shadow-sm ${highlighted ? "border-violet-400 ring-2 ring-violet-200" : "border-slate-200"}`}
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="break-words font-semibold text-slate-900">{email.subject}</h3>
        <Badge tone={status.tone}>{status.label}</Badge>
      </div>
      <dl className="mt-2 space-y-1 text-sm">
        <div className="flex flex-wrap gap-x-2">
          <dt className="font-medium text-slate-700">Destinataire :</dt>
          <dd className="break-all">{recipientLine(email)}</dd>
        </div>
        {email.bilanId ? (
          <div className="flex flex-wrap gap-x-2">
            <dt className="font-medium text-slate-700">Bilan :</dt>
            <dd>
              <Link
                to={`/coach/bilans/${email.bilanId}`}
                className="break-all text-brand-800 underline underline-offset-4"
              >
                Ouvrir le bilan
                {email.pdfVersion ? ` (rapport version ${email.pdfVersion})` : ""}
              </Link>
            </dd>
          </div>
        ) : null}
        <div className="flex flex-wrap gap-x-2">
          <dt className="font-medium text-slate-700">Créé :</dt>
          <dd>{formatWhenFrAlone(now, email.createdAt)}</dd>
        </div>
        {email.sentAt ? (
          <div className="flex flex-wrap gap-x-2">
            <dt className="font-medium text-slate-700">Envoyé :</dt>
            <dd>{formatWhenFrAlone(now, email.sentAt)}</dd>
          </div>
        ) : null}
        {email.error ? (
          <div className="flex flex-wrap gap-x-2">
            <dt className="font-medium text-slate-700">Erreur :</dt>
            <dd className="break-all text-red-800">{email.error}</dd>
          </div>
        ) : null}
      </dl>
      <div className="mt-3 flex flex-wrap items-center gap-3">
        <Link
          to={`/admin/emails/${email._id}`}
          className="text-brand-800 underline underline-offset-4"
          aria-label={`Voir l'e-mail et sa pièce jointe : ${email.subject} à ${email.to}`}
        >
          Voir l'e-mail et sa pièce jointe
        </Link>
        {email.status === "unconfirmed" ? <EmailConfirmActions email={email} /> : null}
        {email.status === "failed" ? <EmailResend email={email} /> : null}
      </div>
    </li>
  );
}
