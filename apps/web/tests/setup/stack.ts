// The whole stack the way `bun run dev` starts it (scripts/dev.ts: local Convex runtime, seed,
// worker, web app) on a fresh data folder, for the e2e suite and the web benchmarks. Ports are
// fixed: the dev sign-in issuer trusted by convex/auth.config.ts is
// http://127.0.0.1:3000/dev-auth, so it refuses to start when 3000, 3210 or 3211 is taken
// (usually by a `bun run dev` left running). The stack runs in its own process group, which
// `stop()` ends whole.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

const HOST = "127.0.0.1";
const PORTS = { web: 3000, convex: 3210, convexSite: 3211 } as const;
export const WEB_URL = `http://${HOST}:${PORTS.web}`;
const STARTUP_TIMEOUT_MS = 180_000;
// The data folder is thrown away: a short grace, then the whole process group is killed.
const STOP_GRACE_MS = 3_000;

/** Variables that would point the stack at something else than a fresh offline one. */
const STRIPPED_ENV = [
  "CONVEX_URL",
  "CONVEX_SITE_URL",
  "CONVEX_LOCAL_PORT",
  "CONVEX_LOCAL_SITE_PORT",
  "WORKER_PRIVATE_KEY",
  "WORKER_PRIVATE_KEY_FILE",
  "NEXUS_API_KEY",
  "NEXUS_API_KEY_FILE",
  "SEED_API_KEY_FILE",
  "EMAIL_OUTBOX_DIR",
  "DEV_AUTH_KEY_DIR",
  "DEV_AUTH_ISSUER",
  "DEV_AUTH_JWKS_URL",
  "OPENAI_API_KEY",
  "ANTHROPIC_API_KEY",
  "RESEND_API_KEY",
  "NODE_ENV",
  // Playwright's own TypeScript loader must not leak into the stack's Node processes.
  "NODE_OPTIONS",
];

export interface RunningStack {
  stop(): Promise<void>;
}

/** Starts a fresh stack in `dataDir` (emptied first), logging to `logPath`; resolves once ready. */
export async function startFreshStack(options: {
  root: string;
  dataDir: string;
  logPath: string;
}): Promise<RunningStack> {
  await assertPortsFree();
  rmSync(options.dataDir, { recursive: true, force: true });
  mkdirSync(options.dataDir, { recursive: true });
  const stack = startStack(options.root, options.dataDir, options.logPath);
  // Last resort if the calling process dies before calling stop().
  const killOnExit = () => killGroup(stack, "SIGKILL");
  process.once("exit", killOnExit);
  const stop = async () => {
    await stopStack(stack);
    process.off("exit", killOnExit);
  };
  try {
    await waitUntilReady(stack, options.logPath);
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

async function assertPortsFree() {
  const taken: string[] = [];
  for (const [name, port] of Object.entries(PORTS)) {
    if (!(await portIsFree(port))) taken.push(`${port} (${name})`);
  }
  if (taken.length > 0) {
    throw new Error(
      `[e2e] port ${taken.join(", ")} already in use on ${HOST}. The e2e suite starts its own ` +
        "stack on 3000, 3210 and 3211 (the dev sign-in issuer is fixed to 127.0.0.1:3000): " +
        "stop `bun run dev` or whatever holds the port, then run again.",
    );
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => done(false));
    server.listen(port, HOST, () => server.close(() => done(true)));
  });
}

function startStack(root: string, dataDir: string, logPath: string): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of STRIPPED_ENV) delete env[name];
  for (const name of Object.keys(env)) if (name.startsWith("CLERK_")) delete env[name];
  Object.assign(env, {
    NEXUS_DATA_DIR: dataDir,
    LLM_PROVIDER: "local",
    // ARIA's offline answers take a few seconds to stream: aria.spec.ts reloads mid-answer.
    ARIA_LOCAL_PACE_MS: "80",
    EMBEDDINGS_PROVIDER: "local",
    FORCE_COLOR: "0",
  });
  const log = openSync(logPath, "w");
  // detached: the stack gets its own process group, so the teardown stops every descendant.
  const child = spawn("bun", [join(root, "scripts/dev.ts")], {
    cwd: root,
    env,
    detached: true,
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  return child;
}

async function waitUntilReady(stack: ChildProcess, logPath: string) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let exitCode: number | null = null;
  stack.once("exit", (code, signal) => {
    exitCode = code ?? (signal ? 128 : 1);
  });
  // dev.ts starts the web app only once the seed has run, so a web app that answers means the
  // seed is over; whether it succeeded is read from the log.
  for (;;) {
    if (exitCode !== null) {
      throw startupError(`the stack exited with code ${exitCode} while starting`, logPath);
    }
    if (Date.now() > deadline) {
      throw startupError(
        `the web app did not answer within ${STARTUP_TIMEOUT_MS / 1000} s`,
        logPath,
      );
    }
    if (await answers(`${WEB_URL}/healthz`)) break;
    await sleep(250);
  }
  if (/Seeding failed/.test(readFileSync(logPath, "utf8"))) {
    throw startupError("the seed failed", logPath);
  }
  // First server render: makes Vite compile the app once, before the first test's clock starts.
  if (!(await answers(`${WEB_URL}/`, 60_000))) {
    throw startupError("the landing page did not render", logPath);
  }
}

async function answers(url: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

function startupError(reason: string, logPath: string): Error {
  let tail = "";
  try {
    tail = readFileSync(logPath, "utf8").split("\n").slice(-60).join("\n");
  } catch {}
  return new Error(`[e2e] ${reason}. Last lines of ${logPath}:\n${tail}`);
}

function killGroup(stack: ChildProcess, signal: NodeJS.Signals) {
  if (stack.pid === undefined) return;
  try {
    process.kill(-stack.pid, signal);
  } catch {
    // Already gone.
  }
}

async function stopStack(stack: ChildProcess) {
  if (stack.pid === undefined) return;
  const exited = new Promise<void>((done) => {
    if (stack.exitCode !== null || stack.signalCode !== null) done();
    else stack.once("exit", () => done());
  });
  // The group signal reaches dev.ts, its children and anything they started themselves.
  killGroup(stack, "SIGTERM");
  await Promise.race([exited, sleep(STOP_GRACE_MS)]);
  killGroup(stack, "SIGKILL");
  await Promise.race([exited, sleep(STOP_GRACE_MS)]);
}

function sleep(ms: number) {
  return new Promise((done) => setTimeout(done, ms));
}
