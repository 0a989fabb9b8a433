// Analytics counters for the staff console (/admin/statistiques). Written only by
// model/stats.ts `bump`, called in the same mutation as the event it counts (a bilan
// submitted, a job completed, a synthesis generated, a document indexed…). `statCounters`
// holds one row per (metric, day or week, key), the source of truth; `statWeeks` one row per
// (metric, ISO week) with every key's total, bumped in the same mutation, so stats.dashboard
// reads at most 26 rows per metric (it read ~4,000 daily rows at a centre's scale).
// `statWeeks` can be recounted from `statCounters` (stats.rebuildWeeks); neither is ever
// rebuilt by scanning the tables they describe.
import { defineTable } from "convex/server";
import { v } from "convex/values";

export const vStatMetric = v.union(
  /** Per ISO week (Paris): a bilan reaching a stage; key `${stage}|${subject}`. */
  v.literal("bilans"),
  /** Per ISO week of sending: submit → first delivery, key = histogram bucket; sums.ms. */
  v.literal("bilanDelay"),
  /** Per day (Paris): a job's outcome; key `${kind}|${outcome}`. */
  v.literal("jobs"),
  /** Per day: generations, key `${provider}|${model}`; sums inputTokens, outputTokens, costMicroEur. */
  v.literal("llm"),
  /** Per ISO week: a document becoming searchable, key "new" | "reindex"; sums.pages. */
  v.literal("documents"),
);

export const statTables = {
  statCounters: defineTable({
    metric: vStatMetric,
    /** Paris calendar date "YYYY-MM-DD": the day, or the Monday of the ISO week (per metric). */
    bucket: v.string(),
    /** The dimension inside the metric (stage and subject, job kind and outcome, provider…). */
    key: v.string(),
    count: v.number(),
    /** Additive totals beside the count (tokens, milliseconds, pages…). */
    sums: v.optional(v.record(v.string(), v.number())),
    updatedAt: v.number(),
  }).index("by_metric_and_bucket_and_key", ["metric", "bucket", "key"]),
  statWeeks: defineTable({
    metric: vStatMetric,
    /** Paris calendar date "YYYY-MM-DD" of the ISO week's Monday. */
    week: v.string(),
    /** Each key's total over the week (the sum of its statCounters rows), sorted by key. */
    entries: v.array(
      v.object({
        key: v.string(),
        count: v.number(),
        sums: v.optional(v.record(v.string(), v.number())),
      }),
    ),
    updatedAt: v.number(),
  }).index("by_metric_and_week", ["metric", "week"]),
};
