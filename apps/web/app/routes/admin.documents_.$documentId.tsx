// /admin/documents/:documentId — one knowledge document, live: its provenance (upload, each
// ingest run with its job, each bilan that cited it), how each page was read (text layer or OCR
// with its confidence), its passages a page at a time, and the bilans that cited it.
// Staff only (provenance.documentTimeline, provenance.documentChunks).
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { bilanStatusLabels, subjectLabels } from "@nexus/shared/vocabulary";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { FunctionReturnType } from "convex/server";
import { formatDateTimeFr } from "~/components/review/format";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { requireRole } from "~/utils/auth.server";
import { notFound, orNotFound } from "~/utils/bilan.server";
import { convexForRequest } from "~/utils/convex.server";
import { documentStatusLabels, documentStatusTone, formatBytesFr } from "~/utils/documents-console";
import { jobStatusLabels } from "~/utils/jobs-console";
import { useLivePages } from "~/utils/live-pages";
import { useLiveQuery } from "~/utils/live-query";
import {
  bilanHistoryPath,
  extractionMethodLabels,
  formatConfidenceFr,
  jobPath,
  LOW_OCR_CONFIDENCE,
  ocrInputLabels,
} from "~/utils/provenance";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `${data.timeline.document.title} — Base de connaissances — Nexus Réussite`
      : "Document — Nexus Réussite",
  },
];

const CHUNK_PAGE = 20;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["admin", "assistante"]);
  if (!params.documentId) throw notFound();
  const documentId = params.documentId as Id<"documents">;
  const convex = convexForRequest(token);
  const [timeline, chunks] = await Promise.all([
    orNotFound(() => convex.query(api.provenance.documentTimeline, { documentId })),
    orNotFound(() =>
      convex.query(api.provenance.documentChunks, {
        documentId,
        paginationOpts: { numItems: CHUNK_PAGE, cursor: null },
      }),
    ),
  ]);
  return { documentId, timeline, chunks };
}

type Timeline = FunctionReturnType<typeof api.provenance.documentTimeline>;
type Step = Timeline["steps"][number];

const linkClass = "text-brand-800 underline underline-offset-4 hover:text-brand-900";

