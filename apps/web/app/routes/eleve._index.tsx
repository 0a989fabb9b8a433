// « Mes bilans »: the élève's bilans with their live status, and a live progress bar while
// the centre writes one. First paint from the loader, then Convex subscriptions.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { subjectLabels } from "@nexus/shared/vocabulary";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { FunctionReturnType } from "convex/server";
import { BilanProgress, type GenerationProgress } from "~/components/eleve/bilan-progress";
import { StatusBadge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { formatDayFr } from "~/utils/dates-fr";
import { requireOwnStudentCard } from "~/utils/eleve.server";
import { useLiveQuery } from "~/utils/live-query";

export const meta: MetaFunction = () => [{ title: "Mes bilans — Nexus Réussite" }];

const PAGE = { numItems: 20, cursor: null };
const WAITING = new Set(["submitted", "generating"]);

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, token } = await requireRole(request, ["eleve"]);
  const convex = convexForRequest(token);
  const card = await requireOwnStudentCard(convex);
  const studentId = card.student._id;
  const bilans = await convex.query(api.bilans.listForStudent, { studentId, paginationOpts: PAGE });
  const progress: Record<string, GenerationProgress> = {};
  for (const bilan of bilans.page.filter((b) => WAITING.has(b.status))) {
    progress[bilan._id] = await convex.query(api.bilans.progress, { bilanId: bilan._id });
  }
  return { firstName: card.student.firstName || user.name, studentId, bilans, progress };
}

type BilanSummary = FunctionReturnType<typeof api.bilans.listForStudent>["page"][number];

export default function StudentHome() {
  const data = useLoaderData<typeof loader>();
  const bilans = useLiveQuery(
    api.bilans.listForStudent,
    { studentId: data.studentId, paginationOpts: PAGE },
    data.bilans,
  ).page;
  return (
    <section aria-labelledby="page-titre" className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 id="page-titre" className="text-3xl font-bold text-brand-900">
            Mes bilans
          </h1>
          <p className="mt-1 text-slate-700">
            Bonjour {data.firstName}. Retrouvez ici vos bilans et leurs résultats.
          </p>
        </div>
        <Button asChild>
          <Link to="/eleve/bilans/nouveau">Commencer un bilan</Link>
        </Button>
      </div>
      {bilans.length === 0 ? (
        <Card>
          <p className="text-slate-700">
            Vous n'avez pas encore de bilan. Commencez-en un : il faut environ 20 minutes.
          </p>
        </Card>
      ) : (
        <ul className="space-y-4" aria-label="Mes bilans">
          {bilans.map((bilan) => (
            <li key={bilan._id}>
              <BilanRow bilan={bilan} progress={data.progress[bilan._id] ?? null} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function BilanRow({ bilan, progress }: { bilan: BilanSummary; progress: GenerationProgress }) {
  const title = `Bilan de ${subjectLabels[bilan.subject].toLowerCase()}`;
  const isDraft = bilan.status === "draft";
  const href = isDraft ? `/eleve/bilans/${bilan._id}/questionnaire` : `/eleve/bilans/${bilan._id}`;
  return (
    <Card className="flex flex-col gap-3" aria-label={title} data-testid="bilan-row">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 className="text-lg font-semibold text-slate-900">{title}</h2>
          <p className="text-sm text-slate-600">
            {isDraft ? "Commencé le " : "Questionnaire envoyé le "}
            {formatDayFr(bilan.submittedAt ?? bilan.createdAt)}
            {bilan.overall ? ` · Score global : ${bilan.overall.percent} %` : ""}
          </p>
        </div>
        <StatusBadge status={bilan.status} />
      </div>
      {WAITING.has(bilan.status) ? (
        <BilanProgress bilanId={bilan._id as Id<"bilans">} initial={progress} />
      ) : null}
      <div>
        <Button asChild variant={isDraft ? "primary" : "secondary"} size="sm">
          <Link to={href}>
            {isDraft ? "Reprendre le questionnaire" : "Voir mes résultats"}
            <span className="sr-only"> : {title.toLowerCase()}</span>
          </Link>
        </Button>
      </div>
    </Card>
  );
}
