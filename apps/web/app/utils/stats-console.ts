// The analytics page's pure logic (/admin/statistiques): the period kept in the URL
// (?semaines=12), French labels, numbers and euros formatted fr-FR, and the shaping of
// stats.dashboard's series (one per key, a number per week aligned on `weeks`) into chart
// series and table rows. Browser-safe, no zod.
import type { api } from "@convex/_generated/api";
import type { JobKind } from "@nexus/shared/jobs";
import { type Subject, subjectLabels } from "@nexus/shared/vocabulary";
import type { FunctionReturnType } from "convex/server";

export type Dashboard = FunctionReturnType<typeof api.stats.dashboard>;

export const periodOptions = [4, 12, 26] as const;
export const DEFAULT_WEEKS = 12;
export const periodParam = "semaines";

/** The number of weeks asked in the URL, the default when absent or not one of the options. */
export function parseWeeks(params: URLSearchParams): number {
  const value = Number(params.get(periodParam));
  return (periodOptions as readonly number[]).includes(value) ? value : DEFAULT_WEEKS;
}

export const HOUR_MS = 3_600_000;

/** The clock the dashboard is asked for, rounded to the hour: weeks only move at midnight. */
export function roundToHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

const NBSP = "\u00a0";
const integer = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });
const euros = new Intl.NumberFormat("fr-FR", {
  style: "currency",
  currency: "EUR",
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const percent = new Intl.NumberFormat("fr-FR", { style: "percent", maximumFractionDigits: 1 });

/** « 12 345 » (French thousands separator). */
export function formatCount(value: number): string {
  return integer.format(value);
}

/** An estimated cost in micro-euros as « 1,23 € »; « moins de 0,01 € » when not zero but below. */
export function formatEuros(microEur: number): string {
  if (microEur > 0 && microEur < 5_000) return `moins de 0,01${NBSP}€`;
  return euros.format(microEur / 1_000_000);
}

/** « 12,5 % »; « — » when nothing was counted. */
export function formatRate(part: number, total: number): string {
  return total === 0 ? "—" : percent.format(part / total);
}

/** A duration as staff say it: « 45 min », « 2 h 05 », « 3 j 4 h ». */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes}${NBSP}min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest === 0
      ? `${hours}${NBSP}h`
      : `${hours}${NBSP}h${NBSP}${String(rest).padStart(2, "0")}`;
  }
  const days = Math.floor(hours / 24);
  const restHours = hours % 24;
  return restHours === 0 ? `${days}${NBSP}j` : `${days}${NBSP}j ${restHours}${NBSP}h`;
}

const MONTHS_SHORT = [
  "janv.",
  "févr.",
  "mars",
  "avr.",
  "mai",
  "juin",
  "juil.",
  "août",
  "sept.",
  "oct.",
  "nov.",
  "déc.",
];
const MONTHS = [
  "janvier",
  "février",
  "mars",
  "avril",
  "mai",
  "juin",
  "juillet",
  "août",
  "septembre",
  "octobre",
  "novembre",
  "décembre",
];

function dateParts(date: string) {
  const [year = 0, month = 1, day = 1] = date.split("-").map(Number);
  return { year, month, day };
}

/** A week's axis label from its Monday: « 30 nov. », « 1er déc. ». */
export function weekShortLabel(monday: string): string {
  const { month, day } = dateParts(monday);
  return `${day === 1 ? "1er" : day}${NBSP}${MONTHS_SHORT[month - 1]}`;
}

/** « semaine du 30 novembre 2026 ». */
export function weekLongLabel(monday: string): string {
  const { year, month, day } = dateParts(monday);
  return `semaine du ${day === 1 ? "1er" : day} ${MONTHS[month - 1]} ${year}`;
}

export const bilanStageLabels = {
  created: "Créés",
  submitted: "Soumis",
  approved: "Validés",
  sent: "Envoyés",
  failed: "En échec",
} as const;
export type BilanStage = keyof typeof bilanStageLabels;
export const bilanStages = Object.keys(bilanStageLabels) as BilanStage[];

