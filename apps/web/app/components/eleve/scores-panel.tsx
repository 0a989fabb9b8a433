// « Mes résultats »: the overall score, the per-domain chart (lazy, client only) and the
// table of the same numbers (the accessible version of the chart); with an earlier approved
// bilan of the subject, the progress since then (shared with the parent and coach pages).
import type { PreviousBilan } from "@nexus/shared/progress";
import type { BilanScores } from "@nexus/shared/results";
import { LazyScoresChart } from "~/components/eleve/lazy-scores-chart";
import { DomainProgress, previousPercents } from "~/components/results/domain-progress";
import { Card, CardTitle } from "~/components/ui/card";
import { MasteryBadge } from "./mastery";

export function ScoresPanel({
  scores,
  previous,
}: {
  scores: BilanScores;
  previous?: PreviousBilan | null;
}) {
  return (
    <Card aria-labelledby="resultats-titre" className="space-y-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <CardTitle id="resultats-titre">Mes résultats par thème</CardTitle>
        <p className="flex items-center gap-2 text-slate-800">
          <span>
            Score global : <strong className="text-xl">{scores.overall.percent} %</strong>
          </span>
          <MasteryBadge mastery={scores.overall.mastery} />
        </p>
      </div>
      <LazyScoresChart domains={scores.domains} previous={previousPercents(previous, scores)} />
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Scores par thème et niveau de maîtrise</caption>
          <thead className="border-b border-slate-300 text-slate-700">
            <tr>
              <th scope="col" className="py-2 pr-3 font-semibold">
                Thème
              </th>
              <th scope="col" className="py-2 pr-3 font-semibold">
                Score
              </th>
              <th scope="col" className="py-2 pr-3 font-semibold">
                Réponses
              </th>
              <th scope="col" className="py-2 font-semibold">
                Maîtrise
              </th>
            </tr>
          </thead>
          <tbody>
            {scores.domains.map((domain) => (
              <tr key={domain.domainId} className="border-b border-slate-100">
                <th scope="row" className="py-2 pr-3 font-medium text-slate-900">
                  {domain.label}
                </th>
                <td className="py-2 pr-3 tabular-nums">{domain.percent} %</td>
                <td className="py-2 pr-3 tabular-nums">
                  {domain.answered} / {domain.total}
                </td>
                <td className="py-2">
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
          caption="Mes scores par thème, au bilan précédent et maintenant"
        />
      ) : null}
      {scores.unanswered > 0 ? (
        <p className="text-sm text-slate-600">
          {scores.unanswered === 1
            ? "Une question est restée sans réponse ; elle compte comme non acquise."
            : `${scores.unanswered} questions sont restées sans réponse ; elles comptent comme non acquises.`}
        </p>
      ) : null}
    </Card>
  );
}
