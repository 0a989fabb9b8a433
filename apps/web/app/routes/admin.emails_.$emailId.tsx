// /admin/emails/:emailId — one bilan e-mail as its recipient received it: subject, recipient,
// status (live), the message rendered again on the server (HTML in a sandboxed frame, and its
// text version), and the attached report through the authorised download (/rapport/:bilanId),
// when the attached version is still the bilan's current one (an older PDF is not kept).
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { formatWhenFrAlone } from "@nexus/shared/french-time";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { EmailConfirmActions } from "~/components/admin/email-confirm";
import { EmailResend } from "~/components/admin/email-resend";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { requireRole } from "~/utils/auth.server";
import { notFound, orNotFound } from "~/utils/bilan.server";
import { bilanReportPath } from "~/utils/bilan-pages";
import { convexForRequest } from "~/utils/convex.server";
import { renderEmailPreview } from "~/utils/email-preview.server";
import { emailStatusLabels, recipientLine } from "~/utils/emails-console";
import { roundToMinute } from "~/utils/jobs-console";
import { useLiveQuery } from "~/utils/live-query";
import { useMinuteClock } from "~/utils/use-minute-clock";

export const meta: MetaFunction = () => [{ title: "E-mail envoyé — Nexus Réussite" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["admin", "assistante"]);
  const convex = convexForRequest(token);
  // A malformed id fails the validator: the same French 404 as an e-mail that does not exist.
  const emailId = (params.emailId ?? "") as Id<"emails">;
  const preview = await orNotFound(() => convex.query(api.emails.preview, { emailId }));
  if (!preview) throw notFound();
  const appUrl = (process.env.PUBLIC_APP_URL ?? new URL(request.url).origin).replace(/\/$/, "");
  const rendered = await renderEmailPreview(preview, appUrl);
  return { emailId, preview, rendered, now: roundToMinute(Date.now()) };
}

export default function EmailPage() {
  const data = useLoaderData<typeof loader>();
  const preview = useLiveQuery(api.emails.preview, { emailId: data.emailId }, data.preview);
  const now = useMinuteClock(data.now);
  if (!preview) {
    return <p role="status">Cet e-mail n'existe plus.</p>;
  }
  const { email, bilan } = preview;
  const status = emailStatusLabels[email.status];
  const { rendered } = data;
  const report = bilan?.report ?? null;
  const attachedIsCurrent =
    report !== null && email.pdfVersion !== undefined && report.version === email.pdfVersion;

  return (
    <section aria-labelledby="page-titre">
      <p>
        <Link to="/admin/emails" className="text-brand-800 underline underline-offset-4">
          ← Tous les e-mails
        </Link>
      </p>
      <h1
        id="page-titre"
        className="mt-2 break-words text-2xl font-bold text-brand-900 sm:text-3xl"
      >
        {email.subject}
      </h1>
      <div className="mt-3 flex flex-wrap items-center gap-3">
        <span aria-live="polite" data-testid="statut-email" data-email-status={email.status}>
          <Badge tone={status.tone}>{status.label}</Badge>
        </span>
        {email.status === "failed" ? <EmailResend email={email} /> : null}
        {email.status === "unconfirmed" ? <EmailConfirmActions email={email} /> : null}
      </div>
      <dl className="mt-4 space-y-1 text-sm">
        <Row label="Destinataire" value={recipientLine(email)} />
        <Row label="Créé" value={formatWhenFrAlone(now, email.createdAt)} />
        {email.sentAt ? <Row label="Envoyé" value={formatWhenFrAlone(now, email.sentAt)} /> : null}
        {email.provider ? (
          <Row
            label="Envoi"
            value={email.provider === "outbox" ? "boîte d'envoi locale" : "Resend"}
          />
        ) : null}
        {email.error ? <Row label="Erreur" value={email.error} danger /> : null}
        {bilan ? (
          <div className="flex flex-wrap gap-x-2">
            <dt className="font-medium text-slate-700">Bilan :</dt>
            <dd>
              <Link
                to={`/coach/bilans/${bilan.id}`}
                className="text-brand-800 underline underline-offset-4"
              >
                Ouvrir le bilan de {bilan.student.firstName} {bilan.student.lastName}
              </Link>
            </dd>
          </div>
        ) : null}
      </dl>

      <h2 className="mt-6 text-xl font-semibold text-slate-900">Pièce jointe</h2>
      {email.pdfVersion === undefined ? (
        <p className="mt-2 text-slate-700">Cet e-mail n'avait pas de pièce jointe.</p>
      ) : attachedIsCurrent ? (
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <Button asChild variant="secondary">
            {/* The authorised path: a five-minute link from Convex, as for the family. */}
            <a href={bilanReportPath(bilan!.id)} data-testid="piece-jointe">
              Télécharger le rapport joint ({rendered?.filename ?? `version ${email.pdfVersion}`})
            </a>
          </Button>
          <span className="text-sm text-slate-600">
            Version {email.pdfVersion} du rapport, toujours la version actuelle du bilan.
          </span>
        </div>
      ) : (
        <p className="mt-2 text-slate-700" data-testid="piece-jointe-remplacee">
          Le rapport joint était la version {email.pdfVersion} ;{" "}
          {report
            ? `il a été remplacé par la version ${report.version}, et seule la version actuelle d'un rapport est conservée.`
            : "le bilan n'a plus de rapport."}
        </p>
      )}

      <h2 className="mt-6 text-xl font-semibold text-slate-900">Le message</h2>
      {rendered ? (
        <>
          <p className="mt-1 text-sm text-slate-700" data-testid="apercu-re-rendu">
            Aperçu recalculé à l'instant avec le même modèle que l'envoi, à partir des données
            actuelles du bilan : si la synthèse a changé depuis l'envoi, le texte reçu pouvait
            différer.
          </p>
          <iframe
            title={`Contenu de l'e-mail « ${rendered.subject} »`}
            // No script, no same origin, no form, no navigation of this page.
            sandbox=""
            srcDoc={rendered.html}
            className="mt-3 h-[36rem] w-full rounded-md border border-slate-300 bg-white"
            data-testid="apercu-email"
          />
          <details className="mt-3 rounded-md border border-slate-200 bg-white p-3">
            <summary className="cursor-pointer font-medium">Version texte</summary>
            <pre className="mt-2 whitespace-pre-wrap break-words text-sm">{rendered.text}</pre>
          </details>
        </>
      ) : (
        <p className="mt-2 text-slate-700">
          Cet e-mail ne peut pas être affiché de nouveau : son bilan ou sa synthèse n'existe plus.
        </p>
      )}
    </section>
  );
}

function Row({ label, value, danger = false }: { label: string; value: string; danger?: boolean }) {
  return (
    <div className="flex flex-wrap gap-x-2">
      <dt className="font-medium text-slate-700">{label} :</dt>
      <dd className={danger ? "break-all text-red-800" : "break-all"}>{value}</dd>
    </div>
  );
}
