// Provenance timelines: the order of a bilan's steps through the real pipeline functions
// (generation runs with their job and sources, edits, regeneration requests, PDF versions,
// e-mails), who may read them, and a document's per-page extraction, chunks and citing bilans.
import type { BilanScores, PedagogicalProfile } from "@nexus/shared/results";
import type { Synthesis } from "@nexus/shared/synthesis";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { patchBilan } from "./model/bilanHeads";
import { enqueueGeneration } from "./model/bilans";
import { enqueueJob } from "./model/jobs";
import { orderSteps } from "./model/provenance";
import { as, asWorker, errorOf, freshWorld, type T, type World } from "./world.fixtures";

const T0 = Date.UTC(2026, 2, 2, 8, 0, 0);
let clock = T0;
/** Moves the clock one minute on, so every step has its own time. */
function tick() {
  clock += 60_000;
  vi.setSystemTime(clock);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  clock = T0;
  vi.setSystemTime(clock);
});
afterEach(() => {
  vi.useRealTimers();
});

const scores: BilanScores = {
  questionnaireId: "maths-premiere",
  questionnaireVersion: 1,
  domains: [
    {
      domainId: "suites",
      label: "Suites",
      earned: 2,
      max: 6,
      percent: 33,
      mastery: "non_acquis",
      answered: 3,
      total: 3,
    },
  ],
  overall: { earned: 2, max: 6, percent: 33, mastery: "non_acquis" },
  unanswered: 0,
};
const profile: PedagogicalProfile = {
  surveyId: "pedagogical-survey",
  surveyVersion: 1,
  dimensions: [{ id: "motivation", label: "Motivation", score: 75, level: "eleve" }],
  traits: [],
};

function synthesisCiting(chunkIds: string[], summary = "Bilan encourageant."): Synthesis {
  return {
    summary,
    strengths: [],
    weaknesses: [{ domainId: "suites", text: "Les suites restent fragiles." }],
    recommendations: [
      {
        title: "Revoir les suites",
        text: "Refaire les exercices de base.",
        domainIds: ["suites"],
        sources: chunkIds.map((chunkId) => ({ chunkId, documentTitle: "Cours", page: 1 })),
      },
    ],
    studyPlan: [
      { week: 1, objectives: ["Suites"], activities: [{ description: "Exercices", hours: 2 }] },
    ],
    offers: [],
    parentSummary: "Votre enfant progresse.",
  };
}

const generation = (model: string) => ({
  provider: "local" as const,
  model,
  promptVersion: "bilan-v3",
  inputTokens: 1200,
  outputTokens: 800,
  durationMs: 4200,
  generatedAt: Date.now(),
});

/** A global document indexed in generation 1 with `pages` (text, then OCR) and three chunks. */
async function indexedDocument(t: T) {
  const documentId = await t.run(async (ctx) => {
    const storageId = await ctx.storage.store(new Blob(["%PDF-1.4"], { type: "application/pdf" }));
    return await ctx.db.insert("documents", {
      scope: "global",
      title: "Cours sur les suites",
      mime: "application/pdf",
      size: 8,
      sha256: "sha-cours",
      storageId,
      status: "embedding",
      createdAt: Date.now(),
      updatedAt: Date.now(),
    });
  });
  const worker = asWorker(t);
  const begun = await worker.mutation(api.ingestion.beginGeneration, { documentId });
  const generationNumber = begun!.generation;
  await worker.mutation(api.ingestion.insertChunks, {
    documentId,
    generation: generationNumber,
    embeddingModel: "local-hash-v1",
    chunks: [0, 1, 2].map((ordinal) => ({
      ordinal,
      text: `Extrait ${ordinal} : une suite arithmétique a une raison constante.`,
      pageStart: ordinal + 1,
      pageEnd: ordinal + 1,
      contentHash: `h${ordinal}`,
      embedding: new Array(1536).fill(0.01),
    })),
  });
  const pages = [
    { page: 1, method: "text" as const, chars: 1800 },
    { page: 2, method: "ocr" as const, confidence: 91.5, ocrInput: "image" as const, chars: 950 },
  ];
  await worker.mutation(api.ingestion.recordPages, {
    documentId,
    generation: generationNumber,
    pages,
  });
  // A retried job records the same pages again: nothing is duplicated.
  const again = await worker.mutation(api.ingestion.recordPages, {
    documentId,
    generation: generationNumber,
    pages,
  });
  expect(again.inserted).toBe(0);
  await worker.mutation(api.ingestion.activateGeneration, {
    documentId,
    generation: generationNumber,
    embeddingModel: "local-hash-v1",
    pages: 2,
    ocrPages: 1,
    chunkCount: 3,
  });
  const chunkIds = await t.run(async (ctx) =>
    (
      await ctx.db
        .query("chunks")
        .withIndex("by_documentId_and_generation_and_ordinal", (q) =>
          q.eq("documentId", documentId).eq("generation", generationNumber),
        )
        .collect()
    ).map((chunk) => chunk._id),
  );
  return { documentId, chunkIds, generation: generationNumber };
}

