// « Mes résultats »: one bilan of the élève, live. Scores and mastery at once; while the
// centre writes the synthesis, a live progress bar; the synthesis and study plan only once a
// coach approved them (bilans.get hides them from families before); the final PDF through a
// 5-minute link (files.bilanReportUrl), asked for by the action and opened by a redirect.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { subjectLabels } from "@nexus/shared/vocabulary";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { BilanProgress } from "~/components/eleve/bilan-progress";
import { InlineError } from "~/components/eleve/inline-error";
import { ScoresPanel } from "~/components/eleve/scores-panel";
import { SynthesisView } from "~/components/eleve/synthesis-view";
import { StatusBadge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { formatDayFr } from "~/utils/dates-fr";
import { orPageError } from "~/utils/eleve.server";
import { toUserError } from "~/utils/errors";
import { useLiveQuery } from "~/utils/live-query";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Bilan de ${subjectLabels[data.bilan.subject].toLowerCase()} — Nexus Réussite`
      : "Mon bilan — Nexus Réussite",
  },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["eleve"]);
  const bilanId = params.bilanId as Id<"bilans">;
  const convex = convexForRequest(token);
  const bilan = await orPageError(convex.query(api.bilans.get, { bilanId }));
  if (bilan.status === "draft") throw redirect(`/eleve/bilans/${bilanId}/questionnaire`);
  const [progress, previous] = await Promise.all([
    convex.query(api.bilans.progress, { bilanId }),
    convex.query(api.bilans.previousResults, { bilanId }),
  ]);
  return { bilan, progress, previous };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { token } = await requireRole(request, ["eleve"]);
  const bilanId = params.bilanId as Id<"bilans">;
  try {
    const { url } = await convexForRequest(token).action(api.files.bilanReportUrl, { bilanId });
    return redirect(url);
  } catch (error) {
    return { error: toUserError(error) };
  }
}

const STATUS_TEXT = {
  submitted: "Votre bilan est envoyé : le centre prépare votre synthèse personnalisée.",
  generating: "Votre synthèse personnalisée est en cours de rédaction.",
  review:
    "Votre coach relit votre synthèse. Elle apparaîtra ici, avec votre plan de travail, dès qu'il l'aura validée.",
  approved: "Votre coach a validé votre synthèse. Le rapport sera bientôt envoyé à votre famille.",
  sent: "Votre bilan est terminé : la synthèse et le rapport ont été envoyés à votre famille.",
  failed:
    "La rédaction de votre synthèse a rencontré un problème. Le centre a été prévenu et la relancera.",
  draft: "",
} as const;

export default function BilanResults() {
  const data = useLoaderData<typeof loader>();
  const bilanId = data.bilan._id as Id<"bilans">;
  const bilan = useLiveQuery(api.bilans.get, { bilanId }, data.bilan);
  const previous = useLiveQuery(api.bilans.previousResults, { bilanId }, data.previous);
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const downloading = navigation.state !== "idle" && navigation.formMethod === "POST";
  const waiting = bilan.status === "submitted" || bilan.status === "generating";
  const title = `Bilan de ${subjectLabels[bilan.subject].toLowerCase()}`;
  return (
    <div className="space-y-6">
      <div>
        <Link to="/eleve" className="text-sm font-medium text-brand-800 underline">
          ← Mes bilans
        </Link>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <h1 className="text-3xl font-bold text-brand-900">{title}</h1>
          <StatusBadge status={bilan.status} />
        </div>
        {bilan.submittedAt ? (
          <p className="mt-1 text-slate-600">
            Questionnaire envoyé le {formatDayFr(bilan.submittedAt)}
          </p>
        ) : null}
      </div>
      <Card aria-label="Où en est mon bilan" className="space-y-2">
        <p className="text-slate-800" data-testid="bilan-status-text">
          {STATUS_TEXT[bilan.status]}
        </p>
        {waiting ? <BilanProgress bilanId={bilanId} initial={data.progress} /> : null}
        {bilan.pdf ? (
          <Form method="post" className="space-y-2 pt-2">
            <Button type="submit" disabled={downloading}>
              {downloading ? "Préparation du rapport…" : "Télécharger le rapport (PDF)"}
            </Button>
            <InlineError error={result?.error} />
          </Form>
        ) : null}
      </Card>
      {bilan.scores ? <ScoresPanel scores={bilan.scores} previous={previous} /> : null}
      {bilan.synthesis ? <SynthesisView synthesis={bilan.synthesis} /> : null}
    </div>
  );
}
