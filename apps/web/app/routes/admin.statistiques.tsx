// /admin/statistiques — the centre's figures over the last weeks, live: bilans per week by
// stage and subject, the submit → sent delay, job throughput and failures per kind, LLM
// tokens and estimated cost per provider, documents indexed. Everything comes from
// stats.dashboard, which reads only the counters the mutations keep (convex/model/stats.ts).
// Each chart has its table (screen readers always get it; « Voir en tableau » shows it).
import { api } from "@convex/_generated/api";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { StatsCard, StatsTable } from "~/components/admin/stats-card";
import { Button } from "~/components/ui/button";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { jobKindLabels } from "~/utils/jobs-console";
import { useLiveQuery } from "~/utils/live-query";
import {
  bilanStageLabels,
  bilanStages,
  bilanSubjectRows,
  bilanTotals,
  bilanWeekSeries,
  type Dashboard,
  delayHistogram,
  documentKindLabels,
  documentWeekSeries,
  formatCount,
  formatDuration,
  formatEuros,
  formatRate,
  jobKindRows,
  jobOutcomeLabels,
  jobOutcomes,
  llmRows,
  llmWeekSeries,
  outcomeColors,
  parseWeeks,
  periodOptions,
  periodParam,
  roundToHour,
  seriesTotal,
  subjectLabel,
  weekLongLabel,
  weekShortLabel,
} from "~/utils/stats-console";

export const meta: MetaFunction = () => [{ title: "Statistiques — Nexus Réussite" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["admin", "assistante"]);
  const weeks = parseWeeks(new URL(request.url).searchParams);
  const now = roundToHour(Date.now());
  const stats = await convexForRequest(token).query(api.stats.dashboard, { weeks, now });
  return { weeks, now, stats };
}

const CHART_HEIGHT = 240;

export default function StatisticsPage() {
  const data = useLoaderData<typeof loader>();
  const stats = useLiveQuery(api.stats.dashboard, { weeks: data.weeks, now: data.now }, data.stats);
  const totals = bilanTotals(stats);
  const delay = delayHistogram(stats);
  const jobs = jobKindRows(stats);
  const llm = llmRows(stats);
  const finished = jobs.reduce((sum, row) => sum + row.finished, 0);
  const failed = jobs.reduce((sum, row) => sum + row.counts.failed, 0);
  const cost = llm.reduce((sum, row) => sum + row.costMicroEur, 0);
  const first = stats.weeks[0];

  return (
    <section aria-labelledby="page-titre">
      <h1 id="page-titre" className="text-2xl font-bold text-brand-900 sm:text-3xl">
        Statistiques
      </h1>
      <p className="mt-2 text-slate-700">
        L'activité du centre sur les {data.weeks} dernières semaines
        {first ? ` (depuis la ${weekLongLabel(first)})` : ""}, mise à jour en direct. Les semaines
        vont du lundi au dimanche, heure de Paris.
      </p>

      <Form
        method="get"
        className="mt-3 flex flex-wrap items-center gap-3"
        aria-label="Choisir la période"
      >
        <label htmlFor="periode" className="text-sm font-medium text-slate-800">
          Période
        </label>
        <select
          id="periode"
          name={periodParam}
          key={data.weeks}
          defaultValue={data.weeks}
          className="min-h-11 rounded-md border border-slate-300 bg-white px-2"
        >
          {periodOptions.map((weeks) => (
            <option key={weeks} value={weeks}>
              {weeks} dernières semaines
            </option>
          ))}
        </select>
        <Button type="submit">Afficher</Button>
      </Form>

      <h2 className="sr-only">Chiffres clés de la période</h2>
      <dl
        className="mt-5 grid grid-cols-2 gap-3 lg:grid-cols-4"
        aria-live="polite"
        data-testid="chiffres-cles"
      >
        <KeyFigure label="Bilans envoyés" value={formatCount(totals.sent)} testId="kpi-envoyes" />
        <KeyFigure
          label="Délai moyen soumission → envoi"
          value={delay.meanMs === null ? "—" : formatDuration(delay.meanMs)}
          testId="kpi-delai"
        />
        <KeyFigure
          label="Tâches en échec"
          value={formatRate(failed, finished)}
          detail={`${formatCount(failed)} échec${failed > 1 ? "s" : ""} sur ${formatCount(finished)} tâche${finished > 1 ? "s" : ""} finie${finished > 1 ? "s" : ""}`}
          testId="kpi-echecs"
        />
        <KeyFigure
          label="Coût LLM estimé"
          value={formatEuros(cost)}
          detail="estimation, hors TVA"
          testId="kpi-cout"
        />
      </dl>

      <div className="mt-6 grid gap-6">
        <BilansCard stats={stats} />
        <div className="grid gap-6 lg:grid-cols-2">
          <DelayCard delay={delay} />
          <JobsCard rows={jobs} />
        </div>
        <LlmCard stats={stats} rows={llm} />
        <DocumentsCard stats={stats} />
      </div>
      {stats.truncated ? (
        <p className="mt-4 text-amber-900" role="status">
          Certaines séries ont trop de lignes pour être lues en entier : réduisez la période.
        </p>
      ) : null}
    </section>
  );
}