export default function DocumentPage() {
  const data = useLoaderData<typeof loader>();
  const timeline = useLiveQuery(
    api.provenance.documentTimeline,
    { documentId: data.documentId },
    data.timeline,
  );
  const chunks = useLivePages(
    api.provenance.documentChunks,
    { documentId: data.documentId },
    data.chunks,
    CHUNK_PAGE,
  );
  const { document, steps, pages, morePages, citingBilans } = timeline;

  return (
    <article aria-labelledby="page-titre">
      <p className="text-sm">
        <Link to="/admin/documents" className={linkClass}>
          ← Base de connaissances
        </Link>
      </p>
      <header className="mt-2 flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 id="page-titre" className="break-words text-2xl font-bold text-brand-900 sm:text-3xl">
            {document.title}
          </h1>
          <p className="mt-1 text-slate-700">
            {document.scope === "global"
              ? "Document commun"
              : `Document de ${document.studentName ?? "un élève"}`}
            {" · "}
            {document.subject ? subjectLabels[document.subject] : "Toutes matières"}
            {" · "}
            {formatBytesFr(document.size)}
          </p>
        </div>
        <Badge tone={documentStatusTone(document.status)} aria-live="polite">
          {documentStatusLabels[document.status]}
        </Badge>
      </header>
      {document.status === "failed" && document.error ? (
        <p className="mt-2 text-red-800">{document.error}</p>
      ) : null}

      <h2 id="historique-titre" className="mt-6 text-xl font-semibold text-slate-900">
        Historique
      </h2>
      <ol
        aria-labelledby="historique-titre"
        className="mt-3 space-y-3 border-l-2 border-brand-200 pl-4 sm:pl-6"
        data-testid="historique-document"
      >
        {steps.map((step) => (
          <li
            key={`${step.kind}-${"jobId" in step ? step.jobId : "bilanId" in step ? step.bilanId : step.at}`}
            data-testid="etape"
            data-kind={step.kind}
            className="relative rounded-lg border border-slate-200 bg-white p-3 shadow-sm sm:p-4"
          >
            <span
              aria-hidden="true"
              className="absolute top-5 -left-[1.4rem] size-3 rounded-full bg-brand-700 ring-4 ring-white sm:-left-[1.9rem]"
            />
            <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
              <h3 className="font-semibold text-slate-900">{documentStepTitle(step)}</h3>
              <time dateTime={new Date(step.at).toISOString()} className="text-sm text-slate-600">
                {formatDateTimeFr(step.at)}
              </time>
            </div>
            <DocumentStepDetails step={step} />
          </li>
        ))}
      </ol>

      <h2 id="pages-titre" className="mt-8 text-xl font-semibold text-slate-900">
        Extraction page par page
      </h2>
      <p className="mt-1 text-sm text-slate-700">
        {document.pages !== undefined
          ? `${document.pages} page${document.pages > 1 ? "s" : ""}, dont ${document.ocrPages ?? 0} lue${(document.ocrPages ?? 0) > 1 ? "s" : ""} par OCR. Une confiance OCR sous ${LOW_OCR_CONFIDENCE}\u00a0% mérite une relecture du texte extrait.`
          : "Le document n'a pas encore été indexé."}
      </p>
      {pages.length === 0 ? (
        <p className="mt-2 text-slate-700">
          {document.pages !== undefined
            ? "Le détail par page n'a pas été enregistré pour cette indexation : relancez-la pour l'obtenir."
            : "Aucune page extraite pour l'instant."}
        </p>
      ) : (
        <section
          aria-labelledby="pages-titre"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (axe scrollable-region-focusable).
          tabIndex={0}
          className="mt-3 max-h-96 overflow-auto rounded-lg border border-slate-200 bg-white shadow-sm"
        >
          <table className="min-w-full text-left text-sm" data-testid="pages-document">
            <caption className="sr-only">
              Méthode d'extraction et confiance OCR de chaque page
            </caption>
            <thead className="sticky top-0 bg-slate-50 text-slate-800">
              <tr>
                <th scope="col" className="px-3 py-2 text-right font-semibold">
                  Page
                </th>
                <th scope="col" className="px-3 py-2 font-semibold">
                  Méthode
                </th>
                <th scope="col" className="px-3 py-2 text-right font-semibold">
                  Confiance OCR
                </th>
                <th scope="col" className="px-3 py-2 text-right font-semibold">
                  Caractères
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200">
              {pages.map((page) => (
                <tr key={page.page} data-testid="page-document" data-method={page.method}>
                  <th scope="row" className="px-3 py-2 text-right font-medium">
                    {page.page}
                  </th>
                  <td className="px-3 py-2">
                    {page.method === "ocr" && page.ocrInput
                      ? ocrInputLabels[page.ocrInput]
                      : extractionMethodLabels[page.method]}
                  </td>
                  <td className="px-3 py-2 text-right">
                    {formatConfidenceFr(page.confidence)}
                    {page.confidence !== undefined && page.confidence < LOW_OCR_CONFIDENCE ? (
                      <Badge tone="attention" className="ml-2">
                        Faible
                      </Badge>
                    ) : null}
                  </td>
                  <td className="px-3 py-2 text-right">{page.chars}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {morePages ? (
        <p className="mt-2 text-sm text-slate-700">
          Seules les {pages.length} premières pages sont détaillées ici.
        </p>
      ) : null}

      <h2 id="passages-titre" className="mt-8 text-xl font-semibold text-slate-900">
        Passages indexés
      </h2>
      <p className="mt-1 text-sm text-slate-700" aria-live="polite">
        {chunks.results.length === 0
          ? "Aucun passage indexé."
          : `${chunks.results.length} passage${chunks.results.length > 1 ? "s" : ""} affiché${chunks.results.length > 1 ? "s" : ""}${document.chunkCount !== undefined ? ` sur ${document.chunkCount}` : ""}.`}
      </p>
      {chunks.results.length > 0 ? (
        <ol aria-labelledby="passages-titre" className="mt-3 space-y-2" data-testid="passages">
          {chunks.results.map((chunk) => (
            <li
              key={chunk._id}
              data-testid="passage"
              className="rounded-md border border-slate-200 bg-white p-3 text-sm"
            >
              <p className="font-medium text-slate-900">
                Passage {chunk.ordinal + 1} ·{" "}
                {chunk.pageStart === chunk.pageEnd
                  ? `page ${chunk.pageStart}`
                  : `pages ${chunk.pageStart} à ${chunk.pageEnd}`}
              </p>
              <p className="mt-1 whitespace-pre-line break-words text-slate-700">{chunk.excerpt}</p>
            </li>
          ))}
        </ol>
      ) : null}
      {chunks.canLoadMore || chunks.loadingMore ? (
        <div className="mt-3">
          <Button
            variant="secondary"
            onClick={chunks.loadMore}
            disabled={chunks.loadingMore}
            data-testid="charger-plus-passages"
          >
            {chunks.loadingMore ? "Chargement…" : `Charger ${CHUNK_PAGE} passages de plus`}
          </Button>
        </div>
      ) : null}

      <h2 id="bilans-titre" className="mt-8 text-xl font-semibold text-slate-900">
        Bilans qui l'ont cité
      </h2>
      {citingBilans.length === 0 ? (
        <p className="mt-2 text-slate-700">Aucun bilan n'a encore cité ce document.</p>
      ) : (
        <ul aria-labelledby="bilans-titre" className="mt-3 space-y-2" data-testid="bilans-citants">
          {citingBilans.map((citing) => (
            <li
              key={citing.bilanId}
              className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-md border border-slate-200 bg-white p-3 text-sm"
            >
              <Link to={bilanHistoryPath(citing.bilanId)} className={`${linkClass} font-medium`}>
                {citing.studentName} — {subjectLabels[citing.subject]}
              </Link>
              <Badge>{bilanStatusLabels[citing.status]}</Badge>
              <span className="text-slate-700">
                {citing.passages} passage{citing.passages > 1 ? "s" : ""} cité
                {citing.passages > 1 ? "s" : ""} (version {citing.synthesisVersion}) le{" "}
                {formatDateTimeFr(citing.citedAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

function documentStepTitle(step: Step): string {
  switch (step.kind) {
    case "upload":
      return "Document déposé";
    case "ingest":
      return step.status === "completed"
        ? `Indexation${step.generation !== undefined ? ` (génération ${step.generation})` : ""}`
        : `Indexation : ${jobStatusLabels[step.status].toLowerCase()}`;
    case "cited":
      return `Cité par le bilan de ${step.studentName ?? "un élève"}`;
  }
}

function DocumentStepDetails({ step }: { step: Step }) {
  switch (step.kind) {
    case "upload":
      return (
        <p className="mt-1 text-sm text-slate-700">
          {step.ownerName ? `Par ${step.ownerName} · ` : ""}
          {step.mime} · {formatBytesFr(step.size)}
        </p>
      );
    case "ingest":
      return (
        <>
          {step.pages !== undefined ? (
            <p className="mt-1 text-sm text-slate-700">
              {step.pages} page{step.pages > 1 ? "s" : ""} (dont {step.ocrPages ?? 0} par OCR),{" "}
              {step.chunks ?? 0} passage{(step.chunks ?? 0) > 1 ? "s" : ""}
            </p>
          ) : null}
          {step.error ? <p className="mt-1 text-sm text-red-800">{step.error}</p> : null}
          <p className="mt-2 text-sm">
            <Link to={jobPath(step.jobId)} className={linkClass}>
              Voir la tâche
            </Link>
          </p>
        </>
      );
    case "cited":
      return (
        <p className="mt-1 text-sm text-slate-700">
          {step.subject ? `${subjectLabels[step.subject]} · ` : ""}
          {step.passages} passage{step.passages > 1 ? "s" : ""} cité{step.passages > 1 ? "s" : ""}
          {" · "}
          <Link to={bilanHistoryPath(step.bilanId)} className={linkClass}>
            Historique du bilan
          </Link>
        </p>
      );
  }
}
