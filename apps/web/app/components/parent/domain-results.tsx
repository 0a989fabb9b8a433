// A bilan's results per domain for a parent: the overall score, the élève pages' chart
// (hidden from screen readers) and a real table with every figure and the mastery
// level in words. Figures come from the bilan's stored scores only. With an earlier approved
// bilan of the subject, the progress since then (components/results/domain-progress.tsx).

import type { PreviousBilan } from "@nexus/shared/progress";
import type { BilanScores } from "@nexus/shared/results";
import { LazyScoresChart } from "~/components/eleve/lazy-scores-chart";
import { MasteryBadge } from "~/components/eleve/mastery";
import { DomainProgress, previousPercents } from "~/components/results/domain-progress";

export function DomainResults({
  scores,
  caption,
  previous,
  progressCaption,
}: {
  scores: BilanScores;
  caption: string;
  previous?: PreviousBilan | null;
  /** The progress table's caption (whose progress, in which subject). */
  progressCaption?: string;
}) {
  return (
    <div>
      <p className="text-slate-800">
        Score global :{" "}
        <strong className="text-2xl text-brand-900">{scores.overall.percent} %</strong>{" "}
        <MasteryBadge mastery={scores.overall.mastery} />
      </p>
      <LazyScoresChart
        domains={scores.domains}
        previous={previousPercents(previous, scores)}
        className="mt-4"
      />
      <div className="mt-4 overflow-x-auto">
        <table className="w-full border-collapse text-left">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr className="border-b border-slate-300 text-sm text-slate-700">
              <th scope="col" className="py-2 pr-3 font-semibold">
                Domaine
              </th>
              <th scope="col" className="py-2 pr-3 font-semibold">
                Score
              </th>
              <th scope="col" className="py-2 font-semibold">
                Niveau de maîtrise
              </th>
            </tr>
          </thead>
          <tbody>
            {scores.domains.map((domain) => (
              <tr key={domain.domainId} className="border-b border-slate-200 align-top">
                <th scope="row" className="py-3 pr-3 font-medium text-slate-900">
                  {domain.label}
                  <span className="block text-sm font-normal text-slate-600">
                    {domain.answered} question{domain.answered > 1 ? "s" : ""} répondue
                    {domain.answered > 1 ? "s" : ""} sur {domain.total}
                  </span>
                </th>
                <td className="py-3 pr-3">
                  <span className="font-semibold tabular-nums text-slate-900">
                    {domain.percent} %
                  </span>
                </td>
                <td className="py-3">
                  <MasteryBadge mastery={domain.mastery} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {previous ? (
        <DomainProgress
          previous={previous}
          scores={scores}
          caption={progressCaption ?? "Scores par domaine au bilan précédent et maintenant"}
          className="mt-6"
        />
      ) : null}
    </div>
  );
}
