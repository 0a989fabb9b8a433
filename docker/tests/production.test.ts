// The production artefacts, built exactly as the Dockerfiles build them (`bun run build`), run
// against the local runtime: the built web server (NODE_ENV=production, Clerk mode) and three
// replicas of the bundled worker (laid out as in its image: bundle + externals only) with no WORKER_ID (each names itself host-pid, as each
// container does). Health endpoints answer, 300 system.echo jobs are completed exactly once
// across the replicas, a scanned page and a PDF are indexed (OCR and pdf.js from the bundle's
// externals), and SIGTERM drains every replica to exit 0.
import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { renderStarterDocument, starterSources } from "@nexus/knowledge/starter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Runtime,
  repoRoot,
  startRuntime,
  WORKER_PRIVATE_KEY,
  waitFor,
} from "../../apps/worker/test/harness.ts";
import { api } from "../../convex/_generated/api.js";

const JOBS = 300;
const REPLICAS = 3;

/**
 * A command run without blocking this process: spawnSync froze the event loop for the whole
 * upload, so the workers' output pipes went unread and a keep-alive socket the runtime closed
 * meanwhile failed the next query (« other side closed », seen on a loaded machine).
 */
async function runAsync(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, {
      ...options,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    return {
      status: typeof failed.code === "number" ? failed.code : 1,
      stdout: failed.stdout ?? "",
      stderr: failed.stderr ?? String(error),
    };
  }
}

