// The staff console's analytics (/admin/statistiques), served from the counters that the
// mutations keep (model/stats.ts): one indexed range read per metric over the requested
// weeks, never a scan of bilans, jobs or documents. Daily counters are summed into their
// ISO week here, so every series shares the same weeks.
import { v } from "convex/values";
import type { QueryCtx } from "./_generated/server";
import { appError } from "./lib/errors";
import { staffQuery } from "./lib/functions";
import {
  addDays,
  METRIC_PERIOD,
  mondayOf,
  type StatMetric,
  USD_TO_EUR,
  weekStarts,
} from "./model/stats";

export const MAX_WEEKS = 26;
/** Rows read per metric at most (26 weeks × 7 days × 6 job kinds × 4 outcomes < 4 400). */
export const MAX_ROWS_PER_METRIC = 5_000;

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
  /** A metric had more rows than MAX_ROWS_PER_METRIC in the range (never expected). */
  truncated: v.boolean(),
});

async function rowsOf(ctx: QueryCtx, metric: StatMetric, weeks: string[]) {
  const first = weeks[0]!;
  const lastWeek = weeks[weeks.length - 1]!;
  const last = METRIC_PERIOD[metric] === "day" ? addDays(lastWeek, 6) : lastWeek;
  const rows = await ctx.db
    .query("statCounters")
    .withIndex("by_metric_and_bucket_and_key", (q) =>
      q.eq("metric", metric).gte("bucket", first).lte("bucket", last),
    )
    .take(MAX_ROWS_PER_METRIC);
  return {
    rows: rows.map((row) => ({ ...row, week: mondayOf(row.bucket) })),
    truncated: rows.length === MAX_ROWS_PER_METRIC,
  };
}

/** Splits `a|b` at its first bar (models never hold one; subjects, kinds and stages neither). */
function pair(key: string): [string, string] {
  const at = key.indexOf("|");
  return at < 0 ? [key, ""] : [key.slice(0, at), key.slice(at + 1)];
}

/** Sums rows sharing `idOf` (daily rows of one week), keeping the first row's fields. */
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
    const jobWeeks = sumBy(
      jobs!.rows.map((row) => {
        const [kind, outcome] = pair(row.key);
        return { week: row.week, kind, outcome, count: row.count };
      }),
      (row) => `${row.week}|${row.kind}|${row.outcome}`,
      (into, row) => {
        into.count += row.count;
      },
    );
    const llmWeeks = sumBy(
      llm!.rows.map((row) => {
        const [provider, model] = pair(row.key);
        return {
          week: row.week,
          provider,
          model,
          count: row.count,
          inputTokens: row.sums?.inputTokens ?? 0,
          outputTokens: row.sums?.outputTokens ?? 0,
          costMicroEur: row.sums?.costMicroEur ?? 0,
        };
      }),
      (row) => `${row.week}|${row.provider}|${row.model}`,
      (into, row) => {
        into.count += row.count;
        into.inputTokens += row.inputTokens;
        into.outputTokens += row.outputTokens;
        into.costMicroEur += row.costMicroEur;
      },
    );

    return {
      weeks,
      bilans: bilans!.rows.map((row) => {
        const [stage, subject] = pair(row.key);
        return { week: row.week, stage, subject, count: row.count };
      }),
      delay: delayTotals,
      jobs: jobWeeks,
      llm: llmWeeks.map(({ count, ...row }) => ({ ...row, calls: count })),
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
