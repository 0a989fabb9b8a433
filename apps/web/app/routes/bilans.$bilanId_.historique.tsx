// /bilans/:bilanId/historique — the provenance of one bilan, live: answers sent, each
// generation run (provider, model, prompt version, duration, tokens, passages retrieved and
// cited), the coach's edits and regeneration requests, the approval, each PDF version and each
// e-mail per recipient. Staff and the student's coaches (provenance.bilanTimeline); each step
// links to its job (staff) and its artefact (report, e-mail, cited document).
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { subjectLabels } from "@nexus/shared/vocabulary";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { FunctionReturnType } from "convex/server";
import type { ReactNode } from "react";
import { formatDateTimeFr } from "~/components/review/format";
import { Badge, StatusBadge } from "~/components/ui/badge";
import { requireRole } from "~/utils/auth.server";
import { notFound, orNotFound } from "~/utils/bilan.server";
import { bilanReportPath } from "~/utils/bilan-pages";
import { convexForRequest } from "~/utils/convex.server";
import { formatBytesFr } from "~/utils/documents-console";
import { emailStatusLabels } from "~/utils/emails-console";
import { jobStatusLabels } from "~/utils/jobs-console";
import { useLiveQuery } from "~/utils/live-query";
import {
  bilanStepTitle,
  documentPath,
  formatCountFr,
  formatDurationFr,
  jobPath,
  providerLabels,
} from "~/utils/provenance";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Historique — ${data.timeline.bilan.studentName} — Nexus Réussite`
      : "Historique d'un bilan — Nexus Réussite",
  },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["admin", "assistante", "coach"]);
  if (!params.bilanId) throw notFound();
  const bilanId = params.bilanId as Id<"bilans">;
  const timeline = await orNotFound(() =>
    convexForRequest(token).query(api.provenance.bilanTimeline, { bilanId }),
  );
  return { bilanId, timeline };
}

type Timeline = FunctionReturnType<typeof api.provenance.bilanTimeline>;
type Step = Timeline["steps"][number];

const linkClass = "text-brand-800 underline underline-offset-4 hover:text-brand-900";

export default function BilanHistoryPage() {
  const data = useLoaderData<typeof loader>();
  const timeline = useLiveQuery(
    api.provenance.bilanTimeline,
    { bilanId: data.bilanId },
    data.timeline,
  );
  const { bilan, steps, canOpenJobs } = timeline;
  return (
    <article aria-labelledby="page-titre">
      <p className="text-sm">
        <Link to={`/coach/bilans/${bilan._id}`} className={linkClass}>
          ← Retour au bilan
        </Link>
      </p>
      <header className="mt-2 flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 id="page-titre" className="text-2xl font-bold text-brand-900 sm:text-3xl">
            Historique du bilan
          </h1>
          <p className="mt-1 text-slate-700">
            {bilan.studentName} — {subjectLabels[bilan.subject]}
          </p>
        </div>
        <StatusBadge status={bilan.status} />
      </header>
      <p className="mt-3 max-w-prose text-slate-700">
        Chaque étape, de la réponse de l'élève à l'envoi du rapport, avec la tâche qui l'a exécutée
        et ce qu'elle a produit. La page se met à jour d'elle-même.
      </p>

      <h2 className="mt-6 text-xl font-semibold text-slate-900" id="etapes-titre">
        Étapes
      </h2>
      <p className="sr-only" aria-live="polite">
        {steps.length} étape{steps.length > 1 ? "s" : ""}
      </p>
      {steps.length === 0 ? (
        <p className="mt-2 text-slate-700">Rien à montrer : le bilan n'a pas encore été envoyé.</p>
      ) : (
        <ol
          aria-labelledby="etapes-titre"
          className="mt-3 space-y-3 border-l-2 border-brand-200 pl-4 sm:pl-6"
          data-testid="historique-bilan"
        >
          {steps.map((step) => (
            <li
              key={stepKey(step)}
              data-testid="etape"
              data-kind={step.kind}
              className="relative rounded-lg border border-slate-200 bg-white p-3 shadow-sm sm:p-4"
            >
              <span
                aria-hidden="true"
                className="absolute top-5 -left-[1.4rem] size-3 rounded-full bg-brand-700 ring-4 ring-white sm:-left-[1.9rem]"
              />
              <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
                <h3 className="font-semibold text-slate-900">{bilanStepTitle(step)}</h3>
                <time dateTime={new Date(step.at).toISOString()} className="text-sm text-slate-600">
                  {formatDateTimeFr(step.at)}
                </time>
              </div>
              <StepDetails step={step} bilanId={bilan._id} canOpenJobs={canOpenJobs} />
            </li>
          ))}
        </ol>
      )}
    </article>
  );
}

function stepKey(step: Step): string {
  switch (step.kind) {
    case "email":
      return `email-${step.emailId}`;
    case "pdf":
      return `pdf-${step.version}`;
    case "generation":
      return `generation-${step.jobId ?? step.synthesisVersion ?? step.at}`;
    default:
      return `${step.kind}-${step.at}`;
  }
}

function StepDetails({
  step,
  bilanId,
  canOpenJobs,
}: {
  step: Step;
  bilanId: string;
  canOpenJobs: boolean;
}) {
  const job =
    "jobId" in step && step.jobId ? (
      canOpenJobs ? (
        <Link to={jobPath(step.jobId)} className={linkClass}>
          Voir la tâche
        </Link>
      ) : null
    ) : null;
  switch (step.kind) {
    case "submitted":
      return <Links>{job}</Links>;
    case "generation":
      return <GenerationDetails step={step} job={job} canOpenDocuments={canOpenJobs} />;
    case "edit":
      return (
        <p className="mt-1 text-sm text-slate-700">
          {step.authorName ? `Par ${step.authorName}` : "Auteur inconnu"}
          {step.synthesisVersion !== undefined ? ` · version ${step.synthesisVersion}` : ""}
        </p>
      );
    case "regenerationRequest":
      return (
        <>
          <p className="mt-1 text-sm text-slate-700">
            {step.actorName ? `Par ${step.actorName}` : "Auteur inconnu"}
          </p>
          {step.instructions ? (
            <blockquote className="mt-1 border-l-2 border-slate-300 pl-3 text-sm text-slate-700">
              Consignes : {step.instructions}
            </blockquote>
          ) : null}
          <Links>{job}</Links>
        </>
      );
    case "approval":
      return (
        <>
          <p className="mt-1 text-sm text-slate-700">
            {step.actorName ? `Par ${step.actorName}` : "Auteur inconnu"}
          </p>
          {step.coachNote ? (
            <blockquote className="mt-1 border-l-2 border-slate-300 pl-3 text-sm text-slate-700">
              Mot du coach : {step.coachNote}
            </blockquote>
          ) : null}
        </>
      );
    case "pdf":
      return (
        <>
          <p className="mt-1 text-sm text-slate-700">
            {formatBytesFr(step.size)}
            {step.current ? " · version actuelle" : " · remplacée depuis (fichier supprimé)"}
          </p>
          <Links>
            {job}
            {step.current ? (
              // A document request: /rapport/:id mints a short-lived link (files.bilanReportUrl).
              <a href={bilanReportPath(bilanId)} className={linkClass}>
                Télécharger ce PDF
              </a>
            ) : null}
          </Links>
        </>
      );
    case "email": {
      const status = emailStatusLabels[step.status];
      return (
        <>
          <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-700">
            <Badge tone={status.tone}>{status.label}</Badge>
            <span className="break-all">{step.to}</span>
            {step.pdfVersion !== undefined ? <span>· PDF version {step.pdfVersion}</span> : null}
          </p>
          {step.error ? <p className="mt-1 text-sm text-red-800">{step.error}</p> : null}
          <Links>
            {job}
            {canOpenJobs ? (
              <Link to={`/admin/emails/${step.emailId}`} className={linkClass}>
                Voir l'e-mail
              </Link>
            ) : null}
          </Links>
        </>
      );
    }
  }
}

function GenerationDetails({
  step,
  job,
  canOpenDocuments,
}: {
  step: Extract<Step, { kind: "generation" }>;
  job: ReactNode;
  /** Document pages are the staff's (/admin/documents/:id). */
  canOpenDocuments: boolean;
}) {
  const tokens =
    step.inputTokens !== undefined && step.outputTokens !== undefined
      ? `${formatCountFr(step.inputTokens)} en entrée, ${formatCountFr(step.outputTokens)} en sortie`
      : undefined;
  return (
    <>
      {step.status !== "completed" ? (
        <p className="mt-1 text-sm">
          <Badge tone={step.status === "failed" ? "danger" : "progress"}>
            {jobStatusLabels[step.status]}
          </Badge>
        </p>
      ) : null}
      {step.error ? <p className="mt-1 text-sm text-red-800">{step.error}</p> : null}
      {step.provider ? (
        <dl className="mt-2 grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-2">
          <Field label="Fournisseur" value={providerLabels[step.provider] ?? step.provider} />
          {step.model ? <Field label="Modèle" value={step.model} /> : null}
          {step.promptVersion ? (
            <Field label="Version du prompt" value={step.promptVersion} />
          ) : null}
          {step.durationMs !== undefined ? (
            <Field label="Durée" value={formatDurationFr(step.durationMs)} />
          ) : null}
          {tokens ? <Field label="Jetons" value={tokens} /> : null}
          {step.synthesisVersion !== undefined ? (
            <Field label="Version produite" value={String(step.synthesisVersion)} />
          ) : null}
          {step.cited !== undefined ? (
            <Field label="Passages cités" value={String(step.cited)} />
          ) : null}
        </dl>
      ) : null}
      {step.retrieved ? (
        step.retrieved.length === 0 ? (
          <p className="mt-2 text-sm text-slate-700">
            Aucun passage retrouvé dans la base de connaissances.
          </p>
        ) : (
          <details className="mt-2 text-sm">
            <summary className="cursor-pointer font-medium text-slate-800">
              {step.retrieved.length} passage{step.retrieved.length > 1 ? "s" : ""} retrouvé
              {step.retrieved.length > 1 ? "s" : ""}
            </summary>
            <ul className="mt-1 list-disc space-y-1 pl-5">
              {step.retrieved.map((source) => (
                <li key={source.chunkId}>
                  {source.documentId && canOpenDocuments ? (
                    <Link to={documentPath(source.documentId)} className={linkClass}>
                      {source.documentTitle}
                    </Link>
                  ) : (
                    source.documentTitle
                  )}
                  , page {source.page}
                </li>
              ))}
            </ul>
          </details>
        )
      ) : null}
      <Links>{job}</Links>
    </>
  );
}

function Field({ label, value }: { label: string; value: string }) {
  return (
    <div className="flex gap-2">
      <dt className="text-slate-600">{label} :</dt>
      <dd className="font-medium text-slate-900">{value}</dd>
    </div>
  );
}

function Links({ children }: { children: ReactNode }) {
  const items = (Array.isArray(children) ? children : [children]).filter(Boolean);
  if (items.length === 0) return null;
  return <p className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-sm">{items}</p>;
}
