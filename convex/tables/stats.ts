// Analytics counters for the staff console (/admin/statistiques). Written only by
// model/stats.ts `bump`, called in the same mutation as the event it counts (a bilan
// submitted, a job completed, a synthesis generated, a document indexed…); read only by
// stats.dashboard through the index, one bounded range per metric. Never rebuilt by
// scanning the tables they describe.
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
};
