// The analytics counters (model/stats.ts) bumped by the mutations that make each event
// happen, and stats.dashboard reading them back: a bilan's way from submit to sent lands in
// its week and its delay bucket; job outcomes per kind; LLM tokens and cost; documents
// indexed; retries and repeated calls never count twice; the seed leaves counters that match
// what it inserted.
import type { Synthesis } from "@nexus/shared/synthesis";
import { ConvexError } from "convex/values";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { DEMO_BILANS } from "./model/seed";
import { bump, parisWeek, recountWeek } from "./model/stats";
import { makeConvexTest } from "./test.setup";
import { as, asStaffMember, asWorker, freshWorld, type T } from "./world.fixtures";

/** Monday 30 November 2026, 9:00 in Paris. */
const T0 = Date.UTC(2026, 10, 30, 8, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = "2026-11-30";
const PDF_SHA256 = "ab".repeat(32);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
});

const synthesis: Synthesis = {
  summary: "Bilan encourageant.",
  strengths: [{ domainId: "derivation", text: "La dérivation est maîtrisée." }],
  weaknesses: [{ domainId: "suites", text: "Les suites restent fragiles." }],
  recommendations: [
    {
      title: "Revoir les suites",
      text: "Refaire les exercices de base.",
      domainIds: ["suites"],
      sources: [],
    },
  ],
  studyPlan: [
    { week: 1, objectives: ["Suites"], activities: [{ description: "Exercices", hours: 2 }] },
  ],
  offers: [],
  parentSummary: "Votre enfant progresse.",
};

function advance(ms: number) {
  vi.setSystemTime(Date.now() + ms);
}

async function dashboard(t: T, weeks = 2, now = Date.now()) {
  return await (await asStaffMember(t)).query(api.stats.dashboard, { weeks, now });
}

