// Benchmark: the bilan pipeline end to end, offline, with real processes (the local Convex
// runtime and one `nexus-worker start`, LLM_PROVIDER=local, email to the .eml outbox).
// Two intervals per bilan, both measured with the server's own timestamps:
//   submit → review: bilan.submittedAt → its `generated` revision's createdAt
//     (bilan.generate: retrieval, local writer, grounding check, save);
//   approve → sent: review.approvedAt → bilan.sentAt
//     (final bilan.pdf: render + upload, then email.send to every recipient).
// Bilans are submitted by seeded students through the public functions and approved by
// their coach, first one at a time, then in concurrent batches. Last stdout line: JSON.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getQuestionnaire, getSurvey } from "@nexus/shared/questionnaires";
import { ConvexHttpClient } from "convex/browser";
import { api } from "../../../convex/_generated/api.js";
import type { Id } from "../../../convex/_generated/dataModel.js";
import { demoAnswers } from "../../../convex/model/seed.ts";
import { devAuth, startRuntime, startWorkerProcess } from "../test/harness.ts";

const TARGETS = { submitToReviewP95Ms: 3_000, approveToSentP95Ms: 3_000 };
const WARMUP = 2;
const SEQUENTIAL = 20;
const CONCURRENT_BATCHES = 2;
const BATCH_SIZE = 5;
const COACH = "julien.moreau@demo.nexus-reussite.fr";
/** Seeded students with a linked parent (two recipients each) and the subjects open to them. */
const STUDENTS = [
  { email: "theo.lambert@demo.nexus-reussite.fr", subjects: ["maths", "nsi"] },
  { email: "camille.durand@demo.nexus-reussite.fr", subjects: ["maths", "nsi"] },
  { email: "lucas.durand@demo.nexus-reussite.fr", subjects: ["maths", "physique-chimie"] },
  { email: "yasmine.haddad@demo.nexus-reussite.fr", subjects: ["maths"] },
] as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

const summary = (values: number[]) => ({
  n: values.length,
  p50Ms: Math.round(percentile(values, 50)),
  p95Ms: Math.round(percentile(values, 95)),
  maxMs: Math.round(Math.max(...values)),
});

const auth = devAuth;
const outbox = mkdtempSync(join(tmpdir(), "nexus-bench-outbox-"));
const env = {
  EMBEDDINGS_PROVIDER: "local",
};
const runtime = await startRuntime(env);
const worker = await startWorkerProcess(runtime.url, {
  ...env,
  LLM_PROVIDER: "local",
  EMAIL_OUTBOX_DIR: outbox,
  PUBLIC_APP_URL: "http://localhost:3000",
  RESEND_API_KEY: "",
});

async function clientAs(email: string) {
  const client = new ConvexHttpClient(runtime.url);
  client.setAuth(await auth.token(email));
  await client.mutation(api.users.ensureCurrent, {});
  return client;
}

async function waitForBilan(
  client: ConvexHttpClient,
  bilanId: Id<"bilans">,
  done: (status: string) => boolean,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const bilan = await client.query(api.bilans.get, { bilanId });
    if (bilan.failure) {
      throw new Error(`bilan ${bilanId}: ${bilan.failure.stage} — ${bilan.failure.message}`);
    }
    if (done(bilan.status)) return bilan;
    if (Date.now() > deadline) throw new Error(`bilan ${bilanId} stuck at ${bilan.status}`);
    await sleep(25);
  }
}

try {
  await runtime.worker.mutation(api.seed.run, {});
  const coach = await clientAs(COACH);
  const students = await Promise.all(
    STUDENTS.map(async (s) => {
      const client = await clientAs(s.email);
      const mine = await client.query(api.students.listMine, {
        paginationOpts: { numItems: 5, cursor: null },
      });
      return { ...s, client, studentId: mine.page[0]!._id as Id<"students"> };
    }),
  );

  interface Sample {
    submitToReviewMs: number;
    approveToSentMs: number;
  }
  let counter = 0;
  // createDraft resumes a student's open draft of a subject, so concurrent runs for the same
  // student and subject take turns from draft to submit (timings are server-side, unaffected).
  const drafting = new Map<string, Promise<void>>();
  async function exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = drafting.get(key) ?? Promise.resolve();
    let done!: () => void;
    const current = new Promise<void>((resolve) => {
      done = resolve;
    });
    drafting.set(
      key,
      previous.then(() => current),
    );
    await previous;
    try {
      return await work();
    } finally {
      done();
    }
  }
  /** One bilan from draft to `sent`; returns the two server-timed intervals. */
  async function runOne(): Promise<Sample> {
    const n = counter++;
    const student = students[n % students.length]!;
    const subject = student.subjects[Math.floor(n / students.length) % student.subjects.length]!;
    const bilanId = await exclusive(`${student.studentId}:${subject}`, async () => {
      const id = await student.client.mutation(api.bilans.createDraft, {
        studentId: student.studentId,
        subject,
      });
      const draft = await student.client.query(api.bilans.get, { bilanId: id });
      await student.client.mutation(api.bilans.saveAnswers, {
        bilanId: id,
        answers: demoAnswers(getQuestionnaire(draft.questionnaireId), getSurvey(), {
          answered: 0.95,
          correct: 0.3 + ((n * 7) % 10) / 20,
          seed: 1000 + n,
        }),
      });
      await student.client.mutation(api.bilans.submit, { bilanId: id });
      return id;
    });
    const reviewed = await waitForBilan(coach, bilanId, (s) => s === "review");
    const [generated] = await coach.query(api.review.revisions, { bilanId });
    await coach.mutation(api.review.approve, {
      bilanId,
      expectedVersion: reviewed.synthesisVersion,
    });
    const sent = await waitForBilan(coach, bilanId, (s) => s === "sent");
    return {
      submitToReviewMs: generated!.createdAt - reviewed.submittedAt!,
      approveToSentMs: sent.sentAt! - sent.review!.approvedAt!,
    };
  }

  // Warm-up (module loading, font subsetting caches), not counted; the seeded jobs run too.
  for (let i = 0; i < WARMUP; i++) await runOne();

  const sequential: Sample[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) sequential.push(await runOne());
  const concurrent: Sample[] = [];
  for (let b = 0; b < CONCURRENT_BATCHES; b++) {
    concurrent.push(...(await Promise.all(Array.from({ length: BATCH_SIZE }, () => runOne()))));
  }

  const pick = (rows: Sample[], key: keyof Sample) => rows.map((r) => r[key]);
  const all = [...sequential, ...concurrent];
  const result = {
    benchmark: "bilan-pipeline",
    provider: "local",
    email: "outbox",
    sequential: {
      submitToReview: summary(pick(sequential, "submitToReviewMs")),
      approveToSent: summary(pick(sequential, "approveToSentMs")),
    },
    concurrent: {
      batchSize: BATCH_SIZE,
      submitToReview: summary(pick(concurrent, "submitToReviewMs")),
      approveToSent: summary(pick(concurrent, "approveToSentMs")),
    },
    all: {
      submitToReview: summary(pick(all, "submitToReviewMs")),
      approveToSent: summary(pick(all, "approveToSentMs")),
    },
    targets: TARGETS,
    ok:
      percentile(pick(all, "submitToReviewMs"), 95) < TARGETS.submitToReviewP95Ms &&
      percentile(pick(all, "approveToSentMs"), 95) < TARGETS.approveToSentP95Ms,
  };
  console.log(JSON.stringify(result));
} finally {
  await worker.stop();
  await runtime.stop();
  await auth.close();
  rmSync(outbox, { recursive: true, force: true });
}
process.exit(0);
