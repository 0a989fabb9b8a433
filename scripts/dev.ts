#!/usr/bin/env bun
// `bun run dev`: the whole product offline on one machine.
// Without CONVEX_URL: embedded local Convex runtime (data in .data/convex) → seed → worker → web.
// With CONVEX_URL: `convex dev` pushes convex/ to that deployment, then worker and web point at it.
// NEXUS_DATA_DIR (default .data, relative to the repository) moves every file this script, the
// seed, the worker's outbox and the web app's dev sign-in keys write: the e2e suite points it at
// a fresh folder per run.
// Ctrl-C (or SIGTERM): the web app and the worker stop first — the worker lets a running job
// finish, or releases it, within WORKER_SHUTDOWN_GRACE_MS — then the runtime, which the worker
// needs to release its jobs. Each child runs in its own process group, so the terminal's Ctrl-C
// reaches this script only and the order holds; a second Ctrl-C forces (the worker releases its
// jobs at once, the web app is killed), a third kills everything.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { generateServiceKeyPair } from "@nexus/service-auth/service-tokens";
import type { Subprocess } from "bun";

const root = join(import.meta.dir, "..");
const dataDir = resolve(root, process.env.NEXUS_DATA_DIR || ".data");
const LOCAL_PORT = Number(process.env.CONVEX_LOCAL_PORT ?? 3210);
const SITE_PORT = Number(process.env.CONVEX_LOCAL_SITE_PORT ?? 3211);
// NEXUS_WEB_PORT moves the web app (and the dev sign-in issuer with it): the test of this
// script (apps/worker/test/dev-command.test.ts) runs on free ports beside the e2e stack's.
const WEB_PORT = Number(process.env.NEXUS_WEB_PORT ?? 3000);

interface Child {
  name: string;
  proc: Subprocess;
}
const children: Child[] = [];
let stopping = false;
/** Signals received: 1 graceful, 2 force, 3 kill. */
let signals = 0;
let forceNow: () => void = () => {};
const forced = new Promise<void>((resolve) => {
  forceNow = resolve;
});
const SHUTDOWN_GRACE_MS = Number(process.env.WORKER_SHUTDOWN_GRACE_MS || 30_000);

function log(message: string) {
  console.log(`[dev] ${message}`);
}

/**
 * Dev-only service keys, generated once per data folder in <data>/dev-keys (never used in
 * production, where `nexus-worker keys generate` makes them): the worker's key pair and the
 * key that signs API-key session tokens.
 */
async function devServiceKeys() {
  const dir = join(dataDir, "dev-keys");
  const files = {
    workerPrivate: join(dir, "worker-private-key.json"),
    workerJwks: join(dir, "worker-jwks.json"),
    signing: join(dir, "api-key-signing-key.json"),
  };
  if (!existsSync(files.workerPrivate) || !existsSync(files.signing)) {
    mkdirSync(dir, { recursive: true });
    const worker = await generateServiceKeyPair();
    const signing = await generateServiceKeyPair();
    writeFileSync(files.workerPrivate, JSON.stringify(worker.privateJwk), { mode: 0o600 });
    writeFileSync(files.workerJwks, JSON.stringify(worker.publicJwks));
    writeFileSync(files.signing, JSON.stringify(signing.privateJwk), { mode: 0o600 });
  }
  return {
    convexEnv: {
      WORKER_JWKS: readFileSync(files.workerJwks, "utf8"),
      API_KEY_SIGNING_KEY: readFileSync(files.signing, "utf8"),
    },
    workerKeyFile: files.workerPrivate,
  };
}

function start(name: string, cmd: string[], env: Record<string, string>, cwd = root): Subprocess {
  const child = Bun.spawn(cmd, {
    cwd,
    env: { ...process.env, ...env },
    stdout: "pipe",
    stderr: "inherit",
    // Its own process group: Ctrl-C in the terminal reaches dev.ts only (see shutdown).
    detached: true,
  });
  children.push({ name, proc: child });
  log(`${name} started (pid ${child.pid})`);
  void pipeWithPrefix(name, child);
  void child.exited.then((code) => {
    if (!stopping) {
      log(`${name} exited with code ${code}; stopping everything.`);
      void shutdown(code === 0 ? 1 : code);
    }
  });
  return child;
}

const readyWaiters = new Map<string, { pattern: RegExp; resolve: () => void }>();

async function pipeWithPrefix(name: string, child: Subprocess) {
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = (child.stdout as ReadableStream<Uint8Array>).getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    buffer += decoder.decode(read.value, { stream: true });
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      console.log(`[${name}] ${line}`);
      const waiter = readyWaiters.get(name);
      if (waiter?.pattern.test(line)) {
        readyWaiters.delete(name);
        waiter.resolve();
      }
      newline = buffer.indexOf("\n");
    }
  }
}