interface Started {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

function start(args: string[], env: Record<string, string>): Started {
  const child = spawn("bun", args, {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let buffer = "";
  const feed = (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    lines.push(...parts.filter(Boolean));
  };
  child.stdout?.on("data", feed);
  child.stderr?.on("data", feed);
  const exited = new Promise<number | null>((done) => child.on("close", (code) => done(code)));
  return { child, lines, exited };
}

function logLine(proc: Started, msg: string): Promise<Record<string, any>> {
  return waitFor(
    async () => {
      for (const line of proc.lines) {
        if (!line.includes(`"${msg}"`)) continue;
        return JSON.parse(line) as Record<string, any>;
      }
      if (proc.child.exitCode !== null) {
        throw new Error(`exited (${proc.child.exitCode}):\n${proc.lines.join("\n")}`);
      }
      return null;
    },
    60_000,
    msg,
  );
}

function parsed(proc: Started, msg: string): Record<string, any>[] {
  return proc.lines.flatMap((line) => {
    if (!line.includes(`"${msg}"`)) return [];
    try {
      return [JSON.parse(line) as Record<string, any>];
    } catch {
      return [];
    }
  });
}

async function stop(proc: Started | undefined): Promise<number | null> {
  if (!proc) return null;
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill("SIGTERM");
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), 20_000);
  const code = await proc.exited;
  clearTimeout(timer);
  return code;
}

let runtime: Runtime;
let web: Started;
const workers: Started[] = [];
let buildSeconds = 0;
const workerImage = mkdtempSync(join(tmpdir(), "nexus-worker-image-"));
const workerBundle = join(workerImage, "bin/nexus-worker.js");

beforeAll(async () => {
  const started = performance.now();
  const build = spawnSync("bun", ["scripts/build.ts"], { cwd: repoRoot, encoding: "utf8" });
  buildSeconds = (performance.now() - started) / 1000;
  if (build.status !== 0)
    throw new Error(`bun run build failed:\n${build.stdout}\n${build.stderr}`);
  // The worker image's layout: the bundle, its prompts, and only the externals of
  // dist/package.json installed beside it (the Dockerfile's runtime-deps stage), outside the
  // repository so nothing resolves from the workspace's node_modules.
  cpSync(join(repoRoot, "apps/worker/dist"), workerImage, { recursive: true });
  const install = spawnSync("bun", ["install", "--production", "--frozen-lockfile"], {
    cwd: workerImage,
    encoding: "utf8",
  });
  if (install.status !== 0)
    throw new Error(`bun install in the worker image failed:\n${install.stderr}`);
  runtime = await startRuntime();
});

afterAll(async () => {
  await Promise.all([stop(web), ...workers.map(stop)]);
  await runtime?.stop();
  rmSync(workerImage, { recursive: true, force: true });
});

describe("the built artefacts against the local runtime", () => {
  it("builds the web app and the worker bundle", () => {
    for (const artefact of [
      "apps/web/build/server.js",
      "apps/web/build/server/index.js",
      "apps/web/build/client",
      "apps/worker/dist/bin/nexus-worker.js",
      "apps/worker/dist/prompts/bilan-v1.system.md",
      "apps/worker/dist/package.json",
      "apps/worker/dist/bun.lock",
    ]) {
      expect(existsSync(join(repoRoot, artefact)), artefact).toBe(true);
    }
    console.log(`[production] bun run build: ${buildSeconds.toFixed(1)} s`);
  });

  it("serves the built web app in production mode with its health endpoints", async () => {
    web = start(["apps/web/build/server.js"], {
      NODE_ENV: "production",
      PORT: "0",
      HOST: "127.0.0.1",
      CONVEX_URL: runtime.url,
      SESSION_SECRET: "p".repeat(48),
      // Clerk mode (the dev sign-in is refused in production); nothing here calls Clerk.
      CLERK_PUBLISHABLE_KEY: `pk_test_${Buffer.from("nexus.clerk.accounts.dev$").toString("base64")}`,
      CLERK_SECRET_KEY: "sk_test_production_artefacts",
    });
    const started = await logLine(web, "web.started");
    expect(started).toMatchObject({ nodeEnv: "production", convex: "local", auth: "clerk" });
    expect(JSON.stringify(started)).not.toContain("sk_test_production_artefacts");
    const url = started.url as string;
    const healthz = await fetch(`${url}/healthz`);
    expect(healthz.status).toBe(200);
    expect(await healthz.json()).toEqual({ ok: true, service: "web" });
    // A hashed asset of the client build, served with a long cache.
    const html = await (await fetch(`${url}/`)).text();
    const asset = /\/assets\/[\w.-]+\.js/.exec(html)?.[0];
    expect(asset).toBeDefined();
    const assetResponse = await fetch(`${url}${asset}`);
    expect(assetResponse.status).toBe(200);
    expect(assetResponse.headers.get("cache-control")).toContain("immutable");
    expect((await fetch(`${url}/assets/../../server/index.js`)).status).not.toBe(200);
  });

  it(`drains ${JOBS} system.echo jobs exactly once across ${REPLICAS} bundled worker replicas`, async () => {
    for (let i = 0; i < REPLICAS; i++) {
      workers.push(
        start([workerBundle, "start"], {
          NODE_ENV: "production",
          CONVEX_URL: runtime.url,
          PUBLIC_APP_URL: "https://app.nexus.example",
          WORKER_PRIVATE_KEY,
          WORKER_HEALTH_PORT: "0",
          POLL_INTERVAL_MS: "1000",
          LLM_PROVIDER: "local",
          EMBEDDINGS_PROVIDER: "local",
        }),
      );
    }
    const configs = await Promise.all(workers.map((w) => logLine(w, "worker.config")));
    for (const config of configs) {
      expect(config).toMatchObject({ nodeEnv: "production", convex: "local", llm: "local" });
    }
    const listening = await Promise.all(workers.map((w) => logLine(w, "worker.health_listening")));
    await Promise.all(workers.map((w) => logLine(w, "worker.started")));
    // Ready once connected and a first poll succeeded (health-server.ts), which may come
    // just after "worker.started" on a busy machine: wait as a supervisor would.
    const ready = await Promise.all(
      listening.map(({ port }) =>
        waitFor(
          async () => {
            const response = await fetch(`http://127.0.0.1:${port}/readyz`);
            const body = (await response.json()) as { ready: boolean; workerId: string };
            return response.status === 200 ? body : null;
          },
          30_000,
          `replica on port ${port} ready`,
        ),
      ),
    );
    expect(ready.every((r) => r.ready)).toBe(true);
    // No WORKER_ID given: each replica derived a distinct one (host-pid).
    expect(new Set(ready.map((r) => r.workerId)).size).toBe(REPLICAS);

    // The web app's /api/health sees Convex and a fresh worker.
    const webUrl = (await logLine(web, "web.started")).url as string;
    const health = await fetch(`${webUrl}/api/health`);
    expect(await health.json()).toMatchObject({ web: "ok", convex: "ok", worker: "fresh" });
    expect(health.status).toBe(200);

    const started = performance.now();
    const ids = new Set<string>();
    for (let batch = 0; batch < JOBS / 20; batch++) {
      const created = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          runtime.staff.mutation(api.jobs.enqueue, {
            kind: "system.echo",
            payload: { sleepMs: (batch * 20 + i) % 15 },
          }),
        ),
      );
      for (const { job } of created) ids.add(job.id);
    }
    expect(ids.size).toBe(JOBS);
    const completedLines = () =>
      workers.flatMap((w, replica) =>
        parsed(w, "job.finished")
          .filter((l) => l.outcome === "completed" && ids.has(l.jobId))
          .map((l) => ({ jobId: l.jobId as string, replica })),
      );
    await waitFor(async () => completedLines().length >= JOBS, 120_000, `${JOBS} completions`);
    const drainSeconds = (performance.now() - started) / 1000;
    const lines = completedLines();
    expect(lines).toHaveLength(JOBS);
    expect(new Set(lines.map((l) => l.jobId)).size).toBe(JOBS);
    const perReplica = Array.from(
      { length: REPLICAS },
      (_, r) => lines.filter((l) => l.replica === r).length,
    );
    for (const count of perReplica) expect(count).toBeGreaterThan(0);
    console.log(
      `[production] ${JOBS} echo jobs enqueued and drained in ${drainSeconds.toFixed(1)} s by ${REPLICAS} replicas (${perReplica.join(" / ")})`,
    );

    // Convex agrees: every job completed, in one attempt, by one of the replicas.
    const workerIds = new Set(ready.map((r) => r.workerId));
    const sample = [...ids].filter((_, i) => i % 15 === 0);
    for (const id of sample) {
      const { job } = await runtime.staff.query(api.jobs.get, { jobId: id });
      expect(job).toMatchObject({ status: "completed", attempts: 1 });
      expect(workerIds.has(job.leaseOwner ?? "")).toBe(true);
    }
  });

