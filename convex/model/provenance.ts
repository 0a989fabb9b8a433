// Provenance: what happened to a bilan or a document, step by step, each step naming the job
// that did it and the artefact it produced. Everything is read from rows the pipeline writes
// anyway (jobs by target, bilanRevisions with their run, bilanReports, emails, audit entries,
// documentPages, bilanCitations), by index and bounded: nothing here scans a table.
// Bilans: staff and the student's assigned coaches (requireReviewableBilan); documents: staff.

import { type Infer, v } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { vRetrievedSource } from "../tables/bilans";
import { vBilanStatus, vDocumentStatus, vEmailStatus, vJobStatus, vSubject } from "../validators";
import { isStaff, type User } from "./access";
import { requireReviewableBilan } from "./review";

/** Rows read per source of a timeline (jobs of one kind, revisions, PDFs, e-mails, audit). */
export const TIMELINE_SOURCE_LIMIT = 50;
/** Page rows returned with a document's timeline (the rest: `morePages`). */
export const DOCUMENT_PAGES_LIMIT = 300;
/** Citing bilans returned with a document's timeline, most recent first. */
export const CITING_BILANS_LIMIT = 50;
/** Characters of a chunk shown in the paginated chunk list. */
export const CHUNK_EXCERPT_CHARS = 400;

const vJobRef = v.optional(v.id("jobs"));

/** One step of a bilan's timeline. `at` orders them; `jobId` and the artefact fields link them. */
export const vBilanStep = v.union(
  v.object({ kind: v.literal("submitted"), at: v.number(), jobId: vJobRef }),
  v.object({
    kind: v.literal("generation"),
    at: v.number(),
    jobId: vJobRef,
    status: vJobStatus,
    /** The synthesis version the run produced (none when the run produced nothing). */
    synthesisVersion: v.optional(v.number()),
    provider: v.optional(v.string()),
    model: v.optional(v.string()),
    promptVersion: v.optional(v.string()),
    durationMs: v.optional(v.number()),
    inputTokens: v.optional(v.number()),
    outputTokens: v.optional(v.number()),
    /** Passages retrieved for the run (absent when not recorded, e.g. before provenance). */
    retrieved: v.optional(v.array(vRetrievedSource)),
    /** Distinct passages the synthesis cites. */
    cited: v.optional(v.number()),
    error: v.optional(v.string()),
  }),
  v.object({
    kind: v.literal("edit"),
    at: v.number(),
    synthesisVersion: v.optional(v.number()),
    authorName: v.optional(v.string()),
  }),
  v.object({
    kind: v.literal("regenerationRequest"),
    at: v.number(),
    jobId: vJobRef,
    actorName: v.optional(v.string()),
    instructions: v.optional(v.string()),
  }),
  v.object({
    kind: v.literal("approval"),
    at: v.number(),
    actorName: v.optional(v.string()),
    coachNote: v.optional(v.string()),
  }),
  v.object({
    kind: v.literal("pdf"),
    at: v.number(),
    jobId: vJobRef,
    version: v.number(),
    final: v.boolean(),
    size: v.number(),
    /** The bilan's current report (the only version whose file is still kept). */
    current: v.boolean(),
  }),
  v.object({
    kind: v.literal("email"),
    at: v.number(),
    jobId: vJobRef,
    emailId: v.id("emails"),
    to: v.string(),
    recipientName: v.optional(v.string()),
    status: vEmailStatus,
    pdfVersion: v.optional(v.number()),
    error: v.optional(v.string()),
  }),
);
export type BilanStep = Infer<typeof vBilanStep>;

export const vBilanTimeline = v.object({
  bilan: v.object({
    _id: v.id("bilans"),
    status: vBilanStatus,
    subject: vSubject,
    studentName: v.string(),
    createdAt: v.number(),
  }),
  /** Whether the caller may open job pages (staff); coaches see the steps without those links. */
  canOpenJobs: v.boolean(),
  steps: v.array(vBilanStep),
});

/** Same-time steps keep the pipeline's order. */
const STEP_RANK: Record<BilanStep["kind"], number> = {
  submitted: 0,
  regenerationRequest: 1,
  generation: 2,
  edit: 3,
  approval: 4,
  pdf: 5,
  email: 6,
};

export function orderSteps<S extends { kind: BilanStep["kind"]; at: number }>(steps: S[]): S[] {
  return [...steps].sort((a, b) => a.at - b.at || STEP_RANK[a.kind] - STEP_RANK[b.kind]);
}

