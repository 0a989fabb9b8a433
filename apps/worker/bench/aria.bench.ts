// `bun run bench aria`: ARIA offline, end to end on real processes (the local Convex runtime
// and `nexus-worker start`, LLM_PROVIDER=local, local embeddings, the seeded starter
// knowledge base): an élève's aria.ask → the worker wakes by subscription, retrieves, streams
// the answer into its message row. Times are the server's own: first text = firstTextAt −
// createdAt of the answer row, full answer = finishedAt − createdAt; p50/p95 over the
// questions, with the offline tutor's pace at 0 (all at once) and at its default (25 ms).
// The worker's own phase times (aria.answer_timing: picked up, answer started, tutor ready,
// passages retrieved, first text pushed; ms since the question) show where the time goes.
// The load average before and after each run is recorded: the figures depend on it.
// Target: first text p95 < 300 ms. Last stdout line: one JSON object.

import { loadavg } from "node:os";
import { api } from "../../../convex/_generated/api.js";
import type { Id } from "../../../convex/_generated/dataModel";
import { DEMO_DOMAIN } from "../../../packages/shared/src/demo-accounts.ts";
import { client, devAuth, startRuntime, startWorkerProcess, waitFor } from "../test/harness.ts";

const TARGET_FIRST_TEXT_P95_MS = 300;
const QUESTIONS = [
  "Quelle est l'équation de la tangente en un point ?",
  "Comment montrer qu'une suite est géométrique ?",
  "Que se passe-t-il quand le discriminant est négatif ?",
  "Comment calculer l'espérance d'une variable aléatoire ?",
  "Que dit le théorème des valeurs intermédiaires ?",
  "Comment faire une intégration par parties ?",
  "Quelles sont l'espérance et la variance de la loi binomiale ?",
  "Comment trouver le sommet d'une parabole avec la forme canonique ?",
  "Quelle est la formule de la somme des termes d'une suite géométrique ?",
  "Quelles sont les propriétés algébriques du logarithme népérien ?",
];

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

const PHASES = ["pickedUpMs", "startedMs", "tutorMs", "retrievedMs", "firstTextMs"] as const;
const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

async function measure(paceMs: number) {
  const runtime = await startRuntime();
  const worker = await startWorkerProcess(runtime.url, {
    LLM_PROVIDER: "local",
    EMBEDDINGS_PROVIDER: "local",
    ARIA_LOCAL_PACE_MS: String(paceMs),
  });
  try {
    await runtime.worker.mutation(api.seed.run, {});
    // The starter documents are indexed by the worker: wait until no ingest is left.
    await waitFor(
      async () => {
        const stats = await runtime.staff.query(api.jobs.stats, { now: Date.now() });
        const left = stats.counts
          .filter((c) => c.kind === "document.ingest")
          .filter((c) => c.status === "pending" || c.status === "running")
          .reduce((n, c) => n + c.count, 0);
        return left === 0 ? true : undefined;
      },
      600_000,
      "starter documents indexed",
    );
    // Seeding also queues bilans, PDFs, e-mails and receipts; measured beside that backlog,
    // ARIA's figures are those of the seed's jobs sharing the worker's event loop and the
    // runtime (up to ~1 s in the first answers). Measure ARIA: wait until nothing is running
    // and nothing is due (jobs scheduled for later, e.g. reminders, do not count).
    await waitFor(
      async () => {
        const stats = await runtime.staff.query(api.jobs.stats, { now: Date.now() });
        const running = stats.counts.some((c) => c.status === "running" && c.count > 0);
        const due = stats.health.kinds.some((k) => k.oldestDueAgeMs !== null);
        return running || due ? undefined : true;
      },
      600_000,
      "seeded jobs done",
    );
    const eleve = client(runtime.url, () => devAuth.token(`theo.lambert@${DEMO_DOMAIN}`));
    await eleve.mutation(api.users.ensureCurrent, {});
    const [card] = (
      await eleve.query(api.students.listMine, { paginationOpts: { numItems: 1, cursor: null } })
    ).page;
    await runtime.staff.mutation(api.aria.setSettings, {
      studentId: card!._id as Id<"students">,
      premium: true,
      monthlyTokenBudget: 10_000_000,
    });
    const conversationId = await eleve.mutation(api.aria.start, {
      subject: "maths",
      mode: "direct",
    });
    const loadBefore = load();
    const firstText: number[] = [];
    const full: number[] = [];
    for (const question of [...QUESTIONS, ...QUESTIONS]) {
      const { answerId } = await eleve.mutation(api.aria.ask, { conversationId, text: question });
      const answer = await runtime.waitForQuery(
        api.aria.conversation,
        { conversationId },
        (view) => {
          const m = view.messages.find((x) => x._id === answerId);
          return m && (m.status === "done" || m.status === "interrupted") ? m : undefined;
        },
        60_000,
        "answer finished",
      );
      if (answer.status !== "done" || !answer.firstTextAt || !answer.finishedAt) {
        throw new Error(`answer ${answerId} ended ${answer.status}: ${answer.error ?? ""}`);
      }
      firstText.push(answer.firstTextAt - answer.createdAt);
      full.push(answer.finishedAt - answer.createdAt);
    }
    const timings = worker
      .logs()
      .filter((l) => l.msg === "aria.answer_timing")
      .slice(-firstText.length);
    const phasesMs = Object.fromEntries(
      PHASES.map((phase) => {
        const values = timings.map((t) => Number(t[phase])).filter(Number.isFinite);
        return [phase, { p50: percentile(values, 50), p95: percentile(values, 95) }];
      }),
    );
    return {
      paceMs,
      questions: firstText.length,
      loadAverage: { before: loadBefore, after: load() },
      phasesMs,
      firstTextMs: { p50: percentile(firstText, 50), p95: percentile(firstText, 95) },
      fullAnswerMs: { p50: percentile(full, 50), p95: percentile(full, 95) },
    };
  } finally {
    await worker.stop();
    await runtime.stop();
  }
}

const results = [await measure(0), await measure(25)];
const firstTextP95 = Math.max(...results.map((r) => r.firstTextMs.p95));
console.log(
  JSON.stringify({
    bench: "aria",
    results,
    target: { firstTextP95Ms: TARGET_FIRST_TEXT_P95_MS },
    pass: firstTextP95 < TARGET_FIRST_TEXT_P95_MS,
  }),
);
process.exit(0);