function waitForLine(name: string, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not become ready in ${timeoutMs} ms`)),
      timeoutMs,
    );
    readyWaiters.set(name, {
      pattern,
      resolve: () => {
        clearTimeout(timer);
        resolve();
      },
    });
  });
}

/** Signals a child's whole process group (bunx → vite, bun → its workers). */
function signalGroup(child: Child, signal: NodeJS.Signals) {
  try {
    process.kill(-child.proc.pid, signal);
  } catch {
    // already gone
  }
}

function waitExit(list: Child[], timeoutMs: number): Promise<unknown> {
  return Promise.race([Promise.all(list.map((c) => c.proc.exited)), Bun.sleep(timeoutMs)]);
}

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  const apps = children.filter((c) => c.name !== "convex");
  const runtime = children.filter((c) => c.name === "convex");
  log("stopping: web and worker first (a running job finishes or goes back to the queue)…");
  for (const child of apps) signalGroup(child, "SIGTERM");
  // The worker's own grace period, then a margin; a second Ctrl-C shortens it.
  await Promise.race([
    waitExit(apps, SHUTDOWN_GRACE_MS + 5_000),
    forced.then(() => waitExit(apps, 5_000)),
  ]);
  for (const child of apps) signalGroup(child, "SIGKILL");
  log("stopping the Convex runtime…");
  for (const child of runtime) signalGroup(child, "SIGTERM");
  await Promise.race([waitExit(runtime, 10_000), forced.then(() => waitExit(runtime, 3_000))]);
  for (const child of children) signalGroup(child, "SIGKILL");
  log("stopped.");
  process.exit(code);
}

function onSignal() {
  signals++;
  if (signals === 1) {
    void shutdown(0);
  } else if (signals === 2) {
    log(
      "forcing: the worker releases its jobs now, the web app is killed (Ctrl-C again to kill all)",
    );
    for (const child of children) {
      if (child.name === "worker") signalGroup(child, "SIGTERM");
      else if (child.name !== "convex") signalGroup(child, "SIGKILL");
    }
    forceNow();
  } else {
    for (const child of children) signalGroup(child, "SIGKILL");
    process.exit(130);
  }
}

process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

const serviceKeys = await devServiceKeys();
const devAuth = {
  DEV_AUTH_ISSUER: process.env.DEV_AUTH_ISSUER ?? `http://127.0.0.1:${WEB_PORT}/dev-auth`,
  DEV_AUTH_JWKS_URL:
    process.env.DEV_AUTH_JWKS_URL ?? `http://127.0.0.1:${WEB_PORT}/dev-auth/jwks.json`,
};
let convexUrl = process.env.CONVEX_URL;

if (convexUrl) {
  log(`CONVEX_URL is set (${convexUrl}): running \`convex dev\` against that deployment.`);
  start("convex", ["bunx", "convex", "dev"], {});
} else {
  const runtimeBin = join(root, "packages/convex-local/bin/convex-local.ts");
  if (!existsSync(runtimeBin)) {
    log(
      "The embedded local Convex runtime is not available yet in this checkout (packages/convex-local).",
    );
    log("Set CONVEX_URL to a Convex deployment to run the product against it.");
    process.exit(1);
  }
  convexUrl = `http://127.0.0.1:${LOCAL_PORT}`;
  const convexEnv = { ...serviceKeys.convexEnv, ...devAuth, NODE_ENV: "development" };
  const ready = waitForLine("convex", /Convex local runtime ready at/, 60_000);
  start(
    "convex",
    [
      "bun",
      runtimeBin,
      "--functions",
      "convex",
      "--port",
      String(LOCAL_PORT),
      "--site-port",
      String(SITE_PORT),
      "--data",
      join(dataDir, "convex"),
      "--watch",
    ],
    convexEnv,
  );
  await ready;
}

// Against a real deployment, the worker key comes from the environment (WORKER_PRIVATE_KEY).
const workerKeyEnv: Record<string, string> =
  process.env.CONVEX_URL && (process.env.WORKER_PRIVATE_KEY || process.env.WORKER_PRIVATE_KEY_FILE)
    ? {}
    : { WORKER_PRIVATE_KEY_FILE: serviceKeys.workerKeyFile };
const shared = {
  CONVEX_URL: convexUrl,
  ...workerKeyEnv,
  NEXUS_API_KEY_FILE: process.env.NEXUS_API_KEY_FILE ?? join(dataDir, "dev-api-key"),
  SEED_API_KEY_FILE: process.env.SEED_API_KEY_FILE ?? join(dataDir, "dev-api-key"),
  EMAIL_OUTBOX_DIR: process.env.EMAIL_OUTBOX_DIR ?? join(dataDir, "outbox"),
  DEV_AUTH_KEY_DIR: process.env.DEV_AUTH_KEY_DIR ?? join(dataDir, "dev-auth"),
  // Readable log lines for people; LOG_FORMAT=json keeps the production format.
  LOG_FORMAT: process.env.LOG_FORMAT || "pretty",
  ...devAuth,
};

if (existsSync(join(root, "scripts/seed.ts"))) {
  const seed = Bun.spawn(["bun", join(root, "scripts/seed.ts")], {
    cwd: root,
    env: { ...process.env, ...shared },
    stdout: "inherit",
    stderr: "inherit",
    detached: true,
  });
  children.push({ name: "seed", proc: seed });
  if ((await seed.exited) !== 0 && !stopping) {
    log("Seeding failed (see above); continuing without demo data.");
  }
}

const workerBin = join(root, "apps/worker/bin/nexus-worker.ts");
if (stopping) await new Promise(() => {}); // Ctrl-C during the seed: shutdown() exits.
if (existsSync(workerBin)) {
  start("worker", ["bun", workerBin, "start"], shared);
} else {
  log("The worker is not available yet in this checkout (apps/worker/bin/nexus-worker.ts).");
}

const webListening = waitForLine("web", /Local:/, 120_000);
start(
  "web",
  ["bunx", "remix", "vite:dev", "--port", String(WEB_PORT), "--strictPort"],
  shared,
  join(root, "apps/web"),
);
await webListening.catch((error: Error) => log(`${error.message}; see its output above.`));
log(`ready — web: http://localhost:${WEB_PORT}   convex: ${convexUrl}   (Ctrl+C to stop)`);