async function jobsOf(ctx: QueryCtx, targetId: string, kind: Doc<"jobs">["kind"]) {
  return await ctx.db
    .query("jobs")
    .withIndex("by_targetId_and_kind_and_createdAt", (q) =>
      q.eq("target.id", targetId).eq("kind", kind),
    )
    .take(TIMELINE_SOURCE_LIMIT);
}

/** Names of users, each read once. */
async function namesOf(ctx: QueryCtx, ids: (Id<"users"> | undefined)[]) {
  const names = new Map<Id<"users">, string>();
  for (const id of ids) {
    if (id === undefined || names.has(id)) continue;
    const user = await ctx.db.get(id);
    if (user) names.set(id, user.name);
  }
  return (id: Id<"users"> | undefined) => (id ? names.get(id) : undefined);
}

function citedPassages(synthesis: Doc<"bilanRevisions">["synthesis"]): number {
  return new Set(synthesis.recommendations.flatMap((r) => r.sources.map((s) => s.chunkId))).size;
}

/** The ordered provenance of a bilan, for staff and the student's assigned coaches. */
export async function bilanTimeline(
  ctx: QueryCtx,
  user: User,
  bilanId: Id<"bilans">,
): Promise<Infer<typeof vBilanTimeline>> {
  const bilan = await requireReviewableBilan(ctx, user, bilanId);
  const student = await ctx.db.get(bilan.studentId);
  const steps: BilanStep[] = [];

  const generationJobs = await jobsOf(ctx, bilanId, "bilan.generate");
  const pdfJobs = await jobsOf(ctx, bilanId, "bilan.pdf");
  const emailJobs = await jobsOf(ctx, bilanId, "email.send");

  if (bilan.submittedAt !== undefined) {
    // The submit enqueued the first generation job (idempotency key `…:submit`).
    const first = generationJobs.find((job) => job.idempotencyKey?.endsWith(":submit"));
    steps.push({ kind: "submitted", at: bilan.submittedAt, jobId: first?._id });
  }

  const revisions = await ctx.db
    .query("bilanRevisions")
    .withIndex("by_bilanId_and_createdAt", (q) => q.eq("bilanId", bilanId))
    .take(TIMELINE_SOURCE_LIMIT);
  const audits = await ctx.db
    .query("auditLogs")
    .withIndex("by_targetTable_and_targetId_and_at", (q) =>
      q.eq("targetTable", "bilans").eq("targetId", bilanId),
    )
    .take(TIMELINE_SOURCE_LIMIT);
  const requests = audits.filter((entry) => entry.action === "bilan.requestRegeneration");
  const nameOf = await namesOf(ctx, [
    ...revisions.map((r) => r.authorId),
    ...requests.map((r) => r.actorId),
    bilan.review?.approvedBy,
  ]);

  const jobsWithRun = new Set<Id<"jobs">>();
  for (const revision of revisions) {
    if (revision.source === "edited") {
      steps.push({
        kind: "edit",
        at: revision.createdAt,
        synthesisVersion: revision.version,
        authorName: nameOf(revision.authorId),
      });
      continue;
    }
    if (revision.jobId) jobsWithRun.add(revision.jobId);
    const meta = revision.generation;
    steps.push({
      kind: "generation",
      at: revision.createdAt,
      jobId: revision.jobId,
      status: "completed",
      synthesisVersion: revision.version,
      provider: meta?.provider,
      model: meta?.model,
      promptVersion: meta?.promptVersion,
      durationMs: meta?.durationMs,
      inputTokens: meta?.inputTokens,
      outputTokens: meta?.outputTokens,
      retrieved: revision.retrieved,
      cited: citedPassages(revision.synthesis),
    });
  }
  // Runs that produced no synthesis (failed, cancelled, still waiting or running).
  for (const job of generationJobs) {
    if (jobsWithRun.has(job._id) || job.status === "completed") continue;
    steps.push({
      kind: "generation",
      at: job.finishedAt ?? job.claimedAt ?? job.createdAt,
      jobId: job._id,
      status: job.status,
      error: job.lastError?.message,
    });
  }

  for (const entry of requests) {
    const details = (entry.details ?? {}) as { instructions?: unknown; jobId?: unknown };
    const jobId =
      typeof details.jobId === "string" ? ctx.db.normalizeId("jobs", details.jobId) : null;
    steps.push({
      kind: "regenerationRequest",
      at: entry.at,
      jobId: jobId ?? undefined,
      actorName: nameOf(entry.actorId),
      instructions: typeof details.instructions === "string" ? details.instructions : undefined,
    });
  }

  if (bilan.review?.approvedAt !== undefined) {
    steps.push({
      kind: "approval",
      at: bilan.review.approvedAt,
      actorName: nameOf(bilan.review.approvedBy),
      coachNote: bilan.review.coachNote,
    });
  }

  const reports = await ctx.db
    .query("bilanReports")
    .withIndex("by_bilanId_and_version", (q) => q.eq("bilanId", bilanId))
    .take(TIMELINE_SOURCE_LIMIT);
  for (const report of reports) {
    steps.push({
      kind: "pdf",
      at: report.generatedAt,
      jobId: report.jobId,
      version: report.version,
      final: report.final,
      size: report.size,
      current: bilan.pdf?.version === report.version,
    });
  }
  // A report written before its history was kept: the current one, with the job that built it.
  if (bilan.pdf && !reports.some((report) => report.version === bilan.pdf?.version)) {
    const built = pdfJobs
      .filter((job) => job.status === "completed" && job.payload?.final === bilan.pdf?.final)
      .at(-1);
    steps.push({
      kind: "pdf",
      at: bilan.pdf.generatedAt,
      jobId: built?._id,
      version: bilan.pdf.version,
      final: bilan.pdf.final,
      size: bilan.pdf.size,
      current: true,
    });
  }

  const emails = await ctx.db
    .query("emails")
    .withIndex("by_bilanId", (q) => q.eq("bilanId", bilanId))
    .take(TIMELINE_SOURCE_LIMIT);
  for (const email of emails) {
    // email.send jobs are keyed by PDF version (one job sends that version to every recipient).
    const job = emailJobs.filter((j) => j.payload?.pdfVersion === email.pdfVersion).at(-1);
    steps.push({
      kind: "email",
      at: email.sentAt ?? email.createdAt,
      jobId: job?._id,
      emailId: email._id,
      to: email.to,
      recipientName: email.recipientName,
      status: email.status,
      pdfVersion: email.pdfVersion,
      error: email.error,
    });
  }

  return {
    bilan: {
      _id: bilan._id,
      status: bilan.status,
      subject: bilan.subject,
      studentName: student ? `${student.firstName} ${student.lastName}` : "Élève supprimé",
      createdAt: bilan.createdAt,
    },
    canOpenJobs: isStaff(user),
    steps: orderSteps(steps),
  };
}