/** Puts the world's own bilan through submit → … → sent with the worker's own functions. */
async function runPipeline(t: T, world: World, chunkIds: Id<"chunks">[]) {
  const bilanId = world.bilans.own;
  const worker = asWorker(t);
  const submitJob = await t.run(async (ctx) => {
    await patchBilan(ctx, bilanId, {
      status: "submitted",
      scores,
      profile,
      submittedAt: Date.now(),
    });
    return await enqueueGeneration(ctx, bilanId, world.users.eleve);
  });

  tick();
  await worker.mutation(api.pipeline.beginGeneration, { bilanId });
  await worker.mutation(api.pipeline.saveSynthesis, {
    bilanId,
    synthesis: synthesisCiting([chunkIds[0]!, chunkIds[1]!]),
    generation: generation("local-writer-v1"),
    jobId: submitJob,
    retrieved: chunkIds.map((chunkId, i) => ({
      chunkId,
      documentTitle: "Cours sur les suites",
      page: i + 1,
    })),
  });

  tick();
  const provisional = await t.run(async (ctx) => await ctx.storage.store(new Blob(["%PDF v1"])));
  const previewJob = await t.run(async (ctx) =>
    enqueueJob(
      ctx,
      "bilan.pdf",
      { bilanId, final: false },
      { target: { table: "bilans", id: bilanId } },
    ),
  );
  await worker.mutation(api.pipeline.recordPdf, {
    bilanId,
    storageId: provisional,
    size: 7,
    final: false,
    jobId: previewJob,
  });

  const coach = as(t, "coach");
  tick();
  await coach.mutation(api.review.editSynthesis, {
    bilanId,
    synthesis: synthesisCiting([chunkIds[0]!, chunkIds[1]!], "Bilan relu par la coach."),
    baseVersion: 1,
  });

  tick();
  const regenJob = await coach.mutation(api.review.requestRegeneration, {
    bilanId,
    instructions: "Plus d'exemples.",
  });
  tick();
  await worker.mutation(api.pipeline.saveSynthesis, {
    bilanId,
    synthesis: synthesisCiting([chunkIds[2]!]),
    generation: generation("local-writer-v2"),
    jobId: regenJob,
    retrieved: [{ chunkId: chunkIds[2]!, documentTitle: "Cours sur les suites", page: 3 }],
  });

  tick();
  const finalJob = await coach.mutation(api.review.approve, { bilanId, expectedVersion: 3 });
  tick();
  const finalFile = await t.run(async (ctx) => await ctx.storage.store(new Blob(["%PDF v2"])));
  await worker.mutation(api.pipeline.recordPdf, {
    bilanId,
    storageId: finalFile,
    size: 7,
    final: true,
    jobId: finalJob,
  });

  const emailJob = await t.run(async (ctx) => {
    const job = await ctx.db
      .query("jobs")
      .withIndex("by_targetId_and_kind_and_createdAt", (q) =>
        q.eq("target.id", bilanId).eq("kind", "email.send"),
      )
      .unique();
    return job!._id;
  });
  const recipients = [
    { email: "parent@test.fr", name: "Parent", userId: world.users.parent },
    { email: "eleve@test.fr", name: "Élève", userId: world.users.eleve },
  ];
  for (const person of recipients) {
    tick();
    const begun = await worker.mutation(api.pipeline.beginEmail, {
      bilanId,
      pdfVersion: 2,
      pdfSha256: "ab".repeat(32),
      to: person.email,
      recipientName: person.name,
      recipientUserId: person.userId,
      subject: "Bilan",
      template: "bilan-ready",
    });
    await worker.mutation(api.pipeline.finishEmail, {
      emailId: begun.emailId,
      status: "sent",
      provider: "outbox",
    });
  }
  await worker.mutation(api.pipeline.completeEmails, { bilanId, pdfVersion: 2 });
  return { bilanId, submitJob, previewJob, regenJob, finalJob, emailJob };
}

