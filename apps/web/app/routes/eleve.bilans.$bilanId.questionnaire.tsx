// The questionnaire of one of the élève's bilans (bilans.questionnaire: never a correct
// answer). A bilan already sent goes to its results page.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { subjectLabels } from "@nexus/shared/vocabulary";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { QuestionnaireForm } from "~/components/eleve/questionnaire-form";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { orPageError } from "~/utils/eleve.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Questionnaire de ${subjectLabels[data.questionnaire.subject].toLowerCase()} — Nexus Réussite`
      : "Questionnaire — Nexus Réussite",
  },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["eleve"]);
  const bilanId = params.bilanId as Id<"bilans">;
  const questionnaire = await orPageError(
    convexForRequest(token).query(api.bilans.questionnaire, { bilanId }),
  );
  if (questionnaire.status !== "draft") throw redirect(`/eleve/bilans/${bilanId}`);
  return { questionnaire };
}

export default function QuestionnairePage() {
  const { questionnaire } = useLoaderData<typeof loader>();
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <div>
        <Link to="/eleve" className="text-sm font-medium text-brand-800 underline">
          ← Mes bilans
        </Link>
        <h1 className="mt-2 text-3xl font-bold text-brand-900">
          {questionnaire.questionnaire.title}
        </h1>
        <p className="mt-1 text-slate-700">
          Répondez sans votre cours, comme en devoir&nbsp;: le bilan sert à savoir où vous en êtes.
          Chaque réponse est enregistrée dès que vous la donnez.
        </p>
      </div>
      <QuestionnaireForm initial={questionnaire} />
    </div>
  );
}