/** Colours with at least 3:1 contrast on white (chart shapes) and between neighbours. */
export const stageColors: Record<BilanStage, string> = {
  created: "#94a3b8", // slate-400
  submitted: "#0284c7", // sky-600
  approved: "#7c3aed", // violet-600
  sent: "#059669", // emerald-600
  failed: "#dc2626", // red-600
};

export const delayBucketLabels = {
  lt1h: "Moins d'1 h",
  "1to4h": "1 à 4 h",
  "4to24h": "4 à 24 h",
  "1to3d": "1 à 3 jours",
  gt3d: "Plus de 3 jours",
} as const;
export type DelayBucketId = keyof typeof delayBucketLabels;
export const delayBuckets = Object.keys(delayBucketLabels) as DelayBucketId[];

export const jobOutcomeLabels = {
  completed: "Terminées",
  failed: "Échouées",
  retried: "Nouvelles tentatives",
  cancelled: "Annulées",
} as const;
export type JobOutcomeId = keyof typeof jobOutcomeLabels;
export const jobOutcomes = Object.keys(jobOutcomeLabels) as JobOutcomeId[];
export const outcomeColors: Record<JobOutcomeId, string> = {
  completed: "#059669",
  failed: "#dc2626",
  retried: "#d97706", // amber-600
  cancelled: "#64748b", // slate-500
};

/** Short labels for the chart's axis (the table says the full ones). */
export const jobKindShortLabels: Record<JobKind, string> = {
  "bilan.generate": "Génération",
  "bilan.pdf": "PDF",
  "email.send": "E-mails",
  "document.ingest": "Indexation",
  "alerts.notify": "Alertes",
  "invitation.send": "Invitations",
  "payment.receipt": "Reçus",
  "session.confirm": "Confirmations",
  "session.remind": "Rappels",
  "aria.answer": "ARIA",
  "aria.memory": "Mémoire",
  "aria.sheet": "Fiches",
  "rgpd.export": "Exports RGPD",
  "rgpd.erase": "Effacements",
  "retention.outbox": "Purge",
  "system.echo": "Écho",
};

export const providerLabels: Record<string, string> = {
  openai: "OpenAI",
  anthropic: "Anthropic",
  local: "Rédacteur local",
};

export const documentKindLabels = { new: "Nouveaux", reindex: "Réindexés" } as const;
export type DocumentKind = keyof typeof documentKindLabels;
export const documentKinds = Object.keys(documentKindLabels) as DocumentKind[];

export function subjectLabel(subject: string): string {
  return subjectLabels[subject as Subject] ?? subject;
}

export interface Series {
  id: string;
  label: string;
  color: string;
  values: number[];
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Adds `values` into `into`, week by week. */
function addInto(into: number[], values: readonly number[]): void {
  values.forEach((value, i) => {
    into[i] = (into[i] ?? 0) + value;
  });
}

function zeroTotals<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}

/** Bilans per week and stage (one series per stage), for every subject or one. */
export function bilanWeekSeries(data: Dashboard, subject?: string): Series[] {
  return bilanStages.map((stage) => {
    const values = data.weeks.map(() => 0);
    for (const series of data.bilans) {
      if (series.stage === stage && (!subject || series.subject === subject)) {
        addInto(values, series.counts);
      }
    }
    return { id: stage, label: bilanStageLabels[stage], color: stageColors[stage], values };
  });
}

/** Totals per stage over the whole period. */
export function bilanTotals(data: Dashboard): Record<BilanStage, number> {
  const totals = zeroTotals(bilanStages);
  for (const series of data.bilans) {
    if (series.stage in totals) totals[series.stage as BilanStage] += sum(series.counts);
  }
  return totals;
}

