// The operator's commands against a local runtime: students and bilans to find ids, jobs
// pause/resume honoured by a running worker, jobs list --follow through the subscription,
// /metrics of that worker, a finished job without leftover progress, an unreachable Convex
// explained, and the human output checked for English leftovers.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "../../../convex/_generated/api.js";
import type { Id } from "../../../convex/_generated/dataModel.js";
import { englishWordsIn } from "../src/cli/english-words.test-helpers.ts";
import { parsePrometheus } from "../src/prometheus.test-helpers.ts";
import {
  type Runtime,
  repoRoot,
  runCliProcess,
  startRuntime,
  startWorkerProcess,
  WORKER_PRIVATE_KEY,
  type WorkerProc,
  workerBin,
} from "./harness.ts";

let runtime: Runtime;
let worker: WorkerProc;
let studentId: string;
let bilanId: string;
/** Every human (non --json) output of this file, checked for English at the end. */
const humanOutputs: string[] = [];

async function cli(...args: string[]) {
  const r = await runCliProcess(runtime, args);
  if (!args.includes("--json")) humanOutputs.push(r.stdout, r.stderr);
  return r;
}

async function json<T = any>(...args: string[]): Promise<T> {
  const r = await runCliProcess(runtime, [...args, "--json"]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
}

beforeAll(async () => {
  runtime = await startRuntime();
  studentId = await runtime.staff.mutation(api.students.create, {
    firstName: "Inès",
    lastName: "Zerbib",
    niveau: "terminale",
    statut: "scolarise",
    specialites: ["maths"],
    school: "Lycée Voltaire",
  });
  bilanId = await runtime.staff.mutation(api.bilans.createDraft, {
    studentId: studentId as Id<"students">,
    subject: "maths",
  });
  worker = await startWorkerProcess(runtime.url, { WORKER_CONCURRENCY: "system.echo=2" });
});

afterAll(async () => {
  await worker?.stop();
  await runtime?.stop();
});

describe("students and bilans", () => {
  it("students list/show: ids, bilans and documents, in JSON and for people", async () => {
    const list = await json<{ _id: string; lastName: string }[]>("students", "list");
    expect(list).toEqual([expect.objectContaining({ _id: studentId, lastName: "Zerbib" })]);
    const found = await json<{ _id: string }[]>("students", "list", "--search", "Zerbib");
    expect(found.map((s) => s._id)).toEqual([studentId]);

    const shown = await json("students", "show", studentId);
    expect(shown.student).toMatchObject({ _id: studentId, firstName: "Inès" });
    expect(shown.bilans).toEqual([expect.objectContaining({ _id: bilanId, status: "draft" })]);
    expect(shown.documents).toEqual([]);
    expect(shown.emails).toEqual([]);
    expect(shown).toHaveProperty("parents");

    const human = await cli("students", "show", studentId);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("Élève Inès Zerbib");
    expect(human.stdout).toContain("Brouillon");
    expect(human.stdout).toContain(bilanId);
    expect((await cli("students", "list")).stdout).toMatch(/^ID\s+NOM\s+PRÉNOM/);
  });

  it("bilans list/show: status, versions and e-mails", async () => {
    const list = await json<any[]>("bilans", "list");
    expect(list).toEqual([
      expect.objectContaining({
        _id: bilanId,
        status: "draft",
        student: { firstName: "Inès", lastName: "Zerbib" },
      }),
    ]);
    expect(await json("bilans", "list", "--status", "sent")).toEqual([]);
    expect((await json<any[]>("bilans", "list", "--student", studentId)).map((b) => b._id)).toEqual(
      [bilanId],
    );
    const detail = await json("bilans", "show", bilanId);
    expect(detail).toMatchObject({
      bilan: { _id: bilanId, status: "draft" },
      synthesisVersion: 0,
      revisions: [],
      reports: [],
      emails: [],
    });
    const human = await cli("bilans", "show", bilanId);
    expect(human.stdout).toContain("Versions de la synthèse (0)");
    expect(human.stdout).toContain("Mathématiques");
  });

  it("bad ids fail (exit 1) and bad options are usage errors (exit 2), in French", async () => {
    const badStudent = await cli("students", "show", "pas-un-id");
    expect(badStudent.code).toBe(1);
    expect(badStudent.stderr).toContain("identifiant d’élève invalide : pas-un-id");
    const badBilan = await cli("bilans", "show", "pas-un-id");
    expect(badBilan.code).toBe(1);
    expect(badBilan.stderr).toContain("Bilan introuvable");
    expect((await cli("bilans", "list", "--status", "fini")).code).toBe(2);
    expect((await cli("students", "list", "--limit", "abc")).code).toBe(2);
    expect((await cli("jobs", "pause")).code).toBe(2);
    expect((await cli("jobs", "resume", "pas.un.type")).code).toBe(2);
  });
});

describe("jobs", () => {
  it("pause stops every worker claiming the kind; resume lets it run", async () => {
    expect(await json("jobs", "pause", "system.echo", "--reason", "essai")).toMatchObject({
      kind: "system.echo",
      changed: true,
      paused: true,
    });
    expect(await json("jobs", "paused")).toEqual([
      expect.objectContaining({ kind: "system.echo", reason: "essai" }),
    ]);
    const { job } = await runtime.staff.mutation(api.jobs.enqueue, {
      kind: "system.echo",
      payload: { sleepMs: 0 },
    });
    // The worker has polled (claimed) since the job was enqueued, yet left it pending.
    const port = await worker.healthPort();
    const enqueuedAt = job.createdAt;
    for (;;) {
      const status = await (await fetch(`http://127.0.0.1:${port}/readyz`)).json();
      if ((status.lastPollOkAt ?? 0) > enqueuedAt + 50) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const still = await runtime.staff.query(api.jobs.get, { jobId: job.id });
    expect(still.job.status).toBe("pending");
    expect((await cli("jobs", "paused")).stdout).toContain("essai");
    expect((await json("stats")).paused).toEqual([
      expect.objectContaining({ kind: "system.echo" }),
    ]);
    expect((await cli("stats")).stdout).toContain("Types suspendus : system.echo");

    expect(await json("jobs", "resume", "system.echo")).toMatchObject({ changed: true });
    await runtime.waitForQuery(
      api.jobs.get,
      { jobId: job.id },
      (r) => r.job.status === "completed",
      30_000,
      "the job to run once resumed",
    );
    expect(await json("jobs", "paused")).toEqual([]);
  });

  it("a finished job shows no leftover progress; events are named in French", async () => {
    const { job } = await runtime.staff.mutation(api.jobs.enqueue, {
      kind: "system.echo",
      payload: { sleepMs: 1_500 },
    });
    // Wait for its progress to be stored, then for the end.
    await runtime.waitForQuery(api.jobs.get, { jobId: job.id }, (r) => r.job.progress, 30_000);
    const done = await runtime.waitForQuery(
      api.jobs.get,
      { jobId: job.id },
      (r) => (r.job.status === "completed" ? r : null),
      30_000,
    );
    // Convex keeps the last heartbeat's progress; the CLI never shows it for a finished job.
    expect(done.job.progress).toMatchObject({ stage: "sleep", percent: 0 });
    const shown = await json("jobs", "show", job.id);
    expect(shown.status).toBe("completed");
    expect(shown.progress).toBeUndefined();
    const listed = await json<any[]>("jobs", "list", "--limit", "5");
    expect(listed.find((j) => j.id === job.id)?.progress).toBeUndefined();
    const human = await cli("jobs", "show", job.id);
    expect(human.stdout).not.toContain("progression");
    expect(human.stdout).not.toMatch(/\b0 %/);
    expect(human.stdout).toContain("prise par un worker");
    expect(human.stdout).toContain("mise en file");
  });

  it("jobs list --follow streams changes through the subscription until Ctrl-C", async () => {
    const child: ChildProcess = spawn(
      "bun",
      [workerBin, "jobs", "list", "--follow", "--json", "--kind", "system.echo"],
      {
        cwd: repoRoot,
        env: { ...process.env, CONVEX_URL: runtime.url, WORKER_PRIVATE_KEY, ...runtime.cliEnv },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const lines: any[] = [];
    let stderr = "";
    const waiters = new Set<() => void>();
    let buffer = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      const parts = buffer.split("\n");
      buffer = parts.pop() ?? "";
      for (const part of parts) if (part.trim()) lines.push(JSON.parse(part));
      for (const w of waiters) w();
    });
    child.stderr!.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    const waitFor = (check: () => boolean) =>
      new Promise<void>((resolve, reject) => {
        const test = () => {
          if (check()) {
            waiters.delete(test);
            resolve();
          }
        };
        waiters.add(test);
        void exited.then(() => reject(new Error(`--follow exited early: ${stderr}`)));
        test();
      });
    try {
      // The current jobs come first (those of the tests above).
      await waitFor(() => lines.length > 0);
      const { job } = await runtime.staff.mutation(api.jobs.enqueue, {
        kind: "system.echo",
        payload: { sleepMs: 0 },
      });
      await waitFor(() => lines.some((l) => l.id === job.id && l.status === "completed"));
      const mine = lines.filter((l) => l.id === job.id).map((l) => l.status);
      expect(mine[mine.length - 1]).toBe("completed");
      for (const l of lines) if (l.status === "completed") expect(l.progress).toBeUndefined();
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).toBe(0);
  });

  it("/metrics: the worker's jobs by kind and outcome in Prometheus format", async () => {
    const port = await worker.healthPort();
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const samples = parsePrometheus(await response.text());
    const completed = samples.find(
      (s) =>
        s.name === "nexus_worker_jobs_total" &&
        s.labels.kind === "system.echo" &&
        s.labels.outcome === "completed",
    );
    expect(completed?.value).toBeGreaterThanOrEqual(3);
    expect(
      samples.find(
        (s) =>
          s.name === "nexus_worker_job_queue_age_seconds_count" && s.labels.kind === "system.echo",
      )?.value,
    ).toBeGreaterThanOrEqual(3);
    expect(samples.some((s) => s.name === "nexus_worker_process_resident_memory_bytes")).toBe(true);
  });
});

describe("errors and language", () => {
  it("an unreachable Convex names its URL and `bun run dev`, not ECONNREFUSED", async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, "127.0.0.1", () => {
        const p = (server.address() as { port: number }).port;
        server.close(() => resolve(p));
      });
    });
    const url = `http://127.0.0.1:${port}`;
    const r = await runCliProcess(runtime, ["jobs", "list"], {
      CONVEX_URL: url,
      CONVEX_SITE_URL: `http://127.0.0.1:${port}`,
    });
    humanOutputs.push(r.stderr);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(url);
    expect(r.stderr).toContain("bun run dev");
    expect(r.stderr).not.toContain("ECONNREFUSED");
  });

  it("zod's messages reach the operator in French", async () => {
    const r = await cli("jobs", "enqueue", "system.echo", "--payload", '{"sleepMs":-1}');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sleepMs : Trop petit/);
  });

  it("typical outputs have no English words", async () => {
    for (const args of [["jobs", "list"], ["stats"], ["workers"], ["alerts"], ["bilans", "list"]]) {
      const r = await cli(...args);
      expect(r.code).toBe(0);
    }
    const english = humanOutputs.flatMap((text) =>
      englishWordsIn(text).map((word) => `${word} in: ${text.slice(0, 300)}`),
    );
    expect(english).toEqual([]);
  });
});
