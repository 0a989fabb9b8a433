// The staff console's analytics (/admin/statistiques), served from the weekly summaries that
// the mutations keep beside their counters (model/stats.ts): one indexed range read per metric
// over the requested weeks (at most 26 rows each), never a scan of bilans, jobs or documents,
// nor of the daily counter rows. rebuildWeeks recounts summaries from the counters (a
// deployment whose counters predate the summaries runs it once: see README).
import { v } from "convex/values";
import { internalMutation, type QueryCtx } from "./_generated/server";
import { appError } from "./lib/errors";
import { staffQuery } from "./lib/functions";
import { recountWeek, type StatMetric, USD_TO_EUR, weekStarts, writeWeek } from "./model/stats";
import { vStatMetric } from "./tables/stats";

export const MAX_WEEKS = 26;

/** One number per week, aligned on the result's `weeks` (0 for a week without a summary). */
const vPerWeek = v.array(v.number());

// Per metric, one series per key with its numbers per week (sorted by key), rather than one
// object per week and key: the result crosses the runtime's protocol (encoding, validation)
// value by value, and ~1,100 small objects over 26 weeks cost more than the query's reads.
const vDashboard = v.object({
  /** Mondays (Paris) of the weeks, oldest first. */
  weeks: v.array(v.string()),
  bilans: v.array(v.object({ stage: v.string(), subject: v.string(), counts: vPerWeek })),
  /** Submit → sent histogram over the whole range, and the summed delay for a mean. */
  delay: v.array(v.object({ bucket: v.string(), count: v.number(), totalMs: v.number() })),
  jobs: v.array(v.object({ kind: v.string(), outcome: v.string(), counts: vPerWeek })),
  llm: v.array(
    v.object({
      provider: v.string(),
      model: v.string(),
      calls: vPerWeek,
      inputTokens: vPerWeek,
      outputTokens: vPerWeek,
      costMicroEur: vPerWeek,
    }),
  ),
  documents: v.array(v.object({ kind: v.string(), counts: vPerWeek, pages: vPerWeek })),
  usdToEur: v.number(),
  /** A metric had more summary rows than weeks in the range (never expected). */
  truncated: v.boolean(),
});

/** One key's numbers per week: its count and each of its sums. */
interface KeySeries {
  key: string;
  counts: number[];
  sums: Record<string, number[]>;
}

/**
 * The metric's summaries over the weeks as one series per key, sorted by key (code units):
 * per week (aligned on `weeks`, oldest first) its count and each of `sumNames`, 0 where the
 * week has no summary or the summary no entry for the key.
 */
async function seriesOf(
  ctx: QueryCtx,
  metric: StatMetric,
  weeks: string[],
  sumNames: readonly string[],
): Promise<{ series: KeySeries[]; truncated: boolean }> {
  const summaries = await ctx.db
    .query("statWeeks")
    .withIndex("by_metric_and_week", (q) =>
      q
        .eq("metric", metric)
        .gte("week", weeks[0]!)
        .lte("week", weeks[weeks.length - 1]!),
    )
    .take(weeks.length + 1);
  const indexOf = new Map(weeks.map((week, i) => [week, i]));
  const zeros = () => weeks.map(() => 0);
  const byKey = new Map<string, KeySeries>();
  for (const summary of summaries) {
    const i = indexOf.get(summary.week);
    if (i === undefined) continue; // not a Monday of the range (never written so)
    for (const entry of summary.entries) {
      let series = byKey.get(entry.key);
      if (!series) {
        series = {
          key: entry.key,
          counts: zeros(),
          sums: Object.fromEntries(sumNames.map((name) => [name, zeros()])),
        };
        byKey.set(entry.key, series);
      }
      series.counts[i]! += entry.count;
      for (const name of sumNames) series.sums[name]![i]! += entry.sums?.[name] ?? 0;
    }
  }
  return {
    series: [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    truncated: summaries.length > weeks.length,
  };
}

/** Splits `a|b` at its first bar (models never hold one; subjects, kinds and stages neither). */
function pair(key: string): [string, string] {
  const at = key.indexOf("|");
  return at < 0 ? [key, ""] : [key.slice(0, at), key.slice(at + 1)];
}

function total(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0);
}

export const dashboard = staffQuery({
  args: {
    /** How many ISO weeks, up to the current one (1 to 26). */
    weeks: v.number(),
    /** The caller's clock (the UI rounds it), so the query stays cacheable. */
    now: v.number(),
  },
  returns: vDashboard,
  handler: async (ctx, args) => {
    if (!Number.isInteger(args.weeks) || args.weeks < 1 || args.weeks > MAX_WEEKS) {
      throw appError(
        "INVALID_ARGUMENT",
        `La période doit compter entre 1 et ${MAX_WEEKS} semaines (reçu : ${args.weeks}).`,
      );
    }
    if (!Number.isFinite(args.now)) throw appError("INVALID_ARGUMENT", "La date est invalide.");
    const weeks = weekStarts(args.now, args.weeks);
    const [bilans, delay, jobs, llm, documents] = await Promise.all([
      seriesOf(ctx, "bilans", weeks, []),
      seriesOf(ctx, "bilanDelay", weeks, ["ms"]),
      seriesOf(ctx, "jobs", weeks, []),
      seriesOf(ctx, "llm", weeks, ["inputTokens", "outputTokens", "costMicroEur"]),
      seriesOf(ctx, "documents", weeks, ["pages"]),
    ]);
    return {
      weeks,
      bilans: bilans.series.map(({ key, counts }) => {
        const [stage, subject] = pair(key);
        return { stage, subject, counts };
      }),
      delay: delay.series.map(({ key, counts, sums }) => ({
        bucket: key,
        count: total(counts),
        totalMs: total(sums.ms!),
      })),
      jobs: jobs.series.map(({ key, counts }) => {
        const [kind, outcome] = pair(key);
        return { kind, outcome, counts };
      }),
      llm: llm.series.map(({ key, counts, sums }) => {
        const [provider, model] = pair(key);
        return {
          provider,
          model,
          calls: counts,
          inputTokens: sums.inputTokens!,
          outputTokens: sums.outputTokens!,
          costMicroEur: sums.costMicroEur!,
        };
      }),
      documents: documents.series.map(({ key, counts, sums }) => ({
        kind: key,
        counts,
        pages: sums.pages!,
      })),
      usdToEur: USD_TO_EUR,
      truncated: [bilans, delay, jobs, llm, documents].some((metric) => metric.truncated),
    };
  },
});

/**
 * Recounts the weekly summaries of one metric from its counter rows, over `weeks` ISO weeks up
 * to the one holding `now` (idempotent: a recount replaces the summary, in one transaction with
 * the rows it reads). For a deployment whose counters predate the summaries, and as a repair:
 * `npx convex run stats:rebuildWeeks '{"metric": "jobs", "weeks": 26, "now": <ms>}'` per metric.
 */
export const rebuildWeeks = internalMutation({
  args: { metric: vStatMetric, weeks: v.number(), now: v.number() },
  returns: v.object({ weeks: v.number(), entries: v.number() }),
  handler: async (ctx, { metric, weeks, now }) => {
    if (!Number.isInteger(weeks) || weeks < 1 || weeks > 53) {
      throw appError("INVALID_ARGUMENT", "Le nombre de semaines doit être entre 1 et 53.");
    }
    let entries = 0;
    for (const week of weekStarts(now, weeks)) {
      const recounted = await recountWeek(ctx, metric, week);
      await writeWeek(ctx, metric, week, recounted);
      entries += recounted.length;
    }
    return { weeks, entries };
  },
});
