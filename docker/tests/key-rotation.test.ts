// Rotating the worker key without downtime, as docs/operations.md tells the operator to:
// `nexus-worker keys rotate` (new key, old one kept, WORKER_JWKS accepting both), the
// deployment takes the new WORKER_JWKS (here: the local runtime restarted on the same data
// and port, as `convex env set` + `convex deploy` do), workers are restarted one by one, then
// `keys rotate --finish` and the deployment takes the JWKS with the new key alone.
// Jobs keep flowing throughout; the old key is refused at the end.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signWorkerToken } from "@nexus/service-auth/service-tokens";
import { ConvexHttpClient } from "convex/browser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiKeyClient,
  type Client,
  devAuth,
  repoRoot,
  runtimeBin,
  startWorkerProcess,
  type WorkerProc,
  waitFor,
  workerBin,
} from "../../apps/worker/test/harness.ts";
import { api } from "../../convex/_generated/api.js";

const keyDir = mkdtempSync(join(tmpdir(), "nexus-rotation-keys-"));
const dataDir = mkdtempSync(join(tmpdir(), "nexus-rotation-data-"));
const STAFF = "rotation@harness.test";

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function cli(args: string[]) {
  const result = spawnSync("bun", [workerBin, ...args], { cwd: repoRoot, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`nexus-worker ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

const file = (name: string) => readFileSync(join(keyDir, name), "utf8").trim();

let ports: { port: number; site: number };
let runtime: ChildProcess | undefined;
let url = "";
let staff: Client;
const workers: WorkerProc[] = [];

/** The local runtime on the same data folder and ports, with the key folder's current JWKS. */
async function startDeployment() {
  const child = spawn(
    "bun",
    [
      runtimeBin,
      "--functions",
      "convex",
      "--port",
      String(ports.port),
      "--site-port",
      String(ports.site),
      "--data",
      dataDir,
    ],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        WORKER_JWKS: file("worker-jwks.json"),
        API_KEY_SIGNING_KEY: file("api-key-signing-key.json"),
        DEV_AUTH_ISSUER: devAuth.issuer,
        DEV_AUTH_JWKS_URL: devAuth.jwksUrl,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`runtime did not start:\n${output}`)), 60_000);
    const feed = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("Convex local HTTP actions at")) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout?.on("data", feed);
    child.stderr?.on("data", feed);
    child.once("exit", (code) => fail(new Error(`runtime exited (${code}):\n${output}`)));
  });
  runtime = child;
  url = `http://127.0.0.1:${ports.port}`;
}

async function stopDeployment() {
  const child = runtime;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((done) => child.once("exit", done));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Is a worker token signed with this private key accepted by the deployment? */
async function accepted(privateKey: string): Promise<boolean> {
  const client = new ConvexHttpClient(url);
  client.setAuth((await signWorkerToken(JSON.parse(privateKey), "rotation-probe")).token);
  try {
    await client.query(api.jobs.dueWork, { kinds: ["system.echo"] });
    return true;
  } catch {
    return false;
  }
}

async function spawnWorker(id: string, privateKey: string) {
  const worker = await startWorkerProcess(url, {
    WORKER_ID: id,
    WORKER_PRIVATE_KEY: privateKey,
    POLL_INTERVAL_MS: "500",
  });
  workers.push(worker);
  return worker;
}

/** Enqueues `count` echo jobs and waits until each is completed; returns who completed them. */
async function flow(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { job } = await staff.mutation(api.jobs.enqueue, {
      kind: "system.echo",
      payload: { sleepMs: 5 },
    });
    ids.push(job.id);
  }
  return await waitFor(
    async () => {
      const jobs = await Promise.all(ids.map((jobId) => staff.query(api.jobs.get, { jobId })));
      if (!jobs.every(({ job }) => job.status === "completed")) return null;
      return jobs.map(({ job }) => job.leaseOwner ?? "");
    },
    45_000,
    `${count} jobs completed`,
  );
}

beforeAll(async () => {
  ports = { port: await freePort(), site: await freePort() };
  cli(["keys", "generate", "--dir", keyDir]);
  await startDeployment();
  // The operator's first steps: sign in once, bootstrap an admin key with the worker key.
  const person = new ConvexHttpClient(url);
  person.setAuth(await devAuth.token(STAFF));
  await person.mutation(api.users.ensureCurrent, {});
  const worker = new ConvexHttpClient(url);
  worker.setAuth(
    (await signWorkerToken(JSON.parse(file("worker-private-key.json")), "boot")).token,
  );
  const { key } = await worker.mutation(api.apiKeys.bootstrap, { email: STAFF, label: "rotation" });
  staff = apiKeyClient(url, `http://127.0.0.1:${ports.site}`, key);
});

afterAll(async () => {
  for (const w of workers) w.kill("SIGKILL");
  await Promise.all(workers.map((w) => w.exited));
  await stopDeployment();
  rmSync(keyDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe("rotating the worker key", () => {
  it("keeps jobs flowing while both keys are accepted, then refuses the old one", async () => {
    const oldKey = file("worker-private-key.json");
    const oldWorker = await spawnWorker("rot-old", oldKey);
    expect(new Set(await flow(5))).toEqual(new Set(["rot-old"]));

    // 1. New key, JWKS with both kids; the deployment takes it (env set + deploy).
    cli(["keys", "rotate", "--dir", keyDir]);
    const newKey = file("worker-private-key.json");
    expect(file("worker-private-key.previous.json")).toBe(oldKey);
    const kids = (JSON.parse(file("worker-jwks.json")) as { keys: { kid: string }[] }).keys.map(
      (k) => k.kid,
    );
    expect(kids).toEqual([JSON.parse(oldKey).kid, JSON.parse(newKey).kid]);
    await stopDeployment();
    await startDeployment();
    expect(await accepted(oldKey)).toBe(true);
    expect(await accepted(newKey)).toBe(true);
    // The running worker, still on the old key, reconnects and keeps working.
    expect(new Set(await flow(5))).toEqual(new Set(["rot-old"]));

    // 2. Workers restarted one by one on the new key: jobs keep flowing.
    const newWorker = await spawnWorker("rot-new", newKey);
    expect(await oldWorker.stop()).toBe(0);
    expect(new Set(await flow(5))).toEqual(new Set(["rot-new"]));

    // 3. The old key removed: refused; the new one and its worker go on.
    cli(["keys", "rotate", "--finish", "--dir", keyDir]);
    expect((JSON.parse(file("worker-jwks.json")) as { keys: unknown[] }).keys).toHaveLength(1);
    await stopDeployment();
    await startDeployment();
    expect(await accepted(oldKey)).toBe(false);
    expect(await accepted(newKey)).toBe(true);
    expect(new Set(await flow(5))).toEqual(new Set(["rot-new"]));
    expect(await newWorker.stop()).toBe(0);
  });
});
