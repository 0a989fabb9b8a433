// /coach/bilans/:bilanId — the review page: scores, profile, the synthesis with its sources,
// autosaved edits (conflicts shown, never overwritten), history naming who made each version,
// regeneration with the worker's progress, approval once every edit is saved. Live through Convex; presence of the other reviewers.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { niveauLabels, subjectLabels } from "@nexus/shared/vocabulary";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { formatDateTimeFr, revisionLabel } from "~/components/review/format";
import { PresenceNotice } from "~/components/review/presence";
import { ProfilePanel, ScoresPanel } from "~/components/review/results-panels";
import {
  ApproveButton,
  GenerationProgress,
  RegenerateButton,
  ReportDownload,
} from "~/components/review/review-actions";
import { type ApprovalReadiness, SynthesisReview } from "~/components/review/synthesis-review";
import { StatusBadge } from "~/components/ui/badge";
import { Card, CardTitle } from "~/components/ui/card";
import { requireRole } from "~/utils/auth.server";
import { notFound, orNotFound } from "~/utils/bilan.server";
import { convexForRequest } from "~/utils/convex.server";
import { useLiveQuery } from "~/utils/live-query";
import { bilanHistoryPath } from "~/utils/provenance";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Relecture — ${data.student.firstName} ${data.student.lastName} — Nexus Réussite`
      : "Relecture — Nexus Réussite",
  },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, token } = await requireRole(request, ["coach", "admin", "assistante"]);
  if (!params.bilanId) throw notFound();
  const bilanId = params.bilanId as Id<"bilans">;
  const convex = convexForRequest(token);
  const bilan = await orNotFound(() => convex.query(api.bilans.get, { bilanId }));
  const [student, revisions, progress, previous] = await Promise.all([
    convex.query(api.students.get, { studentId: bilan.studentId }),
    orNotFound(() => convex.query(api.review.revisions, { bilanId })),
    convex.query(api.bilans.progress, { bilanId }),
    convex.query(api.bilans.previousResults, { bilanId }),
  ]);
  return { me: user._id, bilan, student, revisions, progress, previous };
}

export default function ReviewPage() {
  const data = useLoaderData<typeof loader>();
  const bilanId = data.bilan._id;
  const bilan = useLiveQuery(api.bilans.get, { bilanId }, data.bilan);
  const revisions = useLiveQuery(api.review.revisions, { bilanId }, data.revisions);
  const progress = useLiveQuery(api.bilans.progress, { bilanId }, data.progress);
  const previous = useLiveQuery(api.bilans.previousResults, { bilanId }, data.previous);
  const studentName = `${data.student.firstName} ${data.student.lastName}`;
  const labels = new Map(bilan.scores?.domains.map((d) => [d.domainId, d.label]) ?? []);
  const domainLabel = (id: string) => labels.get(id) ?? id;
  const generating = bilan.status === "generating" || bilan.status === "submitted";
  // The newest revision's source once the history has caught up with the bilan's version.
  const newestSource =
    revisions[0]?.version === bilan.synthesisVersion ? revisions[0].source : undefined;
  const newVersion = useArrivedVersion(bilan.synthesisVersion, newestSource, generating);
  // What the editor holds: approval waits for its edits to be saved (until it reports, the
  // version loaded, nothing unsaved).
  const [readiness, setReadiness] = useState<ApprovalReadiness | null>(null);
  const approval = readiness ?? { version: bilan.synthesisVersion, blocker: null };

  return (
    <article aria-labelledby="page-titre">
      <p className="text-sm">
        <Link to="/coach" className="text-brand-800 underline">
          ← Bilans à relire
        </Link>
      </p>
      <header className="mt-2 flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 id="page-titre" className="text-2xl font-bold text-brand-900 sm:text-3xl">
            {studentName} — {subjectLabels[bilan.subject]}
          </h1>
          <p className="mt-1 text-slate-700">
            {niveauLabels[bilan.niveau]}
            {bilan.submittedAt ? ` · répondu le ${formatDateTimeFr(bilan.submittedAt)}` : ""}
          </p>
        </div>
        <StatusBadge status={bilan.status} />
      </header>
      <PresenceNotice bilanId={bilanId} />

      <div className="mt-4 grid gap-2 sm:flex sm:flex-wrap sm:items-center">
        {bilan.status === "review" ? (
          <ApproveButton
            bilanId={bilanId}
            studentName={data.student.firstName}
            version={approval.version}
            blocker={approval.blocker}
          />
        ) : null}
        <RegenerateButton
          bilanId={bilanId}
          disabled={!["review", "approved", "sent", "failed"].includes(bilan.status)}
        />
        {bilan.pdf ? <ReportDownload bilanId={bilanId} final={bilan.pdf.final} /> : null}
        <Link
          to={bilanHistoryPath(bilanId)}
          className="text-brand-800 underline underline-offset-4 sm:ml-auto"
        >
          Historique complet du bilan
        </Link>
      </div>

      {generating ? (
        <div className="mt-4">
          <GenerationProgress progress={progress} />
        </div>
      ) : null}
      {newVersion !== null && bilan.status === "review" ? (
        <p
          role="status"
          className="mt-4 rounded-md bg-emerald-50 p-3 text-emerald-900 ring-1 ring-emerald-300"
        >
          Nouvelle version reçue (version {newVersion}) : elle est affichée ci-dessous.
        </p>
      ) : null}
      {bilan.status === "approved" || bilan.status === "sent" ? (
        <p className="mt-4 rounded-md bg-emerald-50 p-3 text-emerald-900 ring-1 ring-emerald-300">
          {bilan.status === "sent"
            ? `Bilan approuvé et envoyé à ${data.student.firstName} et à sa famille.`
            : "Bilan approuvé : le rapport définitif est en préparation, puis il sera envoyé."}
        </p>
      ) : null}
      {bilan.status === "failed" && bilan.failure ? (
        <p role="alert" className="mt-4 rounded-md bg-red-50 p-3 text-red-900 ring-1 ring-red-300">
          La rédaction a échoué : {bilan.failure.message} Vous pouvez demander une régénération.
        </p>
      ) : null}

      <div className="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card aria-labelledby="synthese-titre">
          <CardTitle id="synthese-titre">Synthèse rédigée</CardTitle>
          {bilan.synthesis ? (
            <SynthesisReview
              key={bilanId}
              bilanId={bilanId}
              synthesis={bilan.synthesis}
              version={bilan.synthesisVersion}
              editable={bilan.status === "review"}
              domainLabel={domainLabel}
              onApprovalReadiness={setReadiness}
            />
          ) : (
            <p className="mt-2 text-slate-700">La synthèse n'est pas encore rédigée.</p>
          )}
        </Card>
        <div className="space-y-6">
          {bilan.scores ? <ScoresPanel scores={bilan.scores} previous={previous} /> : null}
          {bilan.profile ? <ProfilePanel profile={bilan.profile} /> : null}
          <Card aria-labelledby="historique-titre">
            <CardTitle id="historique-titre">Historique des versions</CardTitle>
            {revisions.length === 0 ? (
              <p className="mt-2 text-sm text-slate-700">Aucune version pour l'instant.</p>
            ) : (
              <ol className="mt-2 space-y-2">
                {revisions.map((revision) => (
                  <li key={revision._id} className="text-sm">
                    <details>
                      <summary className="cursor-pointer text-slate-900">
                        {revision.version !== undefined ? `Version ${revision.version} · ` : ""}
                        {revisionLabel(revision, data.me)} · {formatDateTimeFr(revision.createdAt)}
                      </summary>
                      <p className="mt-1 whitespace-pre-line text-slate-700">
                        {revision.synthesis.summary}
                      </p>
                    </details>
                  </li>
                ))}
              </ol>
            )}
          </Card>
        </div>
      </div>
    </article>
  );
}

/**
 * The version a regeneration brought while the page was open (null until one lands): a version
 * newer than any the page has shown, written by the worker (not an edit). Read from the version
 * itself, not from having seen the bilan `generating`: a fast worker can finish between two
 * updates of the page.
 */
function useArrivedVersion(
  version: number,
  newestSource: "generated" | "edited" | undefined,
  generating: boolean,
): number | null {
  const shown = useRef(version);
  const [arrived, setArrived] = useState<number | null>(null);
  useEffect(() => {
    if (generating) {
      setArrived(null);
      return;
    }
    // Wait for the history to name the new version's source before deciding.
    if (version > shown.current && newestSource !== undefined) {
      shown.current = version;
      if (newestSource === "generated") setArrived(version);
    }
  }, [generating, newestSource, version]);
  return arrived;
}
