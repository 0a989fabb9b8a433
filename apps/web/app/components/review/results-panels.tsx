// Scores per domain and the pedagogical profile. A table is what screen readers and the eye
// both read; each row carries a bar (decorative, aria-hidden) for the at-a-glance view.
import { type Mastery, masteryLabels } from "@nexus/shared/domain";
import type { BilanScores, PedagogicalProfile, ProfileLevel } from "@nexus/shared/results";
import { Badge, type BadgeTone } from "~/components/ui/badge";
import { Card, CardTitle } from "~/components/ui/card";

const masteryTones: Record<Mastery, BadgeTone> = {
  non_acquis: "danger",
  en_cours: "progress",
  acquis: "info",
  maitrise: "success",
};

const masteryBars: Record<Mastery, string> = {
  non_acquis: "bg-red-600",
  en_cours: "bg-amber-500",
  acquis: "bg-sky-600",
  maitrise: "bg-emerald-600",
};

const levelLabels: Record<ProfileLevel, string> = {
  faible: "Faible",
  moyen: "Moyen",
  eleve: "Élevé",
};

function Bar({ percent, className }: { percent: number; className: string }) {
  return (
    <div aria-hidden="true" className="h-2.5 w-full min-w-16 rounded-full bg-slate-200">
      <div className={`h-2.5 rounded-full ${className}`} style={{ width: `${percent}%` }} />
    </div>
  );
}

export function ScoresPanel({ scores }: { scores: BilanScores }) {
  return (
    <Card aria-labelledby="scores-titre">
      <CardTitle id="scores-titre">Résultats par domaine</CardTitle>
      <p className="mt-1 text-sm text-slate-700">
        Score global : <strong>{scores.overall.percent} %</strong> —{" "}
        {masteryLabels[scores.overall.mastery]}
        {scores.unanswered > 0 ? ` · ${scores.unanswered} question(s) sans réponse` : ""}
      </p>
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
              <th scope="col" className="hidden py-2 pr-3 font-medium sm:table-cell">
                <span className="sr-only">Barre du score</span>
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
                <td className="hidden w-1/3 py-2 pr-3 sm:table-cell">
                  <Bar percent={domain.percent} className={masteryBars[domain.mastery]} />
                </td>
                <td className="py-2">
                  <Badge tone={masteryTones[domain.mastery]}>{masteryLabels[domain.mastery]}</Badge>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
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
