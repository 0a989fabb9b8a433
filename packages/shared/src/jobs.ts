// Job kinds and their payload schemas. A job may have been queued by older
// code, so the worker parses the payload again at the top of every handler.
import { z } from "zod";
import { formatIssues } from "./zod-fr";

const id = z.string().min(1);

export const jobPayloadSchemas = {
  "bilan.generate": z.object({ bilanId: id, instructions: z.string().max(2000).optional() }),
  "bilan.pdf": z.object({ bilanId: id, final: z.boolean().default(false) }),
  "email.send": z.object({ bilanId: id, pdfVersion: z.number().int().min(1) }),
  "document.ingest": z.object({ documentId: id }),
  "alerts.notify": z.object({ alertId: id }),
  /** The invitation e-mail of one token generation; the worker mints the token at send time. */
  "invitation.send": z.object({ invitationId: id, generation: z.number().int().min(1) }),
  /** ARIA: write the answer of one assistant message (docs/decisions/0008-aria-streaming.md). */
  "aria.answer": z.object({ messageId: id }),
  /** ARIA: summarise an idle conversation into memories about the student. */
  "aria.memory": z.object({ conversationId: id }),
  /** ARIA: a one-page revision sheet (PDF) from an answer. */
  "aria.sheet": z.object({ sheetId: id }),
  /** RGPD: build one person's export ZIP (docs/rgpd.md). */
  "rgpd.export": z.object({ requestId: id }),
  /** RGPD: erase one person in batches, then their Clerk user (docs/rgpd.md). */
  "rgpd.erase": z.object({ requestId: id }),
  /** Retention: prune the local outbox's .eml files for one run (cut-off from its start). */
  "retention.outbox": z.object({ runId: id, startedAt: z.number().int().min(0) }),
  /** The receipt e-mail (with its PDF) of one paid payment. */
  "payment.receipt": z.object({ paymentId: id }),
  /** The booking confirmation e-mail (with its .ics) of one session at one start time. */
  "session.confirm": z.object({ sessionId: id, startsAt: z.number().int() }),
  /** A reminder 24 h or 1 h before a session (skipped when it moved or was cancelled). */
  "session.remind": z.object({
    sessionId: id,
    startsAt: z.number().int(),
    lead: z.enum(["24h", "1h"]),
  }),
  "system.echo": z.object({
    sleepMs: z.number().int().min(0).max(600_000),
    failTimes: z.number().int().min(0).optional(),
    /** Fails every attempt that starts before this time (epoch ms): a failure a retry can end. */
    failUntil: z.number().int().min(0).optional(),
  }),
} as const;

export type JobKind = keyof typeof jobPayloadSchemas;
export const jobKinds = Object.keys(jobPayloadSchemas) as JobKind[];
export const zJobKind = z.enum(jobKinds as [JobKind, ...JobKind[]]);
export type JobPayload<K extends JobKind> = z.output<(typeof jobPayloadSchemas)[K]>;

export const jobStatuses = ["pending", "running", "completed", "failed", "cancelled"] as const;
export const zJobStatus = z.enum(jobStatuses);
export type JobStatus = z.infer<typeof zJobStatus>;

export class JobPayloadError extends Error {
  constructor(
    readonly kind: string,
    readonly issues: string,
  ) {
    super(`Contenu (payload) invalide pour une tâche « ${kind} » :\n${issues}`);
    this.name = "JobPayloadError";
  }
}

/** Validates a payload for its kind; throws JobPayloadError with readable issues. */
export function parseJobPayload<K extends JobKind>(kind: K, payload: unknown): JobPayload<K> {
  const schema = jobPayloadSchemas[kind];
  if (!schema) throw new JobPayloadError(String(kind), "- type de tâche inconnu");
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new JobPayloadError(kind, formatIssues(parsed.error));
  return parsed.data as JobPayload<K>;
}