  it("indexes a scanned page and a PDF through the bundle's externals (tesseract fra+eng, pdf.js)", async () => {
    // The bundled CLI uploads, the bundled workers extract, OCR, chunk and embed.
    const dir = mkdtempSync(join(tmpdir(), "nexus-production-docs-"));
    const sources = starterSources();
    const scan = sources.find((s) => s.format === "scan");
    const pdf = sources.find((s) => s.format === "pdf");
    if (!scan || !pdf) throw new Error("the starter set has a scan and a PDF");
    const files = [];
    for (const source of [scan, pdf]) {
      const rendered = await renderStarterDocument(source);
      const path = join(dir, rendered.filename);
      writeFileSync(path, rendered.bytes);
      files.push(path);
    }
    const add = await runAsync(
      "bun",
      [workerBundle, "documents", "add", ...files, "--json", "--timeout", "120"],
      {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "/tmp",
          CONVEX_URL: runtime.url,
          ...runtime.cliEnv,
        },
      },
    );
    rmSync(dir, { recursive: true, force: true });
    // (Live progress goes to stderr.)
    expect(add.status, `${add.stdout}\n${add.stderr}`).toBe(0);
    const documents = await runtime.staff.query(api.documents.list, { limit: 10 });
    const png = documents.find((d) => d.mime === "image/png");
    expect(png).toMatchObject({ status: "indexed", ocrPages: 1 });
    expect(documents.find((d) => d.mime === "application/pdf")).toMatchObject({
      status: "indexed",
    });
    const finished = workers.flatMap((w) => parsed(w, "job.finished"));
    expect(
      finished.filter((l) => l.kind === "document.ingest" && l.outcome === "completed"),
    ).toHaveLength(2);
  });

  it("drains on SIGTERM and exits 0 (what `docker compose stop` sends before stop_grace_period)", async () => {
    const codes = await Promise.all(workers.map(stop));
    expect(codes).toEqual([0, 0, 0]);
  });
});
