// Analytics counters (tables/stats.ts): pure bucket functions and the one writer, `bump`.
// Every counter is bumped by the mutation that makes the event happen, in the same
// transaction, so a counted event is never lost nor counted by a mutation that rolled back:
// - bilans (per ISO week, key `${stage}|${subject}`): created (model/bilans.ts createDraft,
//   seed), submitted (bilans.submit, seed), approved (bilanPipeline approveBilan), failed
//   (bilanPipeline failGeneration), sent (bilanPipeline completeDelivery).
//   "By status" means: how many bilans reached that stage during the week (a transition,
//   not a snapshot of current statuses). `submitted` and `sent` count a bilan once (a bilan
//   is submitted once; `sent` and the delay histogram count its first delivery only, a
//   regenerated bilan sent again is not counted twice); `approved` and `failed` count every
//   occurrence (a regenerated bilan approved again is a second coach decision; a generation
//   that fails, is retried and fails again is two failures).
// - bilanDelay (per ISO week of the first delivery): submittedAt → sentAt in histogram
//   buckets (DELAY_BUCKETS), with the summed milliseconds for a mean.
// - jobs (per day, key `${kind}|${outcome}`): completed (queue completeJob), failed for good
//   and cancelled (jobOutcomes jobFailed / jobCancelled, every terminal path), retried (an
//   attempt that failed or lost its worker and went back to the queue: queue failJob and
//   reclaimExpiredLeases). Each is an event: a job failed for good then retried by staff and
//   completed counts one failure and one completion. A second `complete` of the same job is
//   refused (LEASE_LOST) before anything is counted, so retries never double count.
// - llm (per day, key `${provider}|${model}`): each saved generation (bilanPipeline
//   saveGeneratedSynthesis) with its input and output tokens and an estimated cost in
//   micro-euros, computed when counted from LLM_PRICES (so a price change never rewrites
//   history). Embeddings are not counted.
// - documents (per ISO week, key "new" | "reindex"): a generation activated (ingestion
//   activateGeneration), with its pages.
// Contention: a statCounters row is one (metric, bucket, key), so concurrent events only meet
// on the same day (jobs, LLM) or week (bilans, documents) and the same dimension. Every bump
// also adds to the week's summary row (statWeeks, one per metric and ISO week: what the
// dashboard reads), where all the week's events of a metric meet; at a centre's rate (a few
// events a minute) Convex retries the rare conflicting transaction.
import type { Doc } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";

export type StatMetric = Doc<"statCounters">["metric"];
export type StatPeriod = "day" | "week";

export const STATS_TIME_ZONE = "Europe/Paris";

/** The bucket width of each metric: a day for frequent events, a week for the others. */
export const METRIC_PERIOD: Record<StatMetric, StatPeriod> = {
  bilans: "week",
  bilanDelay: "week",
  jobs: "day",
  llm: "day",
  documents: "week",
};

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

const parisDateParts = new Intl.DateTimeFormat("en-GB", {
  timeZone: STATS_TIME_ZONE,
  year: "numeric",
  month: "numeric",
  day: "numeric",
});

function isoDate(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

function dayNumberOf(date: string): number {
  const [year, month, day] = date.split("-").map(Number);
  return Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1) / DAY_MS;
}

