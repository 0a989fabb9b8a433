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

const vDashboard = v.object({
  /** Mondays (Paris) of the weeks, oldest first. */
  weeks: v.array(v.string()),
  bilans: v.array(
    v.object({ week: v.string(), stage: v.string(), subject: v.string(), count: v.number() }),
  ),
  /** Submit → sent histogram over the whole range, and the summed delay for a mean. */
  delay: v.array(v.object({ bucket: v.string(), count: v.number(), totalMs: v.number() })),
  jobs: v.array(
    v.object({ week: v.string(), kind: v.string(), outcome: v.string(), count: v.number() }),
  ),
  llm: v.array(
    v.object({
      week: v.string(),
      provider: v.string(),
      model: v.string(),
      calls: v.number(),
      inputTokens: v.number(),
      outputTokens: v.number(),
      costMicroEur: v.number(),
    }),
  ),
  documents: v.array(
    v.object({ week: v.string(), kind: v.string(), count: v.number(), pages: v.number() }),
  ),
  usdToEur: v.number(),
  /** A metric had more summary rows than weeks in the range (never expected). */
  truncated: v.boolean(),
});

/** The metric's entries over the weeks, one row per (week, key), weeks oldest first. */
async function rowsOf(ctx: QueryCtx, metric: StatMetric, weeks: string[]) {
  const summaries = await ctx.db
    .query("statWeeks")
    .withIndex("by_metric_and_week", (q) =>
      q
        .eq("metric", metric)
        .gte("week", weeks[0]!)
        .lte("week", weeks[weeks.length - 1]!),
    )
    .take(weeks.length + 1);
  return {
    rows: summaries.flatMap((summary) =>
      summary.entries.map((entry) => ({ ...entry, week: summary.week })),
    ),
    truncated: summaries.length > weeks.length,
  };
}

/** Splits `a|b` at its first bar (models never hold one; subjects, kinds and stages neither). */
function pair(key: string): [string, string] {
  const at = key.indexOf("|");
  return at < 0 ? [key, ""] : [key.slice(0, at), key.slice(at + 1)];
}

/** Sums rows sharing `idOf` (the weeks of one histogram bucket), keeping the first row's fields. */
function sumBy<T extends { count: number }>(
  items: T[],
  idOf: (item: T) => string,
  merge: (into: T, item: T) => void,
): T[] {
  const byId = new Map<string, T>();
  for (const item of items) {
    const id = idOf(item);
    const existing = byId.get(id);
    if (existing) merge(existing, item);
    else byId.set(id, { ...item });
  }
  return [...byId.values()];
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
    const [bilans, delay, jobs, llm, documents] = await Promise.all(
      (["bilans", "bilanDelay", "jobs", "llm", "documents"] as const).map((metric) =>
        rowsOf(ctx, metric, weeks),
      ),
    );

    const delayTotals = sumBy(
      delay!.rows.map((row) => ({ bucket: row.key, count: row.count, totalMs: row.sums?.ms ?? 0 })),
      (row) => row.bucket,
      (into, row) => {
        into.count += row.count;
        into.totalMs += row.totalMs;
      },
    );
    return {
      weeks,
      bilans: bilans!.rows.map((row) => {
        const [stage, subject] = pair(row.key);
        return { week: row.week, stage, subject, count: row.count };
      }),
      delay: delayTotals,
      jobs: jobs!.rows.map((row) => {
        const [kind, outcome] = pair(row.key);
        return { week: row.week, kind, outcome, count: row.count };
      }),
      llm: llm!.rows.map((row) => {
        const [provider, model] = pair(row.key);
        return {
          week: row.week,
          provider,
          model,
          calls: row.count,
          inputTokens: row.sums?.inputTokens ?? 0,
          outputTokens: row.sums?.outputTokens ?? 0,
          costMicroEur: row.sums?.costMicroEur ?? 0,
        };
      }),
      documents: documents!.rows.map((row) => ({
        week: row.week,
        kind: row.key,
        count: row.count,
        pages: row.sums?.pages ?? 0,
      })),
      usdToEur: USD_TO_EUR,
      truncated: [bilans, delay, jobs, llm, documents].some((metric) => metric!.truncated),
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