async function claim(t: T, kind: "bilan.generate" | "system.echo") {
  const claimed = await asWorker(t).mutation(api.jobs.claim, {
    workerId: "w1",
    kinds: [kind],
    leaseMs: 30_000,
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

/** The bilan's way through the worker: generation (job completed), approval, final PDF, e-mails. */
async function deliver(t: T, bilanId: Id<"bilans">, generationHoursAfterSubmit: number) {
  const worker = asWorker(t);
  advance(generationHoursAfterSubmit * HOUR);
  const job = await claim(t, "bilan.generate");
  await worker.mutation(api.pipeline.beginGeneration, { bilanId });
  await worker.mutation(api.pipeline.saveSynthesis, {
    bilanId,
    synthesis,
    generation: {
      provider: "openai",
      model: "gpt-4o-mini",
      promptVersion: "bilan-v1",
      inputTokens: 1_000,
      outputTokens: 500,
      durationMs: 4_000,
      generatedAt: Date.now(),
    },
  });
  await worker.mutation(api.jobs.complete, { jobId: job.jobId, claimToken: job.claimToken });
  await as(t, "coach").mutation(api.review.approve, { bilanId, expectedVersion: 1 });
  const storageId = await t.run(
    async (ctx) => await ctx.storage.store(new Blob(["%PDF-final"], { type: "application/pdf" })),
  );
  await worker.mutation(api.pipeline.recordPdf, { bilanId, storageId, size: 10, final: true });
  const context = await worker.query(api.pipeline.bilanContext, { bilanId });
  for (const person of [...context.guardians, context.studentAccount!]) {
    const begun = await worker.mutation(api.pipeline.beginEmail, {
      bilanId,
      pdfVersion: 1,
      pdfSha256: PDF_SHA256,
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
      providerId: person.email,
    });
  }
  return await worker.mutation(api.pipeline.completeEmails, { bilanId, pdfVersion: 1 });
}

function total(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0);
}

describe("stats.dashboard: bilans", () => {
  it("counts a bilan submitted then sent in its week, and its delay in the 1–4 h bucket", async () => {
    const { t, world } = await freshWorld();
    const bilanId = world.bilans.own;
    await as(t, "eleve").mutation(api.bilans.submit, { bilanId });
    expect(await deliver(t, bilanId, 2)).toEqual({ sent: true, pending: [] });

    const data = await dashboard(t);
    expect(data.weeks).toEqual(["2026-11-23", WEEK]);
    // One series per stage and subject, sorted by key, a count per week (0 for the last one).
    expect(data.bilans).toEqual([
      { stage: "approved", subject: "maths", counts: [0, 1] },
      { stage: "sent", subject: "maths", counts: [0, 1] },
      { stage: "submitted", subject: "maths", counts: [0, 1] },
    ]);
    expect(data.delay).toEqual([{ bucket: "1to4h", count: 1, totalMs: 2 * HOUR }]);
    // gpt-4o-mini: 1 000 × $0.15 + 500 × $0.60 per million = $0.00045 = 414 µ€ at 0.92.
    expect(data.llm).toEqual([
      {
        provider: "openai",
        model: "gpt-4o-mini",
        calls: [0, 1],
        inputTokens: [0, 1_000],
        outputTokens: [0, 500],
        costMicroEur: [0, 414],
      },
    ]);
    expect(data.jobs).toEqual([{ kind: "bilan.generate", outcome: "completed", counts: [0, 1] }]);
    expect(data.usdToEur).toBe(0.92);
    expect(data.truncated).toBe(false);

    // A retried email job finds the bilan sent: nothing is counted twice.
    advance(HOUR);
    await asWorker(t).mutation(api.pipeline.completeEmails, { bilanId, pdfVersion: 1 });
    const again = await dashboard(t);
    expect(again.bilans).toEqual(data.bilans);
    expect(again.delay).toEqual(data.delay);
  });

  it("counts a draft created, and a generation failure, per subject", async () => {
    const { t, world } = await freshWorld();
    // The fixture's drafts are inserted directly: a new draft goes through createDraft.
    await as(t, "eleve").mutation(api.bilans.submit, { bilanId: world.bilans.own });
    const nsi = await as(t, "assistante").mutation(api.bilans.createDraft, {
      studentId: world.students.own,
      subject: "physique-chimie",
    });
    expect(nsi).toBeTruthy();
    await t.run(async (ctx) => {
      const job = (await ctx.db.query("jobs").first())!;
      await ctx.db.patch(job._id, { maxAttempts: 1 });
    });
    const job = await claim(t, "bilan.generate");
    await asWorker(t).mutation(api.pipeline.beginGeneration, { bilanId: world.bilans.own });
    await asWorker(t).mutation(api.jobs.fail, {
      jobId: job.jobId,
      claimToken: job.claimToken,
      error: { message: "fournisseur indisponible" },
      retryable: true,
    });
    const data = await dashboard(t);
    expect(data.bilans).toEqual([
      { stage: "created", subject: "physique-chimie", counts: [0, 1] },
      { stage: "failed", subject: "maths", counts: [0, 1] },
      { stage: "submitted", subject: "maths", counts: [0, 1] },
    ]);
    expect(data.jobs).toEqual([{ kind: "bilan.generate", outcome: "failed", counts: [0, 1] }]);
  });

  it("takes a sent bilan's delay from its submission, over weeks, into the > 3 days bucket", async () => {
    const { t, world } = await freshWorld();
    await as(t, "eleve").mutation(api.bilans.submit, { bilanId: world.bilans.own });
    await deliver(t, world.bilans.own, 8 * 24);
    const data = await dashboard(t, 3);
    expect(data.weeks).toEqual(["2026-11-23", "2026-11-30", "2026-12-07"]);
    expect(data.bilans).toEqual([
      { stage: "approved", subject: "maths", counts: [0, 0, 1] },
      { stage: "sent", subject: "maths", counts: [0, 0, 1] },
      { stage: "submitted", subject: "maths", counts: [0, 1, 0] },
    ]);
    expect(data.delay).toEqual([{ bucket: "gt3d", count: 1, totalMs: 8 * DAY }]);
    // A range that stops before the sending week does not see it.
    const before = await dashboard(t, 1, T0);
    expect(before.weeks).toEqual([WEEK]);
    expect(before.bilans).toEqual([{ stage: "submitted", subject: "maths", counts: [1] }]);
    expect(before.delay).toEqual([]);
  });
});

describe("stats.dashboard: jobs", () => {
  it("counts retried, failed for good and completed per kind, once each", async () => {
    const { t } = await freshWorld();
    const staff = await asStaffMember(t);
    const { job } = await staff.mutation(api.jobs.enqueue, {
      kind: "system.echo",
      payload: { sleepMs: 0 },
      maxAttempts: 2,
    });
    const fail = async () => {
      const claimed = await claim(t, "system.echo");
      return await asWorker(t).mutation(api.jobs.fail, {
        jobId: claimed.jobId,
        claimToken: claimed.claimToken,
        error: { message: "échec volontaire" },
        retryable: true,
      });
    };
    expect((await fail()).status).toBe("pending");
    advance(HOUR);
    expect((await fail()).status).toBe("failed");
    await staff.mutation(api.jobs.retry, { jobId: job.id });
    const claimed = await claim(t, "system.echo");
    const worker = asWorker(t);
    await worker.mutation(api.jobs.complete, {
      jobId: claimed.jobId,
      claimToken: claimed.claimToken,
    });
    // A worker that completes again (a retried network call) is refused before counting.
    expect(
      await codeOf(
        worker.mutation(api.jobs.complete, {
          jobId: claimed.jobId,
          claimToken: claimed.claimToken,
        }),
      ),
    ).toBe("LEASE_LOST");
    // A pending job cancelled by staff.
    const other = await staff.mutation(api.jobs.enqueue, {
      kind: "system.echo",
      payload: { sleepMs: 0 },
    });
    await staff.mutation(api.jobs.cancel, { jobId: other.job.id });

    expect((await dashboard(t)).jobs).toEqual([
      { kind: "system.echo", outcome: "cancelled", counts: [0, 1] },
      { kind: "system.echo", outcome: "completed", counts: [0, 1] },
      { kind: "system.echo", outcome: "failed", counts: [0, 1] },
      { kind: "system.echo", outcome: "retried", counts: [0, 1] },
    ]);
  });

  it("sums the days of a week into that week", async () => {
    const { t } = await freshWorld();
    const staff = await asStaffMember(t);
    for (const day of [0, 1, 6]) {
      vi.setSystemTime(T0 + day * DAY);
      await staff.mutation(api.jobs.enqueue, { kind: "system.echo", payload: { sleepMs: 0 } });
      const claimed = await claim(t, "system.echo");
      await asWorker(t).mutation(api.jobs.complete, {
        jobId: claimed.jobId,
        claimToken: claimed.claimToken,
      });
    }
    vi.setSystemTime(T0 + 7 * DAY);
    const data = await dashboard(t);
    expect(data.weeks).toEqual([WEEK, "2026-12-07"]);
    expect(data.jobs).toEqual([{ kind: "system.echo", outcome: "completed", counts: [3, 0] }]);
    const rows = await t.run(async (ctx) => await ctx.db.query("statCounters").collect());
    expect(rows.map((row) => row.bucket).sort()).toEqual([
      "2026-11-30",
      "2026-12-01",
      "2026-12-06",
    ]);
  });
});

describe("stats.dashboard: documents", () => {
  it("counts a first indexing and a re-index apart, with their pages", async () => {
    const { t } = await freshWorld();
    const worker = asWorker(t);
    const documentId = await t.run(async (ctx) => {
      const storageId = await ctx.storage.store(new Blob(["%PDF-1.4 fiche"]));
      return await ctx.db.insert("documents", {
        scope: "global",
        title: "Fiche dérivées",
        mime: "application/pdf",
        size: 14,
        sha256: "a".repeat(64),
        storageId,
        status: "uploaded",
        createdAt: Date.now(),
        updatedAt: Date.now(),
      });
    });
    for (const generation of [1, 2]) {
      await worker.mutation(api.ingestion.setStatus, { documentId, status: "extracting" });
      expect(await worker.mutation(api.ingestion.beginGeneration, { documentId })).toEqual({
        generation,
      });
      await worker.mutation(api.ingestion.activateGeneration, {
        documentId,
        generation,
        embeddingModel: "local-test",
        pages: 3,
        ocrPages: 0,
        chunkCount: 0,
      });
    }
    const data = await dashboard(t);
    expect(data.documents).toEqual([
      { kind: "new", counts: [0, 1], pages: [0, 3] },
      { kind: "reindex", counts: [0, 1], pages: [0, 3] },
    ]);
  });
});

// Mutants this catches: series left in first-seen order, a week's numbers put at the wrong
// index (or appended rather than aligned), a sum missing from an entry not read as 0, a week
// outside the range counted, a delay bucket not summed over the weeks.
describe("stats.dashboard: series", () => {
  it("gives one series per key, sorted, with a number per week aligned on the weeks", async () => {
    const { t } = await freshWorld();
    const summaries: [string, string, { key: string; count: number; sums?: object }[]][] = [
      [
        "jobs",
        "2026-11-09",
        [
          { key: "system.echo|failed", count: 2 },
          { key: "bilan.pdf|completed", count: 5 },
        ],
      ],
      ["jobs", "2026-11-23", [{ key: "bilan.pdf|completed", count: 1 }]],
      // The week before the range, and a week not starting on a Monday (never written so).
      ["jobs", "2026-11-18", [{ key: "system.echo|failed", count: 100 }]],
      ["jobs", "2026-11-02", [{ key: "aria.answer|completed", count: 9 }]],
      [
        "llm",
        "2026-11-16",
        [
          {
            key: "openai|gpt-4o",
            count: 1,
            sums: { inputTokens: 10, outputTokens: 20, costMicroEur: 30 },
          },
          { key: "local|local-writer-v1", count: 2 },
        ],
      ],
      ["bilanDelay", "2026-11-09", [{ key: "lt1h", count: 1, sums: { ms: 1_000 } }]],
      [
        "bilanDelay",
        WEEK,
        [
          { key: "lt1h", count: 2, sums: { ms: 3_000 } },
          { key: "gt3d", count: 1, sums: { ms: 5 } },
        ],
      ],
      ["documents", WEEK, [{ key: "reindex", count: 1, sums: { pages: 2 } }]],
      [
        "bilans",
        "2026-11-23",
        [
          { key: "submitted|nsi", count: 1 },
          { key: "created|nsi", count: 3 },
        ],
      ],
    ];
    await t.run(async (ctx) => {
      for (const [metric, week, entries] of summaries) {
        await ctx.db.insert("statWeeks", {
          metric: metric as "jobs",
          week,
          entries: entries as { key: string; count: number }[],
          updatedAt: 0,
        });
      }
    });
    const data = await dashboard(t, 4, T0);
    expect(data.weeks).toEqual(["2026-11-09", "2026-11-16", "2026-11-23", WEEK]);
    expect(data.jobs).toEqual([
      { kind: "bilan.pdf", outcome: "completed", counts: [5, 0, 1, 0] },
      { kind: "system.echo", outcome: "failed", counts: [2, 0, 0, 0] },
    ]);
    expect(data.llm).toEqual([
      {
        provider: "local",
        model: "local-writer-v1",
        calls: [0, 2, 0, 0],
        inputTokens: [0, 0, 0, 0],
        outputTokens: [0, 0, 0, 0],
        costMicroEur: [0, 0, 0, 0],
      },
      {
        provider: "openai",
        model: "gpt-4o",
        calls: [0, 1, 0, 0],
        inputTokens: [0, 10, 0, 0],
        outputTokens: [0, 20, 0, 0],
        costMicroEur: [0, 30, 0, 0],
      },
    ]);
    expect(data.delay).toEqual([
      { bucket: "gt3d", count: 1, totalMs: 5 },
      { bucket: "lt1h", count: 3, totalMs: 4_000 },
    ]);
    expect(data.documents).toEqual([
      { kind: "reindex", counts: [0, 0, 0, 1], pages: [0, 0, 0, 2] },
    ]);
    expect(data.bilans).toEqual([
      { stage: "created", subject: "nsi", counts: [0, 0, 3, 0] },
      { stage: "submitted", subject: "nsi", counts: [0, 0, 1, 0] },
    ]);
    expect(data.truncated).toBe(false);
  });
});

describe("stats.dashboard: access and bounds", () => {
  it("is for staff only and refuses a period outside 1–26 weeks in French", async () => {
    const { t } = await freshWorld();
    for (const caller of ["coach", "parent", "eleve"] as const) {
      expect(await codeOf(as(t, caller).query(api.stats.dashboard, { weeks: 4, now: T0 }))).toBe(
        "FORBIDDEN",
      );
    }
    for (const weeks of [0, 27, 1.5]) {
      const error = await (await asStaffMember(t))
        .query(api.stats.dashboard, { weeks, now: T0 })
        .catch((e: unknown) => e);
      expect((error as ConvexError<{ code: string; message: string }>).data).toMatchObject({
        code: "INVALID_ARGUMENT",
        message: expect.stringMatching(/entre 1 et 26 semaines/),
      });
    }
  });

  it("reads only the summaries of the requested weeks, recounted from the counters", async () => {
    const { t } = await freshWorld();
    await t.run(async (ctx) => {
      for (let i = 0; i < 300; i++) {
        await ctx.db.insert("statCounters", {
          metric: "jobs",
          bucket: "2026-01-05",
          key: `system.echo|completed`,
          count: 1,
          updatedAt: 0,
        });
      }
      await ctx.db.insert("statCounters", {
        metric: "jobs",
        bucket: "2026-12-02",
        key: "system.echo|completed",
        count: 4,
        updatedAt: 0,
      });
    });
    // Counter rows written without their summaries (as before statWeeks existed): a recount.
    expect((await dashboard(t, 2, T0 + 3 * DAY)).jobs).toEqual([]);
    expect(
      await t.mutation(internal.stats.rebuildWeeks, { metric: "jobs", weeks: 53, now: T0 }),
    ).toEqual({ weeks: 53, entries: 2 });
    const data = await dashboard(t, 2, T0 + 3 * DAY);
    expect(data.jobs).toEqual([{ kind: "system.echo", outcome: "completed", counts: [0, 4] }]);
    // Over 26 weeks: the January counters are older, the other 25 weeks are zeros.
    const half = await dashboard(t, 26, T0);
    expect(half.weeks.at(-1)).toBe(WEEK);
    expect(half.jobs).toEqual([
      { kind: "system.echo", outcome: "completed", counts: [...Array(25).fill(0), 4] },
    ]);
    // A second recount changes nothing.
    await t.mutation(internal.stats.rebuildWeeks, { metric: "jobs", weeks: 53, now: T0 });
    expect(await dashboard(t, 2, T0 + 3 * DAY)).toEqual(data);
  });
});

// The dashboard reads only the weekly summaries: each must stay equal to the sum of its week's
// counter rows, whatever the order and the mix of bumps. Mutants this catches: a summary not
// bumped (or bumped twice) beside its counter, sums dropped or not added, a daily bump landing in
// the wrong week, entries merged across keys.
describe("weekly summaries", () => {
  const metrics = ["bilans", "bilanDelay", "jobs", "llm", "documents"] as const;
  const bumpArb = fc.record({
    metric: fc.constantFrom(...metrics),
    // Three weeks around T0, at any hour (Paris days and weeks from UTC instants).
    at: fc.integer({ min: T0 - 10 * DAY, max: T0 + 10 * DAY }),
    key: fc.constantFrom("a|x", "a|y", "b|x"),
    count: fc.integer({ min: 1, max: 3 }),
    sums: fc.option(fc.record({ ms: fc.integer({ min: 0, max: 1e6 }) }), { nil: undefined }),
  });

  it("stay equal to a recount of the counter rows", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(bumpArb, { minLength: 1, maxLength: 25 }), async (bumps) => {
        const t = makeConvexTest();
        const recounted = await t.run(async (ctx) => {
          for (const b of bumps) {
            await bump(ctx, b.metric, b.at, b.key, { count: b.count, sums: b.sums });
          }
          const summaries = await ctx.db.query("statWeeks").collect();
          const weeks = new Set(bumps.map((b) => `${b.metric} ${parisWeek(b.at)}`));
          expect(summaries.map((s) => `${s.metric} ${s.week}`).sort()).toEqual([...weeks].sort());
          return await Promise.all(
            summaries.map(async (s) => ({
              kept: s.entries,
              recount: await recountWeek(ctx, s.metric, s.week),
            })),
          );
        });
        for (const { kept, recount } of recounted) expect(kept).toEqual(recount);
        const total = recounted.flatMap((r) => r.kept).reduce((sum, e) => sum + e.count, 0);
        expect(total).toBe(bumps.reduce((sum, b) => sum + b.count, 0));
      }),
      { numRuns: 60, seed: 13 },
    );
  });
});

