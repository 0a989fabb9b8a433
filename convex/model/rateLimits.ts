// Per-person limits on costly work: every call a person makes that starts LLM or embedding
// work consumes a token from a bucket here first, so one account (or a script using its
// API key) cannot run up the bill or hold the LLM budget that every family shares
// (model/llmBudget.ts is global; these buckets are per user, per student, per bilan).
//
// Token buckets (convex-helpers' table-based limiter, table `rateLimits`): a bucket holds at
// most `capacity` tokens and refills continuously at `rate` per `period`; an empty bucket
// refuses with RATE_LIMITED, a French message saying when to retry and `retryAfterMs`.
//
// Who is limited how:
// - élève submitting a bilan: bilanSubmitsPerStudent, then generationsPerUser;
// - coach regenerating: regenerationsPerBilan, then generationsPerUser;
// - families and coaches searching the knowledge base: searchesPerUser, taken before the
//   embedding call;
// - coach uploading (token taken with the upload URL) or re-indexing a document:
//   indexingsPerUser;
// - staff (admin, assistante): exempt from the per-student and per-bilan limits (they
//   submit on paper answers' behalf and regenerate deliberately, e.g. after a provider
//   incident), but every search, generation or indexing they start — search, submit,
//   regeneration, jobs.enqueue, jobs.reprocess, uploads — counts against generous per-person
//   buckets (searchesPerStaff, generationsPerStaff, indexingsPerStaff), sized for scripts
//   and the CLI, so a runaway script or a leaked staff key is bounded too. Retrying
//   a failed job (jobs.retry) is not limited: it re-runs work that was already admitted.
// - staff inviting someone or resending an invitation (an e-mail to an outside address):
//   invitationsPerStaff.
// - an élève asking ARIA for a revision sheet (a PDF the worker renders): ariaSheetsPerUser.
// The worker is never limited here (it only does admitted work; llmBudget paces it).
//
// In a mutation the token is taken before any other write, and a refusal throws, so the
// transaction writes nothing at all; when a later check of the same mutation fails, the token
// is given back with the rollback. In an action (knowledge.search) the token is taken by an
// internal mutation before the work starts and is not refunded if the work then fails.
//
// Must not: read or write any other table, or be called from a query (it writes).