function KeyFigure({
  label,
  value,
  detail,
  testId,
}: {
  label: string;
  value: string;
  detail?: string;
  testId: string;
}) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <dt className="text-sm text-slate-700">{label}</dt>
      <dd className="mt-1 text-2xl font-bold tabular-nums text-slate-900" data-testid={testId}>
        {value}
      </dd>
      {detail ? <dd className="mt-0.5 text-xs text-slate-600">{detail}</dd> : null}
    </div>
  );
}

function BilansCard({ stats }: { stats: Dashboard }) {
  const [subject, setSubject] = useState("");
  const subjects = bilanSubjectRows(stats);
  const series = bilanWeekSeries(stats, subject || undefined);
  const empty = seriesTotal(series) === 0;
  const categories = stats.weeks.map(weekShortLabel);
  const subjectName = subject ? subjectLabel(subject) : "toutes matières";
  return (
    <StatsCard
      title="Bilans par semaine"
      testId="carte-bilans"
      description={
        <p>
          Chaque bilan compte la semaine où il atteint une étape : créé, soumis, validé par un
          coach, envoyé à la famille (premier envoi) ou en échec de génération.
        </p>
      }
      emptyText="Aucun bilan sur la période."
      footer={<SubjectTable subjects={subjects} />}
      chart={empty ? null : { categories, series, mode: "grouped", height: CHART_HEIGHT }}
      table={
        <StatsTable
          caption={`Bilans par semaine et par étape (${subjectName})`}
          testId="table-bilans-semaines"
          columns={["Semaine", ...bilanStages.map((stage) => bilanStageLabels[stage])]}
          rows={stats.weeks.map((week, i) => ({
            id: week,
            header: weekLongLabel(week),
            cells: series.map((s) => formatCount(s.values[i] ?? 0)),
          }))}
        />
      }
    >
      {subjects.length > 0 ? (
        <div className="mt-3">
          <label htmlFor="filtre-matiere" className="mr-2 text-sm font-medium text-slate-800">
            Matière
          </label>
          <select
            id="filtre-matiere"
            value={subject}
            onChange={(event) => setSubject(event.target.value)}
            className="min-h-11 rounded-md border border-slate-300 bg-white px-2"
          >
            <option value="">Toutes</option>
            {subjects.map((row) => (
              <option key={row.subject} value={row.subject}>
                {row.label}
              </option>
            ))}
          </select>
        </div>
      ) : null}
    </StatsCard>
  );
}

function SubjectTable({ subjects }: { subjects: ReturnType<typeof bilanSubjectRows> }) {
  return (
    <>
      {subjects.length > 0 ? (
        <div className="mt-4 overflow-x-auto">
          <StatsTable
            caption="Bilans sur la période, par matière et par étape"
            testId="table-bilans-matieres"
            columns={["Matière", ...bilanStages.map((stage) => bilanStageLabels[stage])]}
            rows={subjects.map((row) => ({
              id: row.subject,
              header: row.label,
              cells: bilanStages.map((stage) => formatCount(row.totals[stage])),
            }))}
          />
        </div>
      ) : null}
    </>
  );
}

function DelayCard({ delay }: { delay: ReturnType<typeof delayHistogram> }) {
  return (
    <StatsCard
      title="Délai entre soumission et envoi"
      testId="carte-delai"
      description={
        <p>
          Pour les bilans envoyés sur la période : temps écoulé entre la soumission par l'élève et
          le premier envoi à la famille
          {delay.meanMs === null ? "." : ` (moyenne : ${formatDuration(delay.meanMs)}).`}
        </p>
      }
      emptyText="Aucun bilan envoyé sur la période."
      chart={
        delay.total === 0
          ? null
          : {
              categories: delay.buckets.map((b) => b.label),
              series: [
                {
                  id: "bilans",
                  label: "Bilans envoyés",
                  color: "#059669",
                  values: delay.buckets.map((b) => b.count),
                },
              ],
              mode: "grouped",
              height: CHART_HEIGHT,
            }
      }
      table={
        <StatsTable
          caption="Bilans envoyés par délai depuis la soumission"
          testId="table-delai"
          columns={["Délai", "Bilans"]}
          rows={delay.buckets.map((b) => ({
            id: b.bucket,
            header: b.label,
            cells: [formatCount(b.count)],
          }))}
        />
      }
    />
  );
}

