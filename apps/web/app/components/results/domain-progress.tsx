// Progress since the previous approved bilan of the same subject, as every results page shows
// it (élève, parent, coach review): one sentence (the e-mail's, @nexus/shared/progress), then a
// real table, domain by domain, « Avant / Maintenant / Évolution », computed by compareBilans
// as the PDF report does. Arrows are visual only: each change is also said in words
// (« en hausse de 12 points »). A domain added or dropped by a new questionnaire version is
// named as such, never given a made-up change.
import { compareBilans, type PreviousBilan, progressSentence } from "@nexus/shared/progress";
import type { BilanScores } from "@nexus/shared/results";
import { useId } from "react";
import { formatDayFr } from "~/utils/dates-fr";
import { type ChangeTone, changeText, deltaText } from "~/utils/progress-display";

const toneClasses: Record<ChangeTone, string> = {
  up: "text-emerald-800",
  down: "text-red-800",
  stable: "text-slate-700",
  added: "text-slate-700 italic",
  removed: "text-slate-700 italic",
};

function Change({ text }: { text: ReturnType<typeof changeText> }) {
  return (
    <span
      className={`font-semibold sm:whitespace-nowrap ${toneClasses[text.tone]}`}
      data-tone={text.tone}
    >
      <span aria-hidden="true">{text.shown}</span>
      <span className="sr-only">{text.spoken}</span>
    </span>
  );
}

function percent(value: number | undefined): string {
  return value === undefined ? "—" : `${value}\u00a0%`;
}

/** The previous percentage of each domain still assessed (the chart's « bilan précédent » ticks). */
export function previousPercents(
  previous: PreviousBilan | null | undefined,
  scores: BilanScores,
): Record<string, number> | undefined {
  if (!previous) return undefined;
  const out: Record<string, number> = {};
  for (const domain of compareBilans(previous, scores).domains) {
    if (domain.status === "compared" && domain.before !== undefined) {
      out[domain.domainId] = domain.before;
    }
  }
  return out;
}

export function DomainProgress({
  previous,
  scores,
  caption,
  className,
}: {
  previous: PreviousBilan;
  scores: BilanScores;
  /** The table's caption, naming whose progress in which subject. */
  caption: string;
  className?: string;
}) {
  const headingId = useId();
  const progress = compareBilans(previous, scores);
  const changed = progress.domains.some((d) => d.status !== "compared");
  return (
    <section aria-labelledby={headingId} className={className} data-testid="progres">
      <h3 id={headingId} className="text-base font-semibold text-slate-900">
        Progrès depuis le bilan du {formatDayFr(progress.previousDate)}
      </h3>
      <p className="mt-1 text-slate-800">{progressSentence(progress, formatDayFr)}</p>
      <div className="mt-3 overflow-x-auto">
        <table className="w-full border-collapse text-left text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr className="border-b border-slate-300 text-xs text-slate-700 sm:text-sm">
              <th scope="col" className="py-2 pr-2 sm:pr-3 font-semibold">
                Domaine
              </th>
              <th scope="col" className="py-2 pr-2 sm:pr-3 text-right font-semibold">
                Avant
              </th>
              <th scope="col" className="py-2 pr-2 sm:pr-3 text-right font-semibold">
                Maintenant
              </th>
              <th scope="col" className="py-2 font-semibold">
                Évolution
              </th>
            </tr>
          </thead>
          <tbody>
            {progress.domains.map((domain) => (
              <tr
                key={domain.domainId}
                className="border-b border-slate-100"
                data-domain={domain.domainId}
              >
                <th
                  scope="row"
                  className="hyphens-auto py-2 pr-2 font-medium text-slate-900 sm:pr-3"
                >
                  {domain.label}
                </th>
                <td className="py-2 pr-2 sm:pr-3 text-right tabular-nums">
                  {percent(domain.before)}
                </td>
                <td className="py-2 pr-2 sm:pr-3 text-right tabular-nums">
                  {percent(domain.after)}
                </td>
                <td className="py-2">
                  <Change text={changeText(domain)} />
                </td>
              </tr>
            ))}
            <tr className="bg-slate-50">
              <th
                scope="row"
                className="hyphens-auto py-2 pr-2 font-semibold text-slate-900 sm:pr-3"
              >
                Ensemble du questionnaire
              </th>
              <td className="py-2 pr-2 sm:pr-3 text-right font-semibold tabular-nums">
                {percent(progress.overall.before)}
              </td>
              <td className="py-2 pr-2 sm:pr-3 text-right font-semibold tabular-nums">
                {percent(progress.overall.after)}
              </td>
              <td className="py-2">
                <Change text={deltaText(progress.overall.delta)} />
              </td>
            </tr>
          </tbody>
        </table>
      </div>
      {changed ? (
        <p className="mt-2 text-sm text-slate-600">
          Le questionnaire a évolué entre les deux bilans : un domaine nouveau ou plus évalué n'a
          pas d'évolution chiffrée.
        </p>
      ) : null}
    </section>
  );
}