import { formatRetryWhenFr } from "@nexus/shared/french-time";
import type { JobKind } from "@nexus/shared/jobs";
import type { GenericDatabaseWriter } from "convex/server";
import {
  defineRateLimits,
  type RateLimitDataModel,
  type TokenBucketRateLimit,
} from "convex-helpers/server/rateLimit";
import type { Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { isStaff, type User } from "./access";

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Every limit, in one place. Changing a value takes effect on each bucket's next call. */
export const RATE_LIMITS = {
  /**
   * Bilans submitted per student (key: studentId), 3 a day, one token back every 8 h. A
   * questionnaire takes 20 to 40 minutes and a student has a few subjects to assess: 3 covers
   * a busy day, while a draft → submit loop costs at most 3 generations a day.
   */
  bilanSubmitsPerStudent: { kind: "token bucket", rate: 3, period: DAY, capacity: 3 },
  /**
   * Knowledge searches per person (key: userId), 10 a minute. Someone reading results
   * refines a query every few seconds at most; a script gets 10 embedding calls a minute
   * instead of 15 a second.
   */
  searchesPerUser: { kind: "token bucket", rate: 10, period: MINUTE, capacity: 10 },
  /**
   * The same for staff, who also search from the CLI and scripts (e.g. checking what the
   * worker's retrieval sees while a document is re-indexed): 10 a second sustained, bursts of
   * 300. A short query's embedding is cheap; this only bounds a runaway script.
   */
  searchesPerStaff: { kind: "token bucket", rate: 600, period: MINUTE, capacity: 300 },
  /**
   * Regenerations per bilan (key: bilanId), 3 a day. A coach regenerates when a synthesis
   * misses the point; past 3 attempts, editing the synthesis by hand is the better tool.
   */
  regenerationsPerBilan: { kind: "token bucket", rate: 3, period: DAY, capacity: 3 },
  /**
   * Fairness: bilan generations one person (not staff) may start (key: userId), 10 an hour.
   * With the default shared budget (LLM_RPM 60, 4 concurrent calls) the worker writes a few
   * hundred bilans an hour: one account gets a small share, while a coach regenerating a
   * handful of bilans in a review session stays well under it.
   */
  generationsPerUser: { kind: "token bucket", rate: 10, period: HOUR, capacity: 10 },
  /**
   * The same for staff, generous: 60 an hour, enough to reprocess a class (about 30 bilans)
   * at once after a provider incident, but a runaway script or leaked key stays bounded.
   */
  generationsPerStaff: { kind: "token bucket", rate: 60, period: HOUR, capacity: 60 },
  /**
   * Documents a coach may upload or re-index (key: userId), 30 an hour: each is OCR plus
   * embeddings of every chunk. A coach adds a few copies or fiches per student.
   */
  indexingsPerUser: { kind: "token bucket", rate: 30, period: HOUR, capacity: 30 },
  /**
   * The same for staff: 200 an hour in bursts of up to 100, for loading a whole library of
   * fiches at once (the 21 starter documents are seeded by the worker, not counted).
   */
  indexingsPerStaff: { kind: "token bucket", rate: 200, period: HOUR, capacity: 100 },
  /**
   * Invitation e-mails a staff member may send, new or resent (key: userId): 60 an hour in
   * bursts of 30, enough to invite a whole class's families at the start of the year, while a
   * runaway script or leaked key cannot flood strangers' inboxes (and the sender's reputation).
   */
  invitationsPerStaff: { kind: "token bucket", rate: 60, period: HOUR, capacity: 30 },
  /**
   * Payments a person reserves or starts online (key: userId), 20 an hour in bursts of 10: a
   * family buys a pack or two; a loop cannot fill the assistante's list or open many checkouts.
   */
  paymentsPerUser: { kind: "token bucket", rate: 20, period: HOUR, capacity: 10 },
  /**
   * Bookings, cancellations and reschedules a person makes (key: userId), 60 an hour in bursts
   * of 20: a family books a term in one sitting; a script cannot churn the coaches' agendas.
   */
  bookingsPerUser: { kind: "token bucket", rate: 60, period: HOUR, capacity: 20 },
  /**
   * Personal-data requests (export or erasure) a person makes (key: userId), 5 a day: an
   * export is a whole ZIP built by the worker; a family asks once or twice a year.
   */
  rgpdRequestsPerUser: { kind: "token bucket", rate: 5, period: DAY, capacity: 5 },
  /**
   * ARIA revision sheets an élève asks for (key: userId), 20 an hour in bursts of 10: one PDF
   * per answer worth keeping; a loop over a long conversation cannot keep the worker busy.
   */
  ariaSheetsPerUser: { kind: "token bucket", rate: 20, period: HOUR, capacity: 10 },
} as const satisfies Record<string, TokenBucketRateLimit>;

export type RateLimitName = keyof typeof RATE_LIMITS;

/** What each refusal says, before « : réessayez … ». */
const REFUSALS: Record<RateLimitName, string> = {
  bilanSubmitsPerStudent: "Trop de bilans soumis pour cet élève",
  searchesPerUser: "Trop de recherches",
  searchesPerStaff: "Trop de recherches",
  regenerationsPerBilan: "Ce bilan a déjà été régénéré plusieurs fois",
  generationsPerUser: "Trop de générations de bilans demandées depuis votre compte",
  generationsPerStaff: "Trop de générations de bilans demandées depuis votre compte",
  indexingsPerUser: "Trop de documents envoyés ou réindexés depuis votre compte",
  indexingsPerStaff: "Trop de documents envoyés ou réindexés depuis votre compte",
  invitationsPerStaff: "Trop d'invitations envoyées depuis votre compte",
  paymentsPerUser: "Trop de paiements commencés depuis votre compte",
  bookingsPerUser: "Trop de réservations ou d’annulations depuis votre compte",
  rgpdRequestsPerUser: "Trop de demandes sur les données personnelles depuis votre compte",
  ariaSheetsPerUser: "Trop de fiches demandées depuis ton compte",
};

const limiter = defineRateLimits(RATE_LIMITS);

/** The French refusal, e.g. « Trop de recherches : réessayez dans 6 secondes. » */
export function refusalMessage(name: RateLimitName, now: number, retryAt: number): string {
  return `${REFUSALS[name]} : réessayez ${formatRetryWhenFr(now, retryAt)}.`;
}

/** Takes one token from the (name, key) bucket, or throws RATE_LIMITED (writing nothing). */
export async function consume(ctx: MutationCtx, name: RateLimitName, key: string): Promise<void> {
  // Our DataModel includes the helper's table; the helper types its own narrower model.
  const db = ctx.db as unknown as GenericDatabaseWriter<RateLimitDataModel>;
  const { ok, retryAt } = await limiter.rateLimit({ db }, { name, key });
  if (ok) return;
  const now = Date.now();
  const at = retryAt ?? now;
  // One millisecond past the refill time: the bucket arithmetic is in floating point, and a
  // retry at exactly `retryAt` may still fall short by a rounding error.
  throw appError("RATE_LIMITED", refusalMessage(name, now, at), {
    retryAfterMs: Math.max(0, Math.ceil(at - now)) + 1,
  });
}

/** One more bilan generation started by `user` (fairness across accounts). */
export async function limitGeneration(ctx: MutationCtx, user: User): Promise<void> {
  await consume(ctx, isStaff(user) ? "generationsPerStaff" : "generationsPerUser", user._id);
}

/** One more document upload or re-index by `user` (OCR and embeddings). */
export async function limitIndexing(ctx: MutationCtx, user: User): Promise<void> {
  await consume(ctx, isStaff(user) ? "indexingsPerStaff" : "indexingsPerUser", user._id);
}

/** bilans.submit: per student (staff exempt), then the submitter's generation share. */
export async function limitBilanSubmit(
  ctx: MutationCtx,
  user: User,
  studentId: Id<"students">,
): Promise<void> {
  if (!isStaff(user)) await consume(ctx, "bilanSubmitsPerStudent", studentId);
  await limitGeneration(ctx, user);
}

/** review.requestRegeneration: per bilan (staff exempt), then the reviewer's generation share. */
export async function limitRegeneration(
  ctx: MutationCtx,
  user: User,
  bilanId: Id<"bilans">,
): Promise<void> {
  if (!isStaff(user)) await consume(ctx, "regenerationsPerBilan", bilanId);
  await limitGeneration(ctx, user);
}

/** knowledge.search: one embedding call. */
export async function limitSearch(ctx: MutationCtx, user: User): Promise<void> {
  await consume(ctx, isStaff(user) ? "searchesPerStaff" : "searchesPerUser", user._id);
}

/** invitations.create and invitations.resend: one more invitation e-mail (staff only). */
export async function limitInvitation(ctx: MutationCtx, user: User): Promise<void> {
  await consume(ctx, "invitationsPerStaff", user._id);
}

/** A job a person enqueues by kind (jobs.enqueue, jobs.reprocess): only costly kinds count. */
export async function limitJob(ctx: MutationCtx, user: User, kind: JobKind): Promise<void> {
  if (kind === "bilan.generate") await limitGeneration(ctx, user);
  else if (kind === "document.ingest") await limitIndexing(ctx, user);
}