// ---------------------------------------------------------------------------
// Documents

export const vDocumentStep = v.union(
  v.object({
    kind: v.literal("upload"),
    at: v.number(),
    ownerName: v.optional(v.string()),
    mime: v.string(),
    size: v.number(),
  }),
  v.object({
    kind: v.literal("ingest"),
    at: v.number(),
    jobId: v.id("jobs"),
    status: vJobStatus,
    pages: v.optional(v.number()),
    ocrPages: v.optional(v.number()),
    chunks: v.optional(v.number()),
    generation: v.optional(v.number()),
    error: v.optional(v.string()),
  }),
  v.object({
    kind: v.literal("cited"),
    at: v.number(),
    bilanId: v.id("bilans"),
    subject: v.optional(vSubject),
    studentName: v.optional(v.string()),
    passages: v.number(),
  }),
);
export type DocumentStep = Infer<typeof vDocumentStep>;

export const vDocumentPage = v.object({
  page: v.number(),
  method: v.union(v.literal("text"), v.literal("ocr")),
  confidence: v.optional(v.number()),
  ocrInput: v.optional(v.union(v.literal("image"), v.literal("render"))),
  chars: v.number(),
});

export const vCitingBilan = v.object({
  bilanId: v.id("bilans"),
  status: vBilanStatus,
  subject: vSubject,
  studentName: v.string(),
  synthesisVersion: v.number(),
  passages: v.number(),
  citedAt: v.number(),
});

export const vDocumentTimeline = v.object({
  document: v.object({
    _id: v.id("documents"),
    title: v.string(),
    scope: v.union(v.literal("global"), v.literal("student")),
    studentName: v.optional(v.string()),
    subject: v.optional(vSubject),
    mime: v.string(),
    size: v.number(),
    status: vDocumentStatus,
    error: v.optional(v.string()),
    pages: v.optional(v.number()),
    ocrPages: v.optional(v.number()),
    chunkCount: v.optional(v.number()),
    embeddingModel: v.optional(v.string()),
    createdAt: v.number(),
    updatedAt: v.number(),
  }),
  steps: v.array(vDocumentStep),
  /** How each page of the searchable generation was read, by page number. */
  pages: v.array(vDocumentPage),
  morePages: v.boolean(),
  citingBilans: v.array(vCitingBilan),
});

