// Scores per domain and the pedagogical profile. The chart (visx, the élève pages' one,
// loaded lazily in the browser) is hidden from screen readers; the table carries the numbers.

import type { PreviousBilan } from "@nexus/shared/progress";
import type { BilanScores, PedagogicalProfile, ProfileLevel } from "@nexus/shared/results";
import { type Mastery, masteryLabels } from "@nexus/shared/vocabulary";
import { LazyScoresChart } from "~/components/eleve/lazy-scores-chart";
import { DomainProgress, previousPercents } from "~/components/results/domain-progress";
import { Badge, type BadgeTone } from "~/components/ui/badge";
import { Card, CardTitle } from "~/components/ui/card";

const masteryTones: Record<Mastery, BadgeTone> = {
  non_acquis: "danger",
  en_cours: "progress",
  acquis: "info",
  maitrise: "success",
};

const levelLabels: Record<ProfileLevel, string> = {
  faible: "Faible",
  moyen: "Moyen",
  eleve: "Élevé",
};

export function ScoresPanel({
  scores,
  previous,
}: {
  scores: BilanScores;
  previous?: PreviousBilan | null;
}) {
  return (
    <Card aria-labelledby="scores-titre">
      <CardTitle id="scores-titre">Résultats par domaine</CardTitle>
      <p className="mt-1 text-sm text-slate-700">
        Score global : <strong>{scores.overall.percent} %</strong> —{" "}
        {masteryLabels[scores.overall.mastery]}
        {scores.unanswered > 0 ? ` · ${scores.unanswered} question(s) sans réponse` : ""}
      </p>
      <LazyScoresChart
        domains={scores.domains}
        previous={previousPercents(previous, scores)}
        className="mt-3"
      />
      <div className="mt-3 overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Score et niveau de maîtrise par domaine</caption>
          <thead>
            <tr className="border-b border-slate-200 text-slate-700">
              <th scope="col" className="py-2 pr-3 font-medium">
                Domaine
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                Score
              </th>
              <th scope="col" className="py-2 font-medium">
                Maîtrise
              </th>
            </tr>
          </thead>
          <tbody>
            {scores.domains.map((domain) => (
              <tr key={domain.domainId} className="border-b border-slate-100 align-middle">
                <th scope="row" className="py-2 pr-3 font-medium text-slate-900">
                  {domain.label}
                  <span className="block text-xs font-normal text-slate-600">
                    {domain.answered}/{domain.total} réponses
                  </span>
                </th>
                <td className="py-2 pr-3 tabular-nums">{domain.percent} %</td>
                <td className="py-2">
                  <Badge tone={masteryTones[domain.mastery]}>{masteryLabels[domain.mastery]}</Badge>
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
          caption="Score par domaine au bilan précédent et dans celui-ci"
          className="mt-5"
        />
      ) : null}
    </Card>
  );
}

export function ProfilePanel({ profile }: { profile: PedagogicalProfile }) {
  return (
    <Card aria-labelledby="profil-titre">
      <CardTitle id="profil-titre">Profil pédagogique</CardTitle>
      <table className="mt-3 w-full text-left text-sm">
        <caption className="sr-only">Dimensions du profil pédagogique</caption>
        <thead>
          <tr className="border-b border-slate-200 text-slate-700">
            <th scope="col" className="py-2 pr-3 font-medium">
              Dimension
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Score
            </th>
            <th scope="col" className="py-2 font-medium">
              Niveau
            </th>
          </tr>
        </thead>
        <tbody>
          {profile.dimensions.map((dimension) => (
            <tr key={dimension.id} className="border-b border-slate-100">
              <th scope="row" className="py-2 pr-3 font-medium text-slate-900">
                {dimension.label}
                {dimension.id === "stress" ? (
                  <span className="block text-xs font-normal text-slate-600">
                    plus le score est haut, plus l'élève est stressé
                  </span>
                ) : null}
              </th>
              <td className="py-2 pr-3 tabular-nums">{dimension.score}/100</td>
              <td className="py-2">{levelLabels[dimension.level]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {profile.traits.length > 0 ? (
        <>
          <h3 className="mt-4 text-sm font-semibold text-slate-900">
            Ce que l'élève dit de sa façon de travailler
          </h3>
          <ul className="mt-1 list-disc space-y-1 pl-5 text-sm text-slate-800">
            {profile.traits.map((trait) => (
              <li key={trait}>{trait}</li>
            ))}
          </ul>
        </>
      ) : null}
    </Card>
  );
}