describe("seed and counters", () => {
  it("leaves counters that match the demo data it inserts, and a second run adds nothing", async () => {
    const { t } = await freshWorld();
    await asWorker(t).mutation(api.seed.run, {});
    const totals = async () => {
      const data = await dashboard(t, 4);
      const byStage: Record<string, number> = {};
      for (const series of data.bilans) {
        byStage[series.stage] = (byStage[series.stage] ?? 0) + total(series.counts);
      }
      return { byStage, llm: data.llm, jobs: data.jobs };
    };
    const first = await totals();
    const inserted = DEMO_BILANS.length;
    const submitted = DEMO_BILANS.filter((plan) => plan.status !== "draft").length;
    const generated = DEMO_BILANS.filter((p) => p.status === "review" || p.status === "sent");
    expect(first.byStage).toEqual({
      created: inserted,
      submitted,
      approved: DEMO_BILANS.filter((plan) => plan.status === "sent").length,
    });
    expect(first.llm.reduce((sum, series) => sum + total(series.calls), 0)).toBe(generated.length);
    expect(
      first.llm.every((series) => series.provider === "local" && total(series.costMicroEur) === 0),
    ).toBe(true);
    // The seed runs the generations of its reviewed and sent bilans itself, as completed jobs.
    expect(first.jobs.map((series) => [series.kind, series.outcome, total(series.counts)])).toEqual(
      [["bilan.generate", "completed", generated.length]],
    );
    await asWorker(t).mutation(api.seed.run, {});
    expect(await totals()).toEqual(first);
  });

  // Mutant this catches: seed.run without recountRecentWeeks (counters written before the
  // weekly summaries existed stay invisible to the dashboard).
  it("recounts the weekly summaries, so counters older than them show", async () => {
    const { t } = await freshWorld();
    await t.run(async (ctx) => {
      await ctx.db.insert("statCounters", {
        metric: "jobs",
        bucket: "2026-12-01",
        key: "system.echo|failed",
        count: 7,
        updatedAt: 0,
      });
    });
    expect((await dashboard(t, 1)).jobs).toEqual([]);
    await asWorker(t).mutation(api.seed.run, {});
    expect((await dashboard(t, 1)).jobs).toContainEqual({
      kind: "system.echo",
      outcome: "failed",
      counts: [7],
    });
  });
});
