// A student's ARIA usage as counts only (what a parent sees without sharing), live.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { subjectLabels } from "@nexus/shared/vocabulary";
import type { FunctionReturnType } from "convex/server";
import { formatDayFr } from "~/utils/dates-fr";
import { useLiveQuery } from "~/utils/live-query";

const plural = (n: number, word: string) => `${n} ${word}${n > 1 ? "s" : ""}`;

export function UsageSummary({
  studentId,
  now,
  initial,
}: {
  studentId: Id<"students">;
  now: number;
  initial: FunctionReturnType<typeof api.aria.usage>;
}) {
  const usage = useLiveQuery(api.aria.usage, { studentId, now }, initial);
  return (
    <div data-testid="aria-usage" className="space-y-2 text-slate-800">
      <dl className="grid grid-cols-3 gap-2 text-center">
        <div className="rounded-md bg-slate-50 p-2">
          <dt className="text-sm text-slate-600">Aujourd'hui</dt>
          <dd className="text-xl font-semibold">{usage.today}</dd>
        </div>
        <div className="rounded-md bg-slate-50 p-2">
          <dt className="text-sm text-slate-600">Ce mois-ci</dt>
          <dd className="text-xl font-semibold">{usage.month}</dd>
        </div>
        <div className="rounded-md bg-slate-50 p-2">
          <dt className="text-sm text-slate-600">Au total</dt>
          <dd className="text-xl font-semibold">{usage.total}</dd>
        </div>
      </dl>
      <p className="text-sm text-slate-600">Questions posées à ARIA.</p>
      {usage.bySubject.length > 0 ? (
        <ul className="text-sm" aria-label="Par matière">
          {usage.bySubject.map((s) => (
            <li key={s.subject}>
              {subjectLabels[s.subject]} : {plural(s.questions, "question")} dans{" "}
              {plural(s.conversations, "conversation")}
            </li>
          ))}
        </ul>
      ) : null}
      {usage.lastQuestionAt ? (
        <p className="text-sm text-slate-600">
          Dernière question le {formatDayFr(usage.lastQuestionAt)}.
        </p>
      ) : null}
    </div>
  );
}
