// What the end of a job means for its bilan or document, decided in Convex
// (model/jobOutcomes.ts) on every terminal path of the queue: last-attempt lease expiry
// (claim and the workers sweep), cancel of a pending or running job, non-retryable error,
// dead letter after maxAttempts, and retry. After each failure a coach can regenerate.
// Also: error texts are stored without secrets (jobs, jobEvents, bilans, documents).
import { ConvexError } from "convex/values";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { patchBilan } from "./model/bilanHeads";
import { enqueueReindex, insertDocumentRecord } from "./model/documents";
import { enqueueJob } from "./model/jobs";
import { as, asStaffMember, asWorker, freshWorld, type T } from "./world.fixtures";

const T0 = Date.UTC(2025, 0, 6, 8, 0, 0);
const LEASE_MS = 10_000;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
});

type Kind = "bilan.generate" | "bilan.pdf" | "email.send" | "document.ingest" | "system.echo";

async function claim(t: T, kind: Kind, workerId = "w1") {
  const claimed = await asWorker(t).mutation(api.jobs.claim, {
    workerId,
    kinds: [kind],
    leaseMs: LEASE_MS,
  });
  if (!claimed) throw new Error(`nothing to claim for ${kind}`);
  return claimed;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConvexError);
  return (error as ConvexError<{ code: string }>).data.code;
}

function advance(ms: number) {
  vi.setSystemTime(Date.now() + ms);
}

async function jobRow(t: T, jobId: Id<"jobs">) {
  return (await t.run(async (ctx) => await ctx.db.get(jobId)))!;
}

async function bilanRow(t: T, bilanId: Id<"bilans">) {
  return (await t.run(async (ctx) => await ctx.db.get(bilanId)))!;
}

async function setMaxAttempts(t: T, jobId: Id<"jobs">, maxAttempts: number) {
  await t.run(async (ctx) => await ctx.db.patch(jobId, { maxAttempts }));
}

// ---------------------------------------------------------------------------
// bilan.generate

/** A submitted bilan whose generation job is claimed and has started (bilan `generating`). */
async function generating(options: { maxAttempts?: number; start?: boolean } = {}) {
  const { t, world } = await freshWorld();
  const bilanId = world.bilans.own;
  const { jobId } = await as(t, "eleve").mutation(api.bilans.submit, { bilanId });
  if (options.maxAttempts) await setMaxAttempts(t, jobId, options.maxAttempts);
  if (options.start === false) return { t, world, bilanId, jobId };
  const claimed = await claim(t, "bilan.generate");
  expect(claimed.jobId).toBe(jobId);
  await asWorker(t).mutation(api.pipeline.beginGeneration, { bilanId });
  return { t, world, bilanId, jobId, claimToken: claimed.claimToken };
}

/** The bilan is `failed` at the generation stage, and its coach can regenerate it. */
async function expectRegenerable(t: T, bilanId: Id<"bilans">, message: RegExp | string) {
  const bilan = await bilanRow(t, bilanId);
  expect(bilan.status).toBe("failed");
  expect(bilan.failure?.stage).toBe("generation");
  if (typeof message === "string") expect(bilan.failure?.message).toBe(message);
  else expect(bilan.failure?.message).toMatch(message);
  const regenJob = await as(t, "coach").mutation(api.review.requestRegeneration, {
    bilanId,
    instructions: "Insister sur les suites.",
  });
  expect((await bilanRow(t, bilanId)).status).toBe("generating");
  expect((await bilanRow(t, bilanId)).failure).toBeUndefined();
  expect((await jobRow(t, regenJob)).status).toBe("pending");
}

