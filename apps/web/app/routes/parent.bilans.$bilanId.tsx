// « Le bilan de mon enfant »: where the bilan stands (live), the results per domain, the
// synthesis and study plan once the coach approved them, the PDF report and the e-mails the
// family received for it. Another family's bilan (or a made-up id) is the French 404.
import { api } from "@convex/_generated/api";
import { niveauLabels, subjectLabels } from "@nexus/shared/vocabulary";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BilanProgress } from "~/components/eleve/bilan-progress";
import { BilanStatusNote } from "~/components/parent/bilan-status-note";
import { BilanSynthesis } from "~/components/parent/bilan-synthesis";
import { DomainResults } from "~/components/parent/domain-results";
import { FamilyEmails } from "~/components/parent/family-emails";
import { FamilyStatusBadge } from "~/components/parent/family-status-badge";
import { ReportDownload } from "~/components/parent/report-download";
import { Card, CardTitle } from "~/components/ui/card";
import { requireRole } from "~/utils/auth.server";
import { notFound, readBilanOr404 } from "~/utils/bilan.server";
import { convexForRequest } from "~/utils/convex.server";
import { formatDayFr } from "~/utils/dates-fr";
import { useLiveQuery } from "~/utils/live-query";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Bilan de ${subjectLabels[data.bilan.subject]} de ${data.student.firstName} — Nexus Réussite`
      : "Bilan — Nexus Réussite",
  },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["parent"]);
  if (!params.bilanId) throw notFound();
  const convex = convexForRequest(token);
  const bilan = await readBilanOr404(convex, params.bilanId);
  const [student, emails, progress, previous] = await Promise.all([
    convex.query(api.students.get, { studentId: bilan.studentId }),
    convex.query(api.emails.forStudent, { studentId: bilan.studentId }),
    convex.query(api.bilans.progress, { bilanId: bilan._id }),
    convex.query(api.bilans.previousResults, { bilanId: bilan._id }),
  ]);
  return {
    bilan,
    student: { firstName: student.firstName, lastName: student.lastName },
    emails,
    progress,
    previous,
    /** One clock for the server and the first browser render (« envoyé à 14 h 32 »). */
    now: Date.now(),
  };
}

export default function ParentBilanPage() {
  const data = useLoaderData<typeof loader>();
  const bilanId = data.bilan._id;
  const bilan = useLiveQuery(api.bilans.get, { bilanId }, data.bilan);
  const previous = useLiveQuery(api.bilans.previousResults, { bilanId }, data.previous);
  const allEmails = useLiveQuery(
    api.emails.forStudent,
    { studentId: data.bilan.studentId },
    data.emails,
  );
  const emails = allEmails.filter((email) => email.bilanId === bilanId);
  const { firstName } = data.student;
  const subject = subjectLabels[bilan.subject];

  return (
    <article aria-labelledby="page-titre" className="space-y-6">
      <p>
        <Link
          to="/parent"
          className="inline-flex min-h-11 items-center font-medium text-brand-800 underline-offset-4 hover:underline"
        >
          <span aria-hidden="true">←&nbsp;</span>Mes enfants
        </Link>
      </p>
      <header className="space-y-2">
        <h1 id="page-titre" className="text-2xl font-bold text-brand-900 sm:text-3xl">
          Bilan de {subject} de {firstName}
        </h1>
        <div className="flex flex-wrap items-center gap-3 text-slate-700">
          <FamilyStatusBadge status={bilan.status} />
          <span>
            {niveauLabels[bilan.niveau]} · commencé le {formatDayFr(bilan.createdAt)}
            {bilan.sentAt ? ` · envoyé le ${formatDayFr(bilan.sentAt)}` : ""}
          </span>
        </div>
      </header>

      <Card aria-labelledby="ou-en-est">
        <CardTitle id="ou-en-est">Où en est le bilan ?</CardTitle>
        <BilanStatusNote status={bilan.status} firstName={firstName} />
        {bilan.status === "submitted" || bilan.status === "generating" ? (
          <BilanProgress bilanId={bilanId} initial={data.progress} />
        ) : null}
        <ReportDownload bilanId={bilanId} pdf={bilan.pdf} />
      </Card>

      <Card aria-labelledby="resultats">
        <CardTitle id="resultats">Résultats par domaine</CardTitle>
        {bilan.scores ? (
          <div className="mt-4">
            <DomainResults
              scores={bilan.scores}
              caption={`Résultats de ${firstName} par domaine, en ${subject}`}
              previous={previous}
              progressCaption={`Progrès de ${firstName} par domaine en ${subject}, depuis le bilan précédent`}
            />
          </div>
        ) : (
          <p className="mt-2 text-slate-700">
            Les résultats apparaîtront ici dès que {firstName} aura terminé le questionnaire.
          </p>
        )}
      </Card>

      <Card aria-labelledby="synthese">
        <CardTitle id="synthese">Synthèse et plan de travail</CardTitle>
        {bilan.synthesis ? (
          <div className="mt-4">
            <BilanSynthesis synthesis={bilan.synthesis} scores={bilan.scores} />
          </div>
        ) : (
          <p className="mt-2 text-slate-700">
            La synthèse du coach et le plan de travail seront visibles ici une fois le bilan validé
            par le coach.
          </p>
        )}
      </Card>

      <Card aria-labelledby="emails">
        <CardTitle id="emails">E-mails reçus pour ce bilan</CardTitle>
        <div className="mt-2">
          <FamilyEmails emails={emails} now={data.now} />
        </div>
      </Card>
    </article>
  );
}
