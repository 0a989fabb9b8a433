// The rows of the review queue: student, subject, when the synthesis was written, status.
import type { api } from "@convex/_generated/api";
import { niveauLabels, subjectLabels } from "@nexus/shared/vocabulary";
import { Link } from "@remix-run/react";
import type { FunctionReturnType } from "convex/server";
import { StatusBadge } from "~/components/ui/badge";
import { formatDateTimeFr } from "./format";

type QueueBilan = FunctionReturnType<typeof api.review.queue>[number];
type Student = FunctionReturnType<typeof api.students.listMine>["page"][number];

/** When the synthesis under review was written (the newest generation), else the last change. */
export function writtenAt(bilan: Pick<QueueBilan, "generation" | "updatedAt">): number {
  return bilan.generation?.generatedAt ?? bilan.updatedAt;
}

export function QueueList({
  queue,
  students,
}: {
  queue: readonly QueueBilan[];
  students: readonly Student[];
}) {
  const names = new Map(students.map((s) => [s._id, `${s.firstName} ${s.lastName}`]));
  if (queue.length === 0) {
    return (
      <p className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-6 text-slate-700">
        Dès qu'une synthèse est rédigée pour l'un de vos élèves, elle apparaît ici, sans recharger
        la page.
      </p>
    );
  }
  return (
    <ul className="mt-6 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white shadow-sm">
      {queue.map((bilan) => {
        const name = names.get(bilan.studentId) ?? "Élève";
        return (
          <li
            key={bilan._id}
            data-testid="bilan-a-relire"
            className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 p-4"
          >
            <div className="min-w-0">
              <Link
                to={`/coach/bilans/${bilan._id}`}
                className="text-lg font-semibold text-brand-800 underline-offset-2 hover:underline"
              >
                {name} — {subjectLabels[bilan.subject]}
              </Link>
              <p className="text-sm text-slate-700">
                {niveauLabels[bilan.niveau]} · synthèse rédigée le{" "}
                {formatDateTimeFr(writtenAt(bilan))}
              </p>
            </div>
            <StatusBadge status={bilan.status} />
          </li>
        );
      })}
    </ul>
  );
}