describe("bilan.generate outcomes", () => {
  it("a lease expiring on the last attempt fails the bilan when another claim reclaims it", async () => {
    const { t, bilanId, jobId } = await generating({ maxAttempts: 1 });
    advance(LEASE_MS + 1);
    expect(
      await asWorker(t).mutation(api.jobs.claim, {
        workerId: "w2",
        kinds: ["system.echo"],
        leaseMs: LEASE_MS,
      }),
    ).toBeNull();
    const job = await jobRow(t, jobId);
    expect(job.status).toBe("failed");
    expect(job.lastError?.message).toMatch(/cessé de répondre pendant la dernière tentative/);
    await expectRegenerable(t, bilanId, /Le worker w1 a cessé de répondre/);
  });

  it("a lease expiring on the last attempt fails the bilan in the workers sweep", async () => {
    const { t, bilanId, jobId } = await generating({ maxAttempts: 1 });
    advance(LEASE_MS + 1);
    expect(await t.mutation(internal.workers.sweep, {})).toMatchObject({ reclaimed: 1 });
    expect((await jobRow(t, jobId)).status).toBe("failed");
    await expectRegenerable(t, bilanId, /cessé de répondre/);
  });

  it("a lease expiring before the last attempt only puts the job back in the queue", async () => {
    const { t, bilanId, jobId } = await generating({ maxAttempts: 2 });
    advance(LEASE_MS + 1);
    await t.mutation(internal.workers.sweep, {});
    expect((await jobRow(t, jobId)).status).toBe("pending");
    expect((await bilanRow(t, bilanId)).status).toBe("generating");
    expect(await codeOf(as(t, "coach").mutation(api.review.requestRegeneration, { bilanId }))).toBe(
      "INVALID_STATE",
    );
  });

  it("cancelling the pending job fails the bilan so it can be regenerated", async () => {
    const { t, bilanId, jobId } = await generating({ start: false });
    const staff = await asStaffMember(t);
    expect((await staff.mutation(api.jobs.cancel, { jobId })).status).toBe("cancelled");
    await expectRegenerable(t, bilanId, /annulée par un membre de l'équipe/);
  });

  it("cancelling the running job fails the bilan once the worker acknowledges", async () => {
    const { t, bilanId, jobId, claimToken } = await generating();
    const staff = await asStaffMember(t);
    await staff.mutation(api.jobs.cancel, { jobId });
    expect((await bilanRow(t, bilanId)).status).toBe("generating"); // not yet: still running
    const beat = await asWorker(t).mutation(api.jobs.heartbeat, {
      jobId,
      claimToken: claimToken!,
      leaseMs: LEASE_MS,
    });
    expect(beat.cancelRequested).toBe(true);
    const outcome = await asWorker(t).mutation(api.jobs.fail, {
      jobId,
      claimToken: claimToken!,
      error: { message: "Tâche annulée à la demande d'un membre de l'équipe." },
      retryable: true,
    });
    expect(outcome).toEqual({ status: "cancelled" });
    await expectRegenerable(t, bilanId, /annulée par un membre de l'équipe/);
  });

  it("cancelling the running job fails the bilan when the worker releases it instead", async () => {
    const { t, bilanId, jobId, claimToken } = await generating();
    await (await asStaffMember(t)).mutation(api.jobs.cancel, { jobId });
    await asWorker(t).mutation(api.jobs.release, {
      jobId,
      claimToken: claimToken!,
      reason: "Arrêt du worker : la tâche est remise dans la file.",
    });
    expect((await jobRow(t, jobId)).status).toBe("cancelled");
    await expectRegenerable(t, bilanId, /annulée/);
  });

  it("cancelling the running job fails the bilan when its lease expires instead", async () => {
    const { t, bilanId, jobId } = await generating();
    await (await asStaffMember(t)).mutation(api.jobs.cancel, { jobId });
    advance(LEASE_MS + 1);
    await t.mutation(internal.workers.sweep, {});
    expect((await jobRow(t, jobId)).status).toBe("cancelled");
    await expectRegenerable(t, bilanId, /annulée/);
  });

  it("a non-retryable error fails the bilan with the job's message", async () => {
    const { t, bilanId, jobId, claimToken } = await generating();
    const message = "La synthèse ne respecte pas les résultats calculés après la réparation.";
    expect(
      await asWorker(t).mutation(api.jobs.fail, {
        jobId,
        claimToken: claimToken!,
        error: { message },
        retryable: false,
      }),
    ).toEqual({ status: "failed" });
    await expectRegenerable(t, bilanId, message);
  });

  it("a retryable error only fails the bilan after maxAttempts (dead letter)", async () => {
    const { t, bilanId, jobId, claimToken } = await generating({ maxAttempts: 2 });
    const fail = (token: string) =>
      asWorker(t).mutation(api.jobs.fail, {
        jobId,
        claimToken: token,
        error: { message: "Fournisseur indisponible (HTTP 503)." },
        retryable: true,
        backoff: { baseMs: 1_000, maxMs: 1_000 },
      });
    expect((await fail(claimToken!)).status).toBe("pending");
    expect((await bilanRow(t, bilanId)).status).toBe("generating");
    advance(2_000);
    const second = await claim(t, "bilan.generate");
    expect(second.attempt).toBe(2);
    await asWorker(t).mutation(api.pipeline.beginGeneration, { bilanId });
    expect((await fail(second.claimToken)).status).toBe("failed");
    await expectRegenerable(t, bilanId, "Fournisseur indisponible (HTTP 503).");
  });

  it("retrying the failed job puts the bilan back in generation, then it can be regenerated after a new failure", async () => {
    const { t, bilanId, jobId, claimToken } = await generating();
    await asWorker(t).mutation(api.jobs.fail, {
      jobId,
      claimToken: claimToken!,
      error: { message: "Panne." },
      retryable: false,
    });
    expect((await bilanRow(t, bilanId)).status).toBe("failed");
    const staff = await asStaffMember(t);
    expect((await staff.mutation(api.jobs.retry, { jobId })).status).toBe("pending");
    const bilan = await bilanRow(t, bilanId);
    expect(bilan.status).toBe("generating");
    expect(bilan.failure).toBeUndefined();
    // A generation is queued again: no second one on top of it.
    expect(await codeOf(as(t, "coach").mutation(api.review.requestRegeneration, { bilanId }))).toBe(
      "INVALID_STATE",
    );
    const again = await claim(t, "bilan.generate");
    await asWorker(t).mutation(api.jobs.fail, {
      jobId,
      claimToken: again.claimToken,
      error: { message: "Panne encore." },
      retryable: false,
    });
    await expectRegenerable(t, bilanId, "Panne encore.");
  });

  it("retrying an old generation job of a bilan that moved on is refused", async () => {
    const { t, bilanId, jobId, claimToken } = await generating();
    await asWorker(t).mutation(api.jobs.fail, {
      jobId,
      claimToken: claimToken!,
      error: { message: "Panne." },
      retryable: false,
    });
    await t.run(async (ctx) => await patchBilan(ctx, bilanId, { status: "review" }));
    const staff = await asStaffMember(t);
    expect(await codeOf(staff.mutation(api.jobs.retry, { jobId }))).toBe("INVALID_STATE");
    expect((await jobRow(t, jobId)).status).toBe("failed");
    expect((await bilanRow(t, bilanId)).status).toBe("review");
  });

  it("reprocessing a failed bilan puts it back in generation at once", async () => {
    const { t, bilanId, jobId, claimToken } = await generating();
    await asWorker(t).mutation(api.jobs.fail, {
      jobId,
      claimToken: claimToken!,
      error: { message: "Panne." },
      retryable: false,
    });
    await (await asStaffMember(t)).mutation(api.jobs.reprocess, { target: "bilan", id: bilanId });
    expect((await bilanRow(t, bilanId)).status).toBe("generating");
    expect((await bilanRow(t, bilanId)).failure).toBeUndefined();
  });

  it("a failed duplicate leaves the bilan to the generation job still queued", async () => {
    const { t, bilanId, jobId, claimToken } = await generating();
    const staff = await asStaffMember(t);
    const other = await staff.mutation(api.jobs.reprocess, { target: "bilan", id: bilanId });
    await asWorker(t).mutation(api.jobs.fail, {
      jobId,
      claimToken: claimToken!,
      error: { message: "Panne." },
      retryable: false,
    });
    expect((await bilanRow(t, bilanId)).status).toBe("generating");
    await staff.mutation(api.jobs.cancel, { jobId: other.id });
    expect((await bilanRow(t, bilanId)).status).toBe("failed");
  });
});

// ---------------------------------------------------------------------------
// bilan.pdf and email.send

/** An approved bilan with a final PDF job (or an email job) of its own, claimed. */
async function approvedWith(kind: "bilan.pdf" | "email.send") {
  const { t, bilanId } = await generating();
  await t.run(async (ctx) => await patchBilan(ctx, bilanId, { status: "approved" }));
  const jobId = await t.run(async (ctx) =>
    kind === "bilan.pdf"
      ? await enqueueJob(ctx, "bilan.pdf", { bilanId, final: true })
      : await enqueueJob(ctx, "email.send", { bilanId, pdfVersion: 1 }),
  );
  const claimed = await claim(t, kind);
  return { t, bilanId, jobId, claimToken: claimed.claimToken };
}

describe("bilan.pdf and email.send outcomes", () => {
  it.each([
    ["bilan.pdf", "pdf"],
    ["email.send", "email"],
  ] as const)("a failed %s keeps the approved bilan and records the stage", async (kind, stage) => {
    const { t, bilanId, jobId, claimToken } = await approvedWith(kind);
    await asWorker(t).mutation(api.jobs.fail, {
      jobId,
      claimToken,
      error: { message: "Rapport invalide." },
      retryable: false,
    });
    const bilan = await bilanRow(t, bilanId);
    expect(bilan.status).toBe("approved");
    expect(bilan.failure).toMatchObject({ stage, message: "Rapport invalide." });
    // Retrying the job clears that failure; the status never moved.
    await (await asStaffMember(t)).mutation(api.jobs.retry, { jobId });
    expect((await bilanRow(t, bilanId)).failure).toBeUndefined();
    expect((await bilanRow(t, bilanId)).status).toBe("approved");
    // A coach can still regenerate an approved bilan.
    await as(t, "coach").mutation(api.review.requestRegeneration, { bilanId });
    expect((await bilanRow(t, bilanId)).status).toBe("generating");
  });

  // The PDF rules of docs/bilan-pipeline.md: a failed provisional PDF leaves the bilan in review
  // (the coach keeps working; failure.stage "pdf" with the reason), a failed final PDF leaves it
  // approved with the reason (above), and a PDF job failing for a bilan that moved on records
  // nothing. Mutants this catches: servedBilan expecting "approved" for every PDF (the
  // provisional failure is lost); a PDF failure routed to failGeneration (the bilan turns failed).
  it("a failed provisional PDF keeps the bilan in review with the reason", async () => {
    const { t, bilanId } = await generating();
    await t.run(async (ctx) => await patchBilan(ctx, bilanId, { status: "review" }));
    const jobId = await t.run(
      async (ctx) => await enqueueJob(ctx, "bilan.pdf", { bilanId, final: false }),
    );
    const { claimToken } = await claim(t, "bilan.pdf");
    await asWorker(t).mutation(api.jobs.fail, {
      jobId,
      claimToken,
      error: { message: "Police introuvable pour le rapport." },
      retryable: false,
    });
    const bilan = await bilanRow(t, bilanId);
    expect(bilan.status).toBe("review");
    expect(bilan.failure).toMatchObject({
      stage: "pdf",
      message: "Police introuvable pour le rapport.",
    });
    // The coach can still approve: the final PDF is its own job.
    await (await asStaffMember(t)).mutation(api.jobs.retry, { jobId });
    expect((await bilanRow(t, bilanId)).failure).toBeUndefined();
  });

  it("a provisional PDF failing after the bilan was approved records nothing", async () => {
    const { t, bilanId } = await generating();
    await t.run(async (ctx) => await patchBilan(ctx, bilanId, { status: "review" }));
    const jobId = await t.run(
      async (ctx) => await enqueueJob(ctx, "bilan.pdf", { bilanId, final: false }),
    );
    const { claimToken } = await claim(t, "bilan.pdf");
    await t.run(async (ctx) => await patchBilan(ctx, bilanId, { status: "approved" }));
    await asWorker(t).mutation(api.jobs.fail, {
      jobId,
      claimToken,
      error: { message: "Police introuvable pour le rapport." },
      retryable: false,
    });
    const bilan = await bilanRow(t, bilanId);
    expect(bilan.status).toBe("approved");
    expect(bilan.failure).toBeUndefined();
  });

  it("a cancelled email job says so on the bilan", async () => {
    const { t, bilanId, jobId } = await approvedWith("email.send");
    await (await asStaffMember(t)).mutation(api.jobs.cancel, { jobId });
    advance(LEASE_MS + 1);
    await t.mutation(internal.workers.sweep, {});
    expect((await bilanRow(t, bilanId)).failure).toMatchObject({
      stage: "email",
      message: expect.stringMatching(/envoi du bilan à la famille a été annulé/),
    });
  });
});

// ---------------------------------------------------------------------------
// document.ingest

const MODEL = "test-model";
const vector = (x: number) => Array.from({ length: 1536 }, (_, i) => (i === 0 ? x : 0));

async function writeChunks(t: T, documentId: Id<"documents">, generation: number, n: number) {
  await asWorker(t).mutation(api.ingestion.insertChunks, {
    documentId,
    generation,
    embeddingModel: MODEL,
    chunks: Array.from({ length: n }, (_, ordinal) => ({
      ordinal,
      text: `Extrait ${generation}.${ordinal}`,
      pageStart: 1,
      pageEnd: 1,
      contentHash: `h${generation}.${ordinal}`,
      embedding: vector(ordinal + 1),
    })),
  });
}

async function chunkGenerations(t: T, documentId: Id<"documents">) {
  return await t.run(async (ctx) => {
    const rows = await ctx.db
      .query("chunks")
      .withIndex("by_documentId_and_generation_and_ordinal", (q) => q.eq("documentId", documentId))
      .collect();
    return rows.map((row) => row.generation);
  });
}

async function documentRow(t: T, documentId: Id<"documents">) {
  return (await t.run(async (ctx) => await ctx.db.get(documentId)))!;
}

/** A document indexed once (generation 1, two chunks), then re-indexed: the new job claimed and half-way. */
async function reindexing(options: { maxAttempts?: number } = {}) {
  const { t, world } = await freshWorld();
  const { documentId } = await t.run(async (ctx) => {
    const storageId = await ctx.storage.store(new Blob(["%PDF-1.4 fiche"]));
    return await insertDocumentRecord(ctx, {
      storageId,
      title: "Fiche dérivées",
      scope: "global",
      mime: "application/pdf",
      size: 14,
      sha256: "a".repeat(64),
    });
  });
  const worker = asWorker(t);
  const first = await claim(t, "document.ingest");
  await worker.mutation(api.ingestion.setStatus, { documentId, status: "extracting", percent: 0 });
  const begun = await worker.mutation(api.ingestion.beginGeneration, { documentId });
  expect(begun).toEqual({ generation: 1 });
  await worker.mutation(api.ingestion.setStatus, { documentId, status: "embedding", percent: 92 });
  await writeChunks(t, documentId, 1, 2);
  await worker.mutation(api.ingestion.activateGeneration, {
    documentId,
    generation: 1,
    embeddingModel: MODEL,
    pages: 1,
    ocrPages: 0,
    chunkCount: 2,
  });
  await worker.mutation(api.jobs.complete, { jobId: first.jobId, claimToken: first.claimToken });
  await t.finishAllScheduledFunctions(vi.runAllTimers);

  const jobId = await t.run(async (ctx) => await enqueueReindex(ctx, documentId));
  if (options.maxAttempts) await setMaxAttempts(t, jobId, options.maxAttempts);
  const claimed = await claim(t, "document.ingest");
  expect(claimed.jobId).toBe(jobId);
  await worker.mutation(api.ingestion.setStatus, { documentId, status: "extracting", percent: 0 });
  await worker.mutation(api.ingestion.setStatus, { documentId, status: "ocr", percent: 40 });
  expect(await worker.mutation(api.ingestion.beginGeneration, { documentId })).toEqual({
    generation: 2,
  });
  await worker.mutation(api.ingestion.setStatus, { documentId, status: "embedding", percent: 92 });
  await writeChunks(t, documentId, 2, 3);
  return { t, world, documentId, jobId, claimToken: claimed.claimToken };
}

/** Failed with `message`, generation 2 discarded, generation 1 still the searchable one. */
async function expectFailedKeepingGeneration1(t: T, documentId: Id<"documents">, message: RegExp) {
  await t.finishAllScheduledFunctions(vi.runAllTimers);
  const document = await documentRow(t, documentId);
  expect(document.status).toBe("failed");
  expect(document.error).toMatch(message);
  expect(document.activeGeneration).toBe(1);
  expect(document.pendingGeneration).toBeUndefined();
  expect(await chunkGenerations(t, documentId)).toEqual([1, 1]);
  // The discarded job's late progress is refused; a re-index starts over cleanly.
  expect(
    await codeOf(asWorker(t).mutation(api.ingestion.setStatus, { documentId, status: "chunking" })),
  ).toBe("INVALID_STATE");
}

describe("document.ingest outcomes", () => {
  it("a non-retryable error fails the document and discards the half-written generation", async () => {
    const { t, documentId, jobId, claimToken } = await reindexing();
    await asWorker(t).mutation(api.jobs.fail, {
      jobId,
      claimToken,
      error: { message: "Le fichier ne contient aucun texte exploitable." },
      retryable: false,
    });
    await expectFailedKeepingGeneration1(t, documentId, /aucun texte exploitable/);
  });

  it("the last attempt's lease expiring fails the document (claim and sweep)", async () => {
    for (const path of ["claim", "sweep"] as const) {
      const { t, documentId, jobId } = await reindexing({ maxAttempts: 1 });
      advance(LEASE_MS + 1);
      if (path === "claim") {
        await asWorker(t).mutation(api.jobs.claim, {
          workerId: "w2",
          kinds: ["system.echo"],
          leaseMs: LEASE_MS,
        });
      } else await t.mutation(internal.workers.sweep, {});
      expect((await jobRow(t, jobId)).status).toBe("failed");
      await expectFailedKeepingGeneration1(t, documentId, /cessé de répondre/);
    }
  });

  it("cancelling the running ingest fails the document once the worker acknowledges", async () => {
    const { t, documentId, jobId, claimToken } = await reindexing();
    await (await asStaffMember(t)).mutation(api.jobs.cancel, { jobId });
    await asWorker(t).mutation(api.jobs.fail, {
      jobId,
      claimToken,
      error: { message: "Tâche annulée à la demande d'un membre de l'équipe." },
      retryable: true,
    });
    await expectFailedKeepingGeneration1(t, documentId, /annulée par un membre de l'équipe/);
  });

  it("dead letter after maxAttempts, then a retry puts the document back in the queue", async () => {
    const { t, documentId, jobId, claimToken } = await reindexing({ maxAttempts: 1 });
    await asWorker(t).mutation(api.jobs.fail, {
      jobId,
      claimToken,
      error: { message: "Délai dépassé : la tâche a duré plus de 1800 s." },
      retryable: true,
    });
    await expectFailedKeepingGeneration1(t, documentId, /Délai dépassé/);

    await (await asStaffMember(t)).mutation(api.jobs.retry, { jobId });
    let document = await documentRow(t, documentId);
    expect(document.status).toBe("uploaded");
    expect(document.error).toBeUndefined();
    const again = await claim(t, "document.ingest");
    const worker = asWorker(t);
    await worker.mutation(api.ingestion.setStatus, { documentId, status: "extracting" });
    // A fresh generation number: never mixed with leftovers of the discarded one.
    const begun = await worker.mutation(api.ingestion.beginGeneration, { documentId });
    expect(begun!.generation).toBeGreaterThan(1);
    await worker.mutation(api.ingestion.setStatus, { documentId, status: "embedding" });
    await writeChunks(t, documentId, begun!.generation, 1);
    await worker.mutation(api.ingestion.activateGeneration, {
      documentId,
      generation: begun!.generation,
      embeddingModel: MODEL,
      pages: 1,
      ocrPages: 0,
      chunkCount: 1,
    });
    await worker.mutation(api.jobs.complete, { jobId, claimToken: again.claimToken });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    document = await documentRow(t, documentId);
    expect(document.status).toBe("indexed");
    expect(await chunkGenerations(t, documentId)).toEqual([begun!.generation]);
  });

  it("cancelling a pending ingest fails a new document, keeping no chunk", async () => {
    const { t } = await freshWorld();
    const { documentId } = await t.run(async (ctx) => {
      const storageId = await ctx.storage.store(new Blob(["%PDF-1.4 copie"]));
      return await insertDocumentRecord(ctx, {
        storageId,
        title: "Copie",
        scope: "global",
        mime: "application/pdf",
        size: 14,
        sha256: "b".repeat(64),
      });
    });
    const job = await t.run(
      async (ctx) => (await ctx.db.query("jobs").withIndex("by_createdAt").first())!,
    );
    await (await asStaffMember(t)).mutation(api.jobs.cancel, { jobId: job._id });
    const document = await documentRow(t, documentId);
    expect(document.status).toBe("failed");
    expect(document.error).toMatch(/annulée/);
  });

  it("ingestion.setStatus refuses failed, indexed and moves out of a finished status", async () => {
    const { t, documentId, jobId, claimToken } = await reindexing();
    const worker = asWorker(t);
    for (const status of ["failed", "indexed"] as const) {
      expect(await codeOf(worker.mutation(api.ingestion.setStatus, { documentId, status }))).toBe(
        "INVALID_STATE",
      );
    }
    await worker.mutation(api.jobs.fail, {
      jobId,
      claimToken,
      error: { message: "x" },
      retryable: false,
    });
    expect(
      await codeOf(worker.mutation(api.ingestion.setStatus, { documentId, status: "extracting" })),
    ).toBe("INVALID_STATE");
    expect((await documentRow(t, documentId)).status).toBe("failed");
  });
});

// ---------------------------------------------------------------------------
// Secrets never stored

const OPENAI_KEY = "sk-proj-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe";
const JWT =
  "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ3b3JrZXI6cHJvZCIsImV4cCI6MTcwMDAwMDAwMH0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
const LEAKY = {
  message: `OpenAI 401: Incorrect API key provided: ${OPENAI_KEY} (Authorization: Bearer ${JWT})`,
  stack: `Error: key=${OPENAI_KEY}\n    at call (https://user:pw@api.test/v1?token=${JWT})`,
};

async function storedTexts(t: T, jobId: Id<"jobs">) {
  return await t.run(async (ctx) => {
    const job = (await ctx.db.get(jobId))!;
    const events = await ctx.db
      .query("jobEvents")
      .withIndex("by_jobId_and_at", (q) => q.eq("jobId", jobId))
      .collect();
    return [
      job.lastError?.message ?? "",
      job.lastError?.stack ?? "",
      ...events.map((event) => event.message ?? ""),
    ].join("\n");
  });
}

function expectNoSecret(text: string) {
  expect(text).not.toContain(OPENAI_KEY);
  expect(text).not.toContain(JWT);
  expect(text).not.toContain("pw@");
  expect(text).toContain("[secret masqué]");
}

describe("secrets in job errors", () => {
  it("are removed from jobs.lastError, jobEvents and bilans.failure", async () => {
    const { t, bilanId, jobId, claimToken } = await generating();
    await asWorker(t).mutation(api.jobs.fail, {
      jobId,
      claimToken: claimToken!,
      error: LEAKY,
      retryable: false,
    });
    expectNoSecret(await storedTexts(t, jobId));
    const bilan = await bilanRow(t, bilanId);
    expectNoSecret(bilan.failure!.message);
    expect(bilan.failure!.message).toMatch(/^OpenAI 401: Incorrect API key provided/);
  });

  it("are removed from documents.error", async () => {
    const { t, documentId, jobId, claimToken } = await reindexing();
    await asWorker(t).mutation(api.jobs.fail, {
      jobId,
      claimToken,
      error: LEAKY,
      retryable: false,
    });
    expectNoSecret(await storedTexts(t, jobId));
    expectNoSecret((await documentRow(t, documentId)).error!);
  });

  it("are removed when they equal a secret of the deployment's environment", async () => {
    const secret = "local-signing-secret-1234567890";
    vi.stubEnv("RESEND_API_KEY", secret);
    try {
      const { t, bilanId, jobId, claimToken } = await generating();
      await asWorker(t).mutation(api.jobs.fail, {
        jobId,
        claimToken: claimToken!,
        error: { message: `Resend a refusé la clé ${secret}.` },
        retryable: false,
      });
      expect(await storedTexts(t, jobId)).not.toContain(secret);
      expect((await bilanRow(t, bilanId)).failure!.message).toBe(
        "Resend a refusé la clé [secret masqué].",
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
