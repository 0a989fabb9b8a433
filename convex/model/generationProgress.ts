// Where the writing of a bilan stands, for the pages that wait for it: the active
// `bilan.generate` job (pending or running) of a bilan that is submitted or generating
// (a regeneration included), found through jobs.by_targetId_and_kind_and_createdAt.
// Staff and the assigned coach see the worker's own message and, on a retry, the last
// error (already redacted when stored); the family sees a fixed French label per stage and
// never an error or a worker message.

import { v } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { isStaff, type User } from "./access";
import { requireReadableBilan } from "./bilans";

/** The stages the bilan.generate handler reports (apps/worker/src/handlers/bilan-generate.ts). */
const STAGE_LABELS: Record<string, string> = {
  queued: "En attente de rédaction",
  starting: "Préparation du bilan",
  retrieval: "Recherche dans la base de connaissances",
  generation: "Rédaction de la synthèse",
  saving: "Enregistrement du bilan",
};
const DEFAULT_LABEL = "Préparation du bilan";
const RETRY_LABEL = "Nouvelle tentative de rédaction";

export const vGenerationProgress = v.union(
  v.null(),
  v.object({
    bilanStatus: v.union(v.literal("submitted"), v.literal("generating")),
    /** A new synthesis is being written over an existing one (coach's regeneration). */
    regenerating: v.boolean(),
    /** queued: waiting for a worker; running; retrying: waiting again after a failed attempt. */
    state: v.union(v.literal("queued"), v.literal("running"), v.literal("retrying")),
    stage: v.string(),
    percent: v.union(v.number(), v.null()),
    /** French, for the page. */
    message: v.string(),
    attempt: v.number(),
    updatedAt: v.number(),
    /** Staff and the assigned coach only: why the last attempt failed. */
    lastError: v.optional(v.string()),
  }),
);

const WAITING = ["submitted", "generating"] as const;
type Waiting = (typeof WAITING)[number];

/** The newest pending or running generation job of the bilan (a handful of rows read). */
async function activeGenerationJob(ctx: QueryCtx, bilanId: Id<"bilans">) {
  const jobs = await ctx.db
    .query("jobs")
    .withIndex("by_targetId_and_kind_and_createdAt", (q) =>
      q.eq("target.id", bilanId).eq("kind", "bilan.generate"),
    )
    .order("desc")
    .take(5);
  return jobs.find((job) => job.status === "pending" || job.status === "running") ?? null;
}

export async function generationProgress(ctx: QueryCtx, user: User, bilanId: Id<"bilans">) {
  const bilan = await requireReadableBilan(ctx, user, bilanId);
  if (!WAITING.includes(bilan.status as Waiting)) return null;
  const job = await activeGenerationJob(ctx, bilanId);
  const insider = isStaff(user) || user.role === "coach";
  const state = stateOf(job);
  const stage = state === "running" ? (job?.progress?.stage ?? "starting") : "queued";
  const label = state === "retrying" ? RETRY_LABEL : (STAGE_LABELS[stage] ?? DEFAULT_LABEL);
  const workerMessage = state === "running" ? job?.progress?.message : undefined;
  return {
    bilanStatus: bilan.status as Waiting,
    regenerating: bilan.synthesis !== undefined,
    state,
    stage,
    percent: state === "running" ? (job?.progress?.percent ?? null) : null,
    message: insider && workerMessage ? workerMessage : label,
    attempt: job?.attempts ?? 0,
    updatedAt: job?.updatedAt ?? bilan.updatedAt,
    ...(insider && state === "retrying" && job?.lastError
      ? { lastError: job.lastError.message }
      : {}),
  };
}

function stateOf(job: Doc<"jobs"> | null): "queued" | "running" | "retrying" {
  if (job?.status === "running") return "running";
  if (job && job.attempts > 0 && job.lastError) return "retrying";
  return "queued";
}
