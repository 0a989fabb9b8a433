// « Mes élèves »: one card per student with the latest bilans (links to the review page) and
// the next step the centre suggests.
import type { api } from "@convex/_generated/api";
import { niveauLabels, subjectLabels } from "@nexus/shared/vocabulary";
import { Link } from "@remix-run/react";
import type { FunctionReturnType } from "convex/server";
import { StatusBadge } from "~/components/ui/badge";
import { Card, CardTitle } from "~/components/ui/card";
import { formatDateFr } from "./format";

type StudentCard = FunctionReturnType<typeof api.students.listMineWithLatestBilan>["page"][number];

export function StudentCards({ cards }: { cards: readonly StudentCard[] }) {
  return (
    <ul className="mt-6 grid gap-4 md:grid-cols-2">
      {cards.map(({ student, latestBilans, nextStep }) => (
        <li key={student._id}>
          <Card className="h-full" aria-labelledby={`eleve-${student._id}`}>
            <CardTitle id={`eleve-${student._id}`}>
              {student.firstName} {student.lastName}
            </CardTitle>
            <p className="mt-1 text-sm text-slate-700">
              {niveauLabels[student.niveau]}
              {student.school ? ` · ${student.school}` : ""}
            </p>
            {latestBilans.length === 0 ? (
              <p className="mt-3 text-sm text-slate-700">Aucun bilan pour l'instant.</p>
            ) : (
              <ul className="mt-3 space-y-2" aria-label={`Derniers bilans de ${student.firstName}`}>
                {latestBilans.map((bilan) => (
                  <li key={bilan._id} className="flex flex-wrap items-center justify-between gap-2">
                    {bilan.status === "draft" ? (
                      <span className="text-slate-900">
                        {subjectLabels[bilan.subject]} · commencé le {formatDateFr(bilan.createdAt)}
                      </span>
                    ) : (
                      <Link
                        to={`/coach/bilans/${bilan._id}`}
                        className="font-medium text-brand-800 underline underline-offset-2"
                      >
                        {subjectLabels[bilan.subject]} ·{" "}
                        {formatDateFr(bilan.submittedAt ?? bilan.createdAt)}
                        {bilan.overall ? ` · ${bilan.overall.percent} %` : ""}
                      </Link>
                    )}
                    <StatusBadge status={bilan.status} />
                  </li>
                ))}
              </ul>
            )}
            <p className="mt-3 border-t border-slate-100 pt-3 text-sm text-slate-800">
              {nextStep.bilanId && nextStep.kind === "review" ? (
                <Link
                  to={`/coach/bilans/${nextStep.bilanId}`}
                  className="font-semibold text-brand-800 underline"
                >
                  {nextStep.label}
                </Link>
              ) : (
                nextStep.label
              )}
            </p>
          </Card>
        </li>
      ))}
    </ul>
  );
}
