// The approved synthesis as the élève reads it: summary, strengths and points to work on,
// recommendations and the week-by-week study plan.
import type { Synthesis } from "@nexus/shared/synthesis";
import { Card, CardTitle } from "~/components/ui/card";

function hoursFr(hours: number): string {
  const text = Number.isInteger(hours) ? String(hours) : hours.toLocaleString("fr-FR");
  return hours <= 1 ? `${text} heure` : `${text} heures`;
}

export function SynthesisView({ synthesis }: { synthesis: Synthesis }) {
  return (
    <>
      <Card aria-labelledby="synthese-titre" className="space-y-4">
        <CardTitle id="synthese-titre">La synthèse de votre coach</CardTitle>
        <p className="whitespace-pre-line text-slate-800">{synthesis.summary}</p>
        <div className="grid gap-4 md:grid-cols-2">
          <div>
            <h3 className="font-semibold text-emerald-900">Points forts</h3>
            <ul className="mt-2 list-disc space-y-1 pl-5 text-slate-800">
              {synthesis.strengths.map((item) => (
                <li key={`${item.domainId}-${item.text}`}>{item.text}</li>
              ))}
            </ul>
          </div>
          <div>
            <h3 className="font-semibold text-amber-900">À travailler</h3>
            <ul className="mt-2 list-disc space-y-1 pl-5 text-slate-800">
              {synthesis.weaknesses.map((item) => (
                <li key={`${item.domainId}-${item.text}`}>{item.text}</li>
              ))}
            </ul>
          </div>
        </div>
        <div>
          <h3 className="font-semibold text-slate-900">Recommandations</h3>
          <ul className="mt-2 space-y-3">
            {synthesis.recommendations.map((item) => (
              <li key={item.title}>
                <p className="font-medium text-slate-900">{item.title}</p>
                <p className="text-slate-700">{item.text}</p>
              </li>
            ))}
          </ul>
        </div>
      </Card>
      <Card aria-labelledby="plan-titre" className="space-y-4">
        <CardTitle id="plan-titre">Mon plan de travail</CardTitle>
        <ol className="space-y-4">
          {synthesis.studyPlan.map((week) => (
            <li key={week.week} className="rounded-md border border-slate-200 p-4">
              <h3 className="font-semibold text-brand-900">Semaine {week.week}</h3>
              <p className="mt-1 text-sm font-medium text-slate-700">Objectifs</p>
              <ul className="list-disc pl-5 text-slate-800">
                {week.objectives.map((objective) => (
                  <li key={objective}>{objective}</li>
                ))}
              </ul>
              <p className="mt-2 text-sm font-medium text-slate-700">Activités</p>
              <ul className="list-disc pl-5 text-slate-800">
                {week.activities.map((activity) => (
                  <li key={activity.description}>
                    {activity.description}{" "}
                    <span className="text-slate-600">({hoursFr(activity.hours)})</span>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      </Card>
    </>
  );
}
