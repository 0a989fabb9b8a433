// One child on the parent's home: who they are, their latest bilans with live statuses, and
// what comes next, in plain French.
import type { api } from "@convex/_generated/api";
import { niveauLabels, subjectLabels } from "@nexus/shared/vocabulary";
import { Link } from "@remix-run/react";
import type { FunctionReturnType } from "convex/server";
import { Button } from "~/components/ui/button";
import { Card, CardDescription, CardTitle } from "~/components/ui/card";
import { formatDayFr } from "~/utils/dates-fr";
import { FamilyStatusBadge } from "./family-status-badge";

export type ChildCardData = FunctionReturnType<
  typeof api.students.listMineWithLatestBilan
>["page"][number];

function bilanDate(bilan: ChildCardData["latestBilans"][number]): string {
  if (bilan.sentAt) return `envoyé le ${formatDayFr(bilan.sentAt)}`;
  if (bilan.submittedAt) return `terminé le ${formatDayFr(bilan.submittedAt)}`;
  return `commencé le ${formatDayFr(bilan.createdAt)}`;
}

export function ChildCard({ card }: { card: ChildCardData }) {
  const { student, latestBilans, nextStep } = card;
  const fullName = `${student.firstName} ${student.lastName}`;
  const headingId = `enfant-${student._id}`;
  return (
    <Card aria-labelledby={headingId} className="flex flex-col gap-4">
      <div>
        <CardTitle id={headingId} className="text-xl">
          {fullName}
        </CardTitle>
        <CardDescription>
          {niveauLabels[student.niveau]}
          {student.school ? ` · ${student.school}` : ""}
        </CardDescription>
      </div>

      <div className="rounded-md bg-brand-50 px-4 py-3">
        <p className="text-sm font-semibold text-brand-900">Prochaine étape</p>
        <p className="mt-1 text-slate-800">{nextStep.label}</p>
        {nextStep.kind === "read" && nextStep.bilanId ? (
          <Button asChild size="sm" className="mt-3">
            <Link to={`/parent/bilans/${nextStep.bilanId}`}>Lire le bilan</Link>
          </Button>
        ) : null}
      </div>

      {latestBilans.length > 0 ? (
        <div>
          <h3 className="text-sm font-semibold text-slate-900">Derniers bilans</h3>
          <ul className="mt-2 divide-y divide-slate-200 rounded-md border border-slate-200">
            {latestBilans.map((bilan) => (
              <li key={bilan._id}>
                <Link
                  to={`/parent/bilans/${bilan._id}`}
                  className="flex min-h-11 flex-wrap items-center justify-between gap-x-3 gap-y-1 px-3 py-2 hover:bg-slate-50"
                >
                  <span className="flex flex-col">
                    <span className="font-medium text-brand-800 underline-offset-4 hover:underline">
                      Bilan de {subjectLabels[bilan.subject]}
                    </span>
                    <span className="text-sm text-slate-600">{bilanDate(bilan)}</span>
                  </span>
                  <FamilyStatusBadge status={bilan.status} />
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </Card>
  );
}