describe("provenance.bilanTimeline", () => {
  it("lists every step of a regenerated, sent bilan in order, each with its job and artefact", async () => {
    const { t, world } = await freshWorld();
    const { chunkIds } = await indexedDocument(t);
    const jobs = await runPipeline(t, world, chunkIds);

    const timeline = await as(t, "admin").query(api.provenance.bilanTimeline, {
      bilanId: jobs.bilanId,
    });
    expect(timeline.bilan.status).toBe("sent");
    expect(timeline.canOpenJobs).toBe(true);
    expect(timeline.steps.map((step) => step.kind)).toEqual([
      "submitted",
      "generation",
      "pdf",
      "edit",
      "regenerationRequest",
      "generation",
      "approval",
      "pdf",
      "email",
      "email",
    ]);
    const [submitted, firstRun, provisional, edit, request, secondRun, , finalPdf, ...emails] =
      timeline.steps;
    expect(submitted).toMatchObject({ jobId: jobs.submitJob });
    expect(firstRun).toMatchObject({
      jobId: jobs.submitJob,
      status: "completed",
      synthesisVersion: 1,
      provider: "local",
      model: "local-writer-v1",
      promptVersion: "bilan-v3",
      durationMs: 4200,
      inputTokens: 1200,
      outputTokens: 800,
      cited: 2,
    });
    expect(firstRun?.kind === "generation" && firstRun.retrieved?.length).toBe(3);
    expect(provisional).toMatchObject({
      jobId: jobs.previewJob,
      version: 1,
      final: false,
      current: false,
    });
    expect(edit).toMatchObject({ synthesisVersion: 2, authorName: "coach" });
    expect(request).toMatchObject({
      jobId: jobs.regenJob,
      actorName: "coach",
      instructions: "Plus d'exemples.",
    });
    expect(secondRun).toMatchObject({
      jobId: jobs.regenJob,
      model: "local-writer-v2",
      synthesisVersion: 3,
    });
    expect(finalPdf).toMatchObject({
      jobId: jobs.finalJob,
      version: 2,
      final: true,
      current: true,
    });
    expect(
      emails.map((step) => step.kind === "email" && [step.to, step.status, step.jobId]),
    ).toEqual([
      ["parent@test.fr", "sent", jobs.emailJob],
      ["eleve@test.fr", "sent", jobs.emailJob],
    ]);
  });

  it("shows a failed generation run with its error, and the student's coach sees it without job links", async () => {
    const { t, world } = await freshWorld();
    const bilanId = world.bilans.own;
    const jobId = await t.run(async (ctx) => {
      await patchBilan(ctx, bilanId, {
        status: "submitted",
        scores,
        profile,
        submittedAt: Date.now(),
      });
      const id = await enqueueGeneration(ctx, bilanId);
      await ctx.db.patch(id, {
        status: "failed",
        finishedAt: Date.now() + 1000,
        lastError: { message: "Fournisseur indisponible.", retryable: false, at: Date.now() },
      });
      return id;
    });
    const timeline = await as(t, "coach").query(api.provenance.bilanTimeline, { bilanId });
    expect(timeline.canOpenJobs).toBe(false);
    expect(timeline.steps).toEqual([
      { kind: "submitted", at: T0, jobId },
      {
        kind: "generation",
        at: T0 + 1000,
        jobId,
        status: "failed",
        error: "Fournisseur indisponible.",
      },
    ]);
  });

  it("is refused to families and hidden from another student's coach", async () => {
    const { t, world } = await freshWorld();
    const bilanId = world.bilans.own;
    for (const caller of ["parent", "eleve"] as const) {
      expect(
        (await errorOf(as(t, caller).query(api.provenance.bilanTimeline, { bilanId }))).code,
      ).toBe("FORBIDDEN");
    }
    const foreign = await errorOf(
      as(t, "coach").query(api.provenance.bilanTimeline, { bilanId: world.bilans.foreign }),
    );
    expect(foreign.code).toBe("NOT_FOUND");
  });

  it("orders same-time steps along the pipeline", () => {
    const steps = [
      { kind: "email" as const, at: 5 },
      { kind: "approval" as const, at: 5 },
      { kind: "generation" as const, at: 5 },
      { kind: "submitted" as const, at: 1 },
    ];
    expect(orderSteps(steps).map((s) => s.kind)).toEqual([
      "submitted",
      "generation",
      "approval",
      "email",
    ]);
  });
});