/** One row per subject seen in the period, with its totals per stage, most bilans first. */
export function bilanSubjectRows(data: Dashboard) {
  const rows = new Map<string, Record<BilanStage, number>>();
  for (const series of data.bilans) {
    const totals = rows.get(series.subject) ?? zeroTotals(bilanStages);
    if (series.stage in totals) totals[series.stage as BilanStage] += sum(series.counts);
    rows.set(series.subject, totals);
  }
  return [...rows.entries()]
    .map(([subject, totals]) => ({ subject, label: subjectLabel(subject), totals }))
    .sort(
      (a, b) =>
        b.totals.created + b.totals.submitted - (a.totals.created + a.totals.submitted) ||
        a.label.localeCompare(b.label, "fr"),
    );
}

/** The submit → sent histogram in bucket order, with the mean delay (null without any). */
export function delayHistogram(data: Dashboard) {
  const byBucket = new Map(data.delay.map((row) => [row.bucket, row]));
  const counts = delayBuckets.map((bucket) => byBucket.get(bucket)?.count ?? 0);
  const total = counts.reduce((sum, n) => sum + n, 0);
  const totalMs = data.delay.reduce((sum, row) => sum + row.totalMs, 0);
  return {
    buckets: delayBuckets.map((bucket, i) => ({
      bucket,
      label: delayBucketLabels[bucket],
      count: counts[i] ?? 0,
    })),
    total,
    meanMs: total === 0 ? null : totalMs / total,
  };
}

/** Per job kind over the period: each outcome, and failures among finished jobs. */
export function jobKindRows(data: Dashboard) {
  const rows = new Map<string, Record<JobOutcomeId, number>>();
  for (const series of data.jobs) {
    const counts = rows.get(series.kind) ?? zeroTotals(jobOutcomes);
    if (series.outcome in counts) counts[series.outcome as JobOutcomeId] += sum(series.counts);
    rows.set(series.kind, counts);
  }
  const order = Object.keys(jobKindShortLabels);
  return [...rows.entries()]
    .map(([kind, counts]) => ({
      kind,
      shortLabel: jobKindShortLabels[kind as JobKind] ?? kind,
      counts,
      finished: counts.completed + counts.failed,
      failureRate: formatRate(counts.failed, counts.completed + counts.failed),
    }))
    .sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
}

/** Per provider and model over the period (one series each): generations, tokens, cost. */
export function llmRows(data: Dashboard) {
  return data.llm
    .map((series) => ({
      provider: series.provider,
      model: series.model,
      providerLabel: providerLabels[series.provider] ?? series.provider,
      calls: sum(series.calls),
      inputTokens: sum(series.inputTokens),
      outputTokens: sum(series.outputTokens),
      costMicroEur: sum(series.costMicroEur),
    }))
    .sort((a, b) => b.costMicroEur - a.costMicroEur || b.calls - a.calls);
}

/** Tokens (input + output) per week, one series per provider. */
export function llmWeekSeries(data: Dashboard): Series[] {
  const providers = [...new Set(data.llm.map((series) => series.provider))].sort();
  const palette = ["#0284c7", "#7c3aed", "#059669", "#d97706"];
  return providers.map((provider, p) => {
    const values = data.weeks.map(() => 0);
    for (const series of data.llm) {
      if (series.provider !== provider) continue;
      addInto(values, series.inputTokens);
      addInto(values, series.outputTokens);
    }
    return {
      id: provider,
      label: providerLabels[provider] ?? provider,
      color: palette[p % palette.length]!,
      values,
    };
  });
}

/** Documents indexed per week: new ones and re-indexings. */
export function documentWeekSeries(data: Dashboard): Series[] {
  const colors: Record<DocumentKind, string> = { new: "#0284c7", reindex: "#94a3b8" };
  return documentKinds.map((kind) => {
    const values = data.weeks.map(() => 0);
    for (const series of data.documents) if (series.kind === kind) addInto(values, series.counts);
    return { id: kind, label: documentKindLabels[kind], color: colors[kind], values };
  });
}

export function seriesTotal(series: Series[]): number {
  return series.reduce((total, s) => total + sum(s.values), 0);
}