/** The calendar date in Paris of an instant, "YYYY-MM-DD". */
export function parisDate(epochMs: number): string {
  const parts: Record<string, number> = {};
  for (const part of parisDateParts.formatToParts(new Date(epochMs))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const { year = 1970, month = 1, day = 1 } = parts;
  return isoDate(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** `date` moved by `days` calendar days. */
export function addDays(date: string, days: number): string {
  return isoDate(dayNumberOf(date) + days);
}

/** The Monday of the ISO week holding `date` (both "YYYY-MM-DD"). */
export function mondayOf(date: string): string {
  const dayNumber = dayNumberOf(date);
  // 1970-01-01 was a Thursday: Monday = 0 … Sunday = 6.
  const weekday = (((dayNumber + 3) % 7) + 7) % 7;
  return isoDate(dayNumber - weekday);
}

/** The Monday (Paris) of the ISO week holding an instant. */
export function parisWeek(epochMs: number): string {
  return mondayOf(parisDate(epochMs));
}

export function bucketFor(metric: StatMetric, epochMs: number): string {
  return METRIC_PERIOD[metric] === "day" ? parisDate(epochMs) : parisWeek(epochMs);
}

/** The Mondays of the last `weeks` ISO weeks up to the one holding `nowMs`, oldest first. */
export function weekStarts(nowMs: number, weeks: number): string[] {
  const current = parisWeek(nowMs);
  return Array.from({ length: weeks }, (_, index) => addDays(current, (index - weeks + 1) * 7));
}

/** Stages a bilan is counted at (see the header for what each one means). */
export const BILAN_STAGES = ["created", "submitted", "approved", "sent", "failed"] as const;
export type BilanStage = (typeof BILAN_STAGES)[number];

/** Submit → sent histogram: upper bounds (exclusive), the last one open. */
export const DELAY_BUCKETS = [
  { id: "lt1h", maxMs: HOUR_MS },
  { id: "1to4h", maxMs: 4 * HOUR_MS },
  { id: "4to24h", maxMs: 24 * HOUR_MS },
  { id: "1to3d", maxMs: 3 * DAY_MS },
  { id: "gt3d", maxMs: Number.POSITIVE_INFINITY },
] as const;
export type DelayBucket = (typeof DELAY_BUCKETS)[number]["id"];

export function delayBucket(delayMs: number): DelayBucket {
  const found = DELAY_BUCKETS.find((bucket) => Math.max(0, delayMs) < bucket.maxMs);
  return found ? found.id : "gt3d";
}

export const JOB_OUTCOMES = ["completed", "failed", "retried", "cancelled"] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];

/**
 * Estimated LLM prices, in US dollars per million tokens (the providers' public list prices
 * for these models, late 2025), converted at USD_TO_EUR. An estimate for the dashboard, not
 * an invoice: no cached-input discount, no batch price, no VAT. A model missing here is
 * priced as its provider's default model; the local writer costs nothing.
 */
export const USD_TO_EUR = 0.92;
export const LLM_PRICES_USD_PER_MILLION: Record<string, { input: number; output: number }> = {
  "openai|gpt-4o-mini": { input: 0.15, output: 0.6 },
  "openai|gpt-4o": { input: 2.5, output: 10 },
  "openai|gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "openai|gpt-4.1": { input: 2, output: 8 },
  "anthropic|claude-sonnet-4-5": { input: 3, output: 15 },
  "anthropic|claude-haiku-4-5": { input: 1, output: 5 },
  "anthropic|claude-opus-4-1": { input: 15, output: 75 },
};
const PROVIDER_DEFAULT_MODEL: Record<string, string> = {
  openai: "gpt-4o-mini",
  anthropic: "claude-sonnet-4-5",
};

/** Estimated cost of one call in micro-euros (integer), 0 for the local writer. */
export function llmCostMicroEur(
  provider: string,
  model: string,
  inputTokens: number,
  outputTokens: number,
): number {
  const price =
    LLM_PRICES_USD_PER_MILLION[`${provider}|${model}`] ??
    LLM_PRICES_USD_PER_MILLION[`${provider}|${PROVIDER_DEFAULT_MODEL[provider] ?? ""}`];
  if (!price) return 0;
  // tokens / 1e6 × $ per million × rate × 1e6 µ€ = tokens × $ × rate.
  return Math.round((inputTokens * price.input + outputTokens * price.output) * USD_TO_EUR);
}

export interface WeekEntry {
  key: string;
  count: number;
  sums?: Record<string, number>;
}

/** `entry` with `count` and `sums` added (a new object; sums only when either side has some). */
function addTo(
  entry: WeekEntry | undefined,
  key: string,
  count: number,
  sums: Record<string, number> | undefined,
): WeekEntry {
  const total: Record<string, number> = { ...(entry?.sums ?? {}) };
  for (const [name, value] of Object.entries(sums ?? {})) total[name] = (total[name] ?? 0) + value;
  const hasSums = entry?.sums !== undefined || sums !== undefined;
  return { key, count: (entry?.count ?? 0) + count, ...(hasSums ? { sums: total } : {}) };
}

/** Adds to one key of a week's entries (kept sorted by key). */
export function addToEntries(
  entries: readonly WeekEntry[],
  key: string,
  count: number,
  sums?: Record<string, number>,
): WeekEntry[] {
  const at = entries.findIndex((entry) => entry.key === key);
  if (at >= 0)
    return entries.map((entry, i) => (i === at ? addTo(entry, key, count, sums) : entry));
  return [...entries, addTo(undefined, key, count, sums)].sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
  );
}

/** Days of a week, or the week itself, as statCounters buckets of `metric` (first, last). */
export function bucketRangeOfWeek(metric: StatMetric, week: string): [string, string] {
  return [week, METRIC_PERIOD[metric] === "day" ? addDays(week, 6) : week];
}

/** Rows of statCounters a week holds at most (7 days × keys); a recount beyond it refuses. */
export const MAX_COUNTER_ROWS_PER_WEEK = 4_000;

/** A week's entries recounted from its statCounters rows (the source of truth). */
export async function recountWeek(
  ctx: QueryCtx,
  metric: StatMetric,
  week: string,
): Promise<WeekEntry[]> {
  const [first, last] = bucketRangeOfWeek(metric, week);
  const rows = await ctx.db
    .query("statCounters")
    .withIndex("by_metric_and_bucket_and_key", (q) =>
      q.eq("metric", metric).gte("bucket", first).lte("bucket", last),
    )
    .take(MAX_COUNTER_ROWS_PER_WEEK + 1);
  if (rows.length > MAX_COUNTER_ROWS_PER_WEEK) {
    throw new Error(
      `statCounters: more than ${MAX_COUNTER_ROWS_PER_WEEK} rows in ${metric} ${week}`,
    );
  }
  let entries: WeekEntry[] = [];
  for (const row of rows) entries = addToEntries(entries, row.key, row.count, row.sums);
  return entries;
}

/**
 * Recounts every metric's summaries over the last `weeks` weeks from the counter rows (the seed
 * runs it at each `bun run dev`, so a data folder whose counters predate the summaries shows
 * them). Reads every counter row of the period: ~5,000 for a centre's 26 weeks.
 */
export async function recountRecentWeeks(ctx: MutationCtx, now: number, weeks = 26): Promise<void> {
  for (const metric of Object.keys(METRIC_PERIOD) as StatMetric[]) {
    for (const week of weekStarts(now, weeks)) {
      await writeWeek(ctx, metric, week, await recountWeek(ctx, metric, week));
    }
  }
}

async function weekRow(ctx: QueryCtx, metric: StatMetric, week: string) {
  return await ctx.db
    .query("statWeeks")
    .withIndex("by_metric_and_week", (q) => q.eq("metric", metric).eq("week", week))
    .unique();
}

/** Writes a week's summary row (inserted, replaced, or deleted when it has no entry). */
export async function writeWeek(
  ctx: MutationCtx,
  metric: StatMetric,
  week: string,
  entries: WeekEntry[],
): Promise<void> {
  const row = await weekRow(ctx, metric, week);
  const now = Date.now();
  if (row && entries.length === 0) await ctx.db.delete(row._id);
  else if (row) await ctx.db.patch(row._id, { entries, updatedAt: now });
  else if (entries.length > 0)
    await ctx.db.insert("statWeeks", { metric, week, entries, updatedAt: now });
}

/**
 * Adds `count` (default 1) and `sums` to the counter row of (metric, bucket of `at`, key), and
 * to the key's entry in the week's summary row: two indexed reads and two writes.
 */
export async function bump(
  ctx: MutationCtx,
  metric: StatMetric,
  at: number,
  key: string,
  options: { count?: number; sums?: Record<string, number> } = {},
): Promise<void> {
  const bucket = bucketFor(metric, at);
  const count = options.count ?? 1;
  const now = Date.now();
  const row = await ctx.db
    .query("statCounters")
    .withIndex("by_metric_and_bucket_and_key", (q) =>
      q.eq("metric", metric).eq("bucket", bucket).eq("key", key),
    )
    .unique();
  if (!row) {
    await ctx.db.insert("statCounters", {
      metric,
      bucket,
      key,
      count,
      ...(options.sums ? { sums: options.sums } : {}),
      updatedAt: now,
    });
  } else {
    const sums = { ...(row.sums ?? {}) };
    for (const [name, value] of Object.entries(options.sums ?? {})) {
      sums[name] = (sums[name] ?? 0) + value;
    }
    await ctx.db.patch(row._id, {
      count: row.count + count,
      ...(options.sums ? { sums } : {}),
      updatedAt: now,
    });
  }
  const week = mondayOf(bucket);
  const summary = await weekRow(ctx, metric, week);
  await writeWeek(
    ctx,
    metric,
    week,
    addToEntries(summary?.entries ?? [], key, count, options.sums),
  );
}

// --- the hooks the mutations call (one line each) -------------------------------------

export async function countBilanStage(
  ctx: MutationCtx,
  bilan: Pick<Doc<"bilans">, "subject">,
  stage: BilanStage,
  at: number,
): Promise<void> {
  await bump(ctx, "bilans", at, `${stage}|${bilan.subject}`);
}

/** A bilan delivered: `sent` and the submit → sent histogram, its first delivery only. */
export async function countBilanDelivery(
  ctx: MutationCtx,
  bilan: Pick<Doc<"bilans">, "subject" | "sentAt" | "submittedAt">,
  sentAt: number,
): Promise<void> {
  if (bilan.sentAt !== undefined) return;
  await countBilanStage(ctx, bilan, "sent", sentAt);
  if (bilan.submittedAt === undefined) return;
  const delayMs = Math.max(0, sentAt - bilan.submittedAt);
  await bump(ctx, "bilanDelay", sentAt, delayBucket(delayMs), { sums: { ms: delayMs } });
}

export async function countJobOutcome(
  ctx: MutationCtx,
  job: Pick<Doc<"jobs">, "kind">,
  outcome: JobOutcome,
  at: number = Date.now(),
): Promise<void> {
  await bump(ctx, "jobs", at, `${job.kind}|${outcome}`);
}

export async function countGeneration(
  ctx: MutationCtx,
  meta: { provider: string; model: string; inputTokens: number; outputTokens: number },
  at: number,
): Promise<void> {
  await bump(ctx, "llm", at, `${meta.provider}|${meta.model}`, {
    sums: {
      inputTokens: meta.inputTokens,
      outputTokens: meta.outputTokens,
      costMicroEur: llmCostMicroEur(meta.provider, meta.model, meta.inputTokens, meta.outputTokens),
    },
  });
}

export async function countDocumentIndexed(
  ctx: MutationCtx,
  document: Pick<Doc<"documents">, "activeGeneration">,
  pages: number,
  at: number,
): Promise<void> {
  const key = document.activeGeneration === undefined ? "new" : "reindex";
  await bump(ctx, "documents", at, key, { sums: { pages } });
}