describe("provenance.documentTimeline", () => {
  it("shows per-page method and OCR confidence, ingest runs and the bilans that cited it", async () => {
    const { t, world } = await freshWorld();
    const { documentId, chunkIds } = await indexedDocument(t);
    const ingestJob = await t.run(async (ctx) =>
      enqueueJob(
        ctx,
        "document.ingest",
        { documentId },
        { target: { table: "documents", id: documentId } },
      ),
    );
    const { bilanId } = await runPipeline(t, world, chunkIds);

    const timeline = await as(t, "assistante").query(api.provenance.documentTimeline, {
      documentId,
    });
    expect(timeline.document).toMatchObject({ title: "Cours sur les suites", pages: 2 });
    expect(timeline.pages).toEqual([
      { page: 1, method: "text", chars: 1800 },
      { page: 2, method: "ocr", confidence: 91.5, ocrInput: "image", chars: 950 },
    ]);
    expect(timeline.morePages).toBe(false);
    expect(timeline.steps.map((step) => step.kind)).toEqual(["upload", "ingest", "cited"]);
    expect(timeline.steps[1]).toMatchObject({ jobId: ingestJob, status: "pending" });
    // Cited by versions 1 and 3: one row for the bilan, naming the latest citing version.
    expect(timeline.citingBilans).toEqual([
      expect.objectContaining({ bilanId, synthesisVersion: 3, passages: 1, status: "sent" }),
    ]);
  });

  it("pages through the searchable generation's chunks", async () => {
    const { t } = await freshWorld();
    const { documentId } = await indexedDocument(t);
    const staff = as(t, "admin");
    const first = await staff.query(api.provenance.documentChunks, {
      documentId,
      paginationOpts: { numItems: 2, cursor: null },
    });
    expect(first.page.map((chunk) => chunk.ordinal)).toEqual([0, 1]);
    expect(first.isDone).toBe(false);
    const rest = await staff.query(api.provenance.documentChunks, {
      documentId,
      paginationOpts: { numItems: 2, cursor: first.continueCursor },
    });
    expect(rest.page.map((chunk) => [chunk.ordinal, chunk.pageStart])).toEqual([[2, 3]]);
    expect(rest.page[0]?.excerpt).toContain("raison constante");
  });

  it("purges the page rows of a replaced generation with its chunks", async () => {
    const { t } = await freshWorld();
    const { documentId, generation: first } = await indexedDocument(t);
    const worker = asWorker(t);
    await t.run(async (ctx) => ctx.db.patch(documentId, { status: "embedding" }));
    const begun = await worker.mutation(api.ingestion.beginGeneration, { documentId });
    await worker.mutation(api.ingestion.recordPages, {
      documentId,
      generation: begun!.generation,
      pages: [{ page: 1, method: "ocr", confidence: 77, chars: 400 }],
    });
    await worker.mutation(api.ingestion.activateGeneration, {
      documentId,
      generation: begun!.generation,
      embeddingModel: "local-hash-v1",
      pages: 1,
      ocrPages: 1,
      chunkCount: 0,
    });
    await t.mutation(internal.documents.purgeChunks, { documentId });
    const left = await t.run(async (ctx) =>
      ctx.db
        .query("documentPages")
        .withIndex("by_documentId_and_generation_and_page", (q) =>
          q.eq("documentId", documentId).eq("generation", first),
        )
        .collect(),
    );
    expect(left).toEqual([]);
    const timeline = await as(t, "admin").query(api.provenance.documentTimeline, { documentId });
    expect(timeline.pages).toEqual([{ page: 1, method: "ocr", confidence: 77, chars: 400 }]);
  });
});