export async function requireDocument(ctx: QueryCtx, documentId: Id<"documents">) {
  const document = await ctx.db.get(documentId);
  if (!document) throw appError("NOT_FOUND", "Document introuvable.");
  return document;
}

function studentLabel(student: Doc<"students"> | null): string | undefined {
  return student ? `${student.firstName} ${student.lastName}` : undefined;
}

/** The provenance of a document: upload, each ingest run, per-page extraction, citing bilans. */
export async function documentTimeline(
  ctx: QueryCtx,
  documentId: Id<"documents">,
): Promise<Infer<typeof vDocumentTimeline>> {
  const document = await requireDocument(ctx, documentId);
  const owner = document.ownerId ? await ctx.db.get(document.ownerId) : null;
  const steps: DocumentStep[] = [
    {
      kind: "upload",
      at: document.createdAt,
      ownerName: owner?.name,
      mime: document.mime,
      size: document.size,
    },
  ];
  for (const job of await jobsOf(ctx, documentId, "document.ingest")) {
    const result = (job.result ?? {}) as Record<string, unknown>;
    const count = (key: string) => (typeof result[key] === "number" ? result[key] : undefined);
    steps.push({
      kind: "ingest",
      at: job.finishedAt ?? job.claimedAt ?? job.createdAt,
      jobId: job._id,
      status: job.status,
      pages: count("pages"),
      ocrPages: count("ocrPages"),
      chunks: count("chunks"),
      generation: count("generation"),
      error: job.lastError?.message,
    });
  }

  const pages =
    document.activeGeneration === undefined
      ? []
      : await ctx.db
          .query("documentPages")
          .withIndex("by_documentId_and_generation_and_page", (q) =>
            q.eq("documentId", documentId).eq("generation", document.activeGeneration!),
          )
          .take(DOCUMENT_PAGES_LIMIT + 1);

  const citations = await ctx.db
    .query("bilanCitations")
    .withIndex("by_documentId_and_citedAt", (q) => q.eq("documentId", documentId))
    .order("desc")
    .take(CITING_BILANS_LIMIT);
  const citingBilans: Infer<typeof vCitingBilan>[] = [];
  const students = new Map<Id<"students">, Doc<"students"> | null>();
  for (const citation of citations) {
    const bilan = await ctx.db.get(citation.bilanId);
    if (!bilan) continue;
    if (!students.has(bilan.studentId)) {
      students.set(bilan.studentId, await ctx.db.get(bilan.studentId));
    }
    const studentName = studentLabel(students.get(bilan.studentId) ?? null) ?? "Élève supprimé";
    citingBilans.push({
      bilanId: bilan._id,
      status: bilan.status,
      subject: bilan.subject,
      studentName,
      synthesisVersion: citation.synthesisVersion,
      passages: citation.passages,
      citedAt: citation.citedAt,
    });
    steps.push({
      kind: "cited",
      at: citation.citedAt,
      bilanId: bilan._id,
      subject: bilan.subject,
      studentName,
      passages: citation.passages,
    });
  }

  const student = document.studentId ? await ctx.db.get(document.studentId) : null;
  return {
    document: {
      _id: document._id,
      title: document.title,
      scope: document.scope,
      studentName: studentLabel(student),
      subject: document.subject,
      mime: document.mime,
      size: document.size,
      status: document.status,
      error: document.error,
      pages: document.pages,
      ocrPages: document.ocrPages,
      chunkCount: document.chunkCount,
      embeddingModel: document.embeddingModel,
      createdAt: document.createdAt,
      updatedAt: document.updatedAt,
    },
    steps: steps.sort((a, b) => a.at - b.at),
    pages: pages
      .slice(0, DOCUMENT_PAGES_LIMIT)
      .map(({ page, method, confidence, ocrInput, chars }) => ({
        page,
        method,
        confidence,
        ocrInput,
        chars,
      })),
    morePages: pages.length > DOCUMENT_PAGES_LIMIT,
    citingBilans,
  };
}

export const vDocumentChunk = v.object({
  _id: v.id("chunks"),
  ordinal: v.number(),
  pageStart: v.number(),
  pageEnd: v.number(),
  excerpt: v.string(),
  length: v.number(),
});

export function chunkExcerpt(text: string): string {
  if (text.length <= CHUNK_EXCERPT_CHARS) return text;
  return `${text.slice(0, CHUNK_EXCERPT_CHARS).trimEnd()}…`;
}
