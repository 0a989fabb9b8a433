// The approved synthesis as a family reads it: the word for parents first, then strengths,
// points to work on, recommendations and the week-by-week study plan. Domain ids are shown
// by their labels from the bilan's scores.
import type { BilanScores } from "@nexus/shared/results";
import type { Synthesis } from "@nexus/shared/synthesis";

function hoursFr(hours: number): string {
  const text = Number.isInteger(hours) ? String(hours) : hours.toFixed(1).replace(".", ",");
  return `${text}\u00A0h`;
}

export function BilanSynthesis({
  synthesis,
  scores,
}: {
  synthesis: Synthesis;
  scores: BilanScores | undefined;
}) {
  const domainLabel = (id: string) =>
    scores?.domains.find((domain) => domain.domainId === id)?.label ?? null;
  return (
    <div className="space-y-8">
      <section aria-labelledby="mot-parents">
        <h3 id="mot-parents" className="text-lg font-semibold text-slate-900">
          En quelques mots
        </h3>
        <p className="mt-2 whitespace-pre-line text-slate-800">{synthesis.parentSummary}</p>
        <p className="mt-3 whitespace-pre-line text-slate-700">{synthesis.summary}</p>
      </section>

      <div className="grid gap-6 md:grid-cols-2">
        <section aria-labelledby="points-forts">
          <h3 id="points-forts" className="text-lg font-semibold text-slate-900">
            Points forts
          </h3>
          <ul className="mt-2 list-disc space-y-2 pl-5 text-slate-800">
            {synthesis.strengths.map((item) => (
              <li key={`${item.domainId}-${item.text}`}>
                {domainLabel(item.domainId) ? (
                  <span className="font-medium">{domainLabel(item.domainId)} : </span>
                ) : null}
                {item.text}
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="points-travail">
          <h3 id="points-travail" className="text-lg font-semibold text-slate-900">
            Points à travailler
          </h3>
          <ul className="mt-2 list-disc space-y-2 pl-5 text-slate-800">
            {synthesis.weaknesses.map((item) => (
              <li key={`${item.domainId}-${item.text}`}>
                {domainLabel(item.domainId) ? (
                  <span className="font-medium">{domainLabel(item.domainId)} : </span>
                ) : null}
                {item.text}
              </li>
            ))}
          </ul>
        </section>
      </div>

      <section aria-labelledby="recommandations">
        <h3 id="recommandations" className="text-lg font-semibold text-slate-900">
          Recommandations
        </h3>
        <ol className="mt-2 space-y-3">
          {synthesis.recommendations.map((item) => (
            <li key={item.title} className="rounded-md border border-slate-200 p-4">
              <p className="font-semibold text-slate-900">{item.title}</p>
              <p className="mt-1 text-slate-800">{item.text}</p>
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="plan-travail">
        <h3 id="plan-travail" className="text-lg font-semibold text-slate-900">
          Plan de travail
        </h3>
        <ol className="mt-2 grid gap-4 md:grid-cols-2">
          {synthesis.studyPlan.map((week) => (
            <li key={week.week} className="rounded-md border border-slate-200 p-4">
              <p className="font-semibold text-brand-900">Semaine {week.week}</p>
              <p className="mt-2 text-sm font-semibold text-slate-700">Objectifs</p>
              <ul className="mt-1 list-disc space-y-1 pl-5 text-slate-800">
                {week.objectives.map((objective) => (
                  <li key={objective}>{objective}</li>
                ))}
              </ul>
              <p className="mt-3 text-sm font-semibold text-slate-700">Activités</p>
              <ul className="mt-1 space-y-1 text-slate-800">
                {week.activities.map((activity) => (
                  <li key={activity.description} className="flex justify-between gap-3">
                    <span>{activity.description}</span>
                    <span className="shrink-0 tabular-nums text-slate-600">
                      {hoursFr(activity.hours)}
                    </span>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      </section>

      {synthesis.offers.length > 0 ? (
        <section aria-labelledby="accompagnement">
          <h3 id="accompagnement" className="text-lg font-semibold text-slate-900">
            Accompagnement proposé par le centre
          </h3>
          <ul className="mt-2 space-y-3">
            {synthesis.offers.map((offer) => (
              <li key={offer.offerId} className="rounded-md bg-brand-50 p-4">
                <p className="font-semibold text-brand-900">{offer.title}</p>
                <p className="mt-1 text-slate-800">{offer.reason}</p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