function JobsCard({ rows }: { rows: ReturnType<typeof jobKindRows> }) {
  return (
    <StatsCard
      title="Travaux par type"
      testId="carte-travaux"
      description={
        <p>
          Issues des tâches du worker sur la période. Le taux d'échec rapporte les tâches échouées
          définitivement à celles terminées ou échouées ; une nouvelle tentative est un essai raté
          remis dans la file.
        </p>
      }
      emptyText="Aucune tâche terminée sur la période."
      chart={
        rows.length === 0
          ? null
          : {
              categories: rows.map((row) => row.shortLabel),
              series: jobOutcomes.map((outcome) => ({
                id: outcome,
                label: jobOutcomeLabels[outcome],
                color: outcomeColors[outcome],
                values: rows.map((row) => row.counts[outcome]),
              })),
              mode: "stacked",
              height: CHART_HEIGHT,
            }
      }
      table={
        <StatsTable
          caption="Tâches par type et par issue"
          testId="table-travaux"
          columns={["Type", ...jobOutcomes.map((o) => jobOutcomeLabels[o]), "Taux d'échec"]}
          rows={rows.map((row) => ({
            id: row.kind,
            header: jobKindLabels[row.kind as keyof typeof jobKindLabels] ?? row.kind,
            cells: [...jobOutcomes.map((o) => formatCount(row.counts[o])), row.failureRate],
          }))}
        />
      }
    />
  );
}

function LlmCard({ stats, rows }: { stats: Dashboard; rows: ReturnType<typeof llmRows> }) {
  const series = llmWeekSeries(stats);
  const rate = new Intl.NumberFormat("fr-FR", { minimumFractionDigits: 2 }).format(stats.usdToEur);
  return (
    <StatsCard
      title="Modèles de langage : jetons et coût estimé"
      testId="carte-llm"
      description={
        <p>
          Jetons lus et écrits par les générations de bilans, par fournisseur. Le coût est une
          estimation : prix publics des fournisseurs en dollars, convertis à {rate} € pour 1 $, sans
          remise ni TVA ; le rédacteur local ne coûte rien. Les calculs de vecteurs (recherche,
          indexation) ne sont pas comptés.
        </p>
      }
      emptyText="Aucune génération sur la période."
      chart={
        rows.length === 0
          ? null
          : {
              categories: stats.weeks.map(weekShortLabel),
              series,
              mode: "stacked",
              height: CHART_HEIGHT,
            }
      }
      table={
        <StatsTable
          caption="Générations, jetons et coût estimé par fournisseur et modèle"
          testId="table-llm"
          columns={[
            "Fournisseur et modèle",
            "Générations",
            "Jetons lus",
            "Jetons écrits",
            "Coût estimé",
          ]}
          rows={rows.map((row) => ({
            id: `${row.provider}|${row.model}`,
            header: `${row.providerLabel} (${row.model})`,
            cells: [
              formatCount(row.calls),
              formatCount(row.inputTokens),
              formatCount(row.outputTokens),
              formatEuros(row.costMicroEur),
            ],
          }))}
        />
      }
    />
  );
}

function DocumentsCard({ stats }: { stats: Dashboard }) {
  const series = documentWeekSeries(stats);
  const empty = seriesTotal(series) === 0;
  return (
    <StatsCard
      title="Documents indexés par semaine"
      testId="carte-documents"
      description={
        <p>Documents de la base de connaissances devenus consultables : nouveaux ou réindexés.</p>
      }
      emptyText="Aucun document indexé sur la période."
      chart={
        empty
          ? null
          : {
              categories: stats.weeks.map(weekShortLabel),
              series,
              mode: "stacked",
              height: CHART_HEIGHT,
            }
      }
      table={
        <StatsTable
          caption="Documents indexés par semaine"
          testId="table-documents"
          columns={["Semaine", documentKindLabels.new, documentKindLabels.reindex]}
          rows={stats.weeks.map((week, i) => ({
            id: week,
            header: weekLongLabel(week),
            cells: series.map((s) => formatCount(s.values[i] ?? 0)),
          }))}
        />
      }
    />
  );
}
