// `bun run dev` itself (scripts/dev.ts), on a fresh data folder and free ports (never the e2e
// stack's 3000/3210/3211): it prints its ready line, the runtime answers, the worker's /readyz
// and the web app's / answer; stopped and started again on the same folder, it reuses the data
// (the seed creates nothing, the 21 starter documents are recognised, not duplicated).
// What this catches: dev.ts no longer seeding or starting the worker or the web app, a seed
// that duplicates users or starter documents on a second start, a data folder not reused (a
// new one would mean « créées » again). It takes minutes (the worker indexes the 21 documents,
// Vite compiles the app): one test, two starts. No mutant was run against it yet.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConvexHttpClient } from "convex/browser";
import { afterAll, describe, expect, it } from "vitest";
import { api } from "../../../convex/_generated/api.js";
import { apiKeyClient, repoRoot, waitFor } from "./harness.ts";

const HOST = "127.0.0.1";

function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => done(false));
    server.listen(port, HOST, () => server.close(() => done(true)));
  });
}

/** A free port whose next one is free too (the runtime's HTTP actions are on port + 1). */
async function freePair(): Promise<number> {
  for (let base = 4_210; base < 4_900; base += 10) {
    if ((await portIsFree(base)) && (await portIsFree(base + 1))) return base;
  }
  throw new Error("no free port pair between 4210 and 4900");
}

async function freePort(avoid: number[]): Promise<number> {
  for (let port = 4_950; port < 5_400; port++) {
    if (!avoid.includes(port) && (await portIsFree(port))) return port;
  }
  throw new Error("no free port between 4950 and 5400");
}

/** Variables that would point dev.ts at something else than a fresh offline stack. */
const STRIPPED_ENV = [
  "CONVEX_URL",
  "CONVEX_SITE_URL",
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
  "NODE_OPTIONS",
  "VITEST",
  "VITEST_POOL_ID",
  "VITEST_WORKER_ID",
];

interface Dev {
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<string>;
  stop(): Promise<void>;
}

function startDev(env: Record<string, string>): Dev {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of STRIPPED_ENV) delete childEnv[name];
  for (const name of Object.keys(childEnv)) if (name.startsWith("CLERK_")) delete childEnv[name];
  Object.assign(childEnv, {
    LLM_PROVIDER: "local",
    EMBEDDINGS_PROVIDER: "local",
    FORCE_COLOR: "0",
    ...env,
  });
  // detached: dev.ts and everything it starts form one process group, ended whole by stop().
  const child: ChildProcess = spawn("bun", [join(repoRoot, "scripts/dev.ts")], {
    cwd: repoRoot,
    env: childEnv,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString("utf8");
    for (const listener of listeners) listener();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  process.once("exit", () => kill("SIGKILL"));
  return {
    output: () => text,
    waitForOutput(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(text);
          if (match) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(match[0]);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${pattern} in bun run dev's output:\n${text.slice(-4_000)}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => {
          if (listeners.has(check)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`bun run dev exited before ${pattern}:\n${text.slice(-4_000)}`));
          }
        });
        check();
      });
    },
    async stop() {
      kill("SIGTERM");
      const timer = setTimeout(() => kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
      // dev.ts waits for its children; whatever is left of the group goes now.
      kill("SIGKILL");
    },
  };
}

async function answers(url: string): Promise<number | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return null;
  }
}

const dataDir = mkdtempSync(join(tmpdir(), "nexus-dev-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("bun run dev", () => {
  it("starts the whole stack on a fresh folder, then reuses its data on a second start", async () => {
    const convexPort = await freePair();
    const webPort = await freePort([convexPort, convexPort + 1]);
    const healthPort = await freePort([convexPort, convexPort + 1, webPort]);
    const env = {
      NEXUS_DATA_DIR: dataDir,
      CONVEX_LOCAL_PORT: String(convexPort),
      CONVEX_LOCAL_SITE_PORT: String(convexPort + 1),
      NEXUS_WEB_PORT: String(webPort),
      WORKER_HEALTH_PORT: String(healthPort),
    };
    const convexUrl = `http://${HOST}:${convexPort}`;
    const siteUrl = `http://${HOST}:${convexPort + 1}`;

    async function checkStack(dev: Dev) {
      await dev.waitForOutput(/\[dev\] ready — web: http:\/\/localhost:\d+/, 240_000);
      // The runtime: the one function anyone may call.
      const health = await new ConvexHttpClient(convexUrl).query(api.health.check, {});
      expect(health).toMatchObject({ ok: true, service: "nexus-reussite" });
      // The worker answers ready once registered with the runtime.
      await waitFor(
        async () => (await answers(`http://${HOST}:${healthPort}/readyz`)) === 200,
        60_000,
        "the worker's /readyz",
      );
      expect(await answers(`http://${HOST}:${webPort}/`)).toBe(200);
      // What the seed left, read as the demo admin (its API key is in the data folder).
      const key = readFileSync(join(dataDir, "dev-api-key"), "utf8").trim();
      const admin = apiKeyClient(convexUrl, siteUrl, key);
      const documents = await admin.query(api.documents.list, { limit: 200 });
      const users = await admin.query(api.users.list, {
        paginationOpts: { numItems: 200, cursor: null },
      });
      return { documents: documents.length, users: users.page.length };
    }

    const first = startDev(env);
    let firstCounts: { documents: number; users: number };
    try {
      firstCounts = await checkStack(first);
      expect(first.output()).toMatch(/Données de démonstration créées/);
      expect(firstCounts.documents).toBe(21);
      expect(firstCounts.users).toBeGreaterThan(3);
    } finally {
      await first.stop();
    }

    const second = startDev(env);
    try {
      const secondCounts = await checkStack(second);
      expect(second.output()).toMatch(/Données de démonstration déjà présentes/);
      expect(secondCounts).toEqual(firstCounts);
    } finally {
      await second.stop();
    }
  }, 600_000);
});
