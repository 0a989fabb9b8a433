// `bun run dev` (scripts/dev.ts) as its tests run it: on free ports (never the e2e stack's
// 3000/3210/3211) and a data folder of their own, as one detached process group.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { repoRoot } from "./harness.ts";

export const HOST = "127.0.0.1";

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => done(false));
    server.listen(port, HOST, () => server.close(() => done(true)));
  });
}

/** A free port whose next one is free too (the runtime's HTTP actions are on port + 1). */
export async function freePair(from = 4_210): Promise<number> {
  for (let base = from; base < 4_900; base += 10) {
    if ((await portIsFree(base)) && (await portIsFree(base + 1))) return base;
  }
  throw new Error("no free port pair between 4210 and 4900");
}

export async function freePort(avoid: number[], from = 4_950): Promise<number> {
  for (let port = from; port < 5_400; port++) {
    if (!avoid.includes(port) && (await portIsFree(port))) return port;
  }
  throw new Error("no free port between 4950 and 5400");
}

/** Variables that would point dev.ts at something else than a fresh offline stack. */
export const STRIPPED_ENV = [
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
  "LOG_FORMAT",
  "VITEST",
  "VITEST_POOL_ID",
  "VITEST_WORKER_ID",
];

export interface Dev {
  pid: number;
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Resolves with dev.ts' exit code once it has exited. */
  exited: Promise<number | null>;
  /** Signals dev.ts' process group (what Ctrl-C in a terminal does). */
  signal(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

export function startDev(env: Record<string, string>): Dev {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of STRIPPED_ENV) delete childEnv[name];
  for (const name of Object.keys(childEnv)) if (name.startsWith("CLERK_")) delete childEnv[name];
  Object.assign(childEnv, {
    LLM_PROVIDER: "local",
    EMBEDDINGS_PROVIDER: "local",
    FORCE_COLOR: "0",
    ...env,
  });
  // detached: dev.ts is a process group of its own, as in a terminal.
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
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  // Whatever happens to the test, nothing it started outlives it.
  process.once("exit", () => {
    kill("SIGKILL");
    for (const pid of childPids(text)) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // gone
      }
    }
  });
  return {
    pid: child.pid!,
    output: () => text,
    exited,
    signal: kill,
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
      const timer = setTimeout(() => kill("SIGKILL"), 60_000);
      await exited;
      clearTimeout(timer);
      kill("SIGKILL");
    },
  };
}

/** The children dev.ts announced (`[dev] worker started (pid 123)`): name → pid. */
export function childPidsByName(output: string): Map<string, number> {
  return new Map(
    [...output.matchAll(/\[dev\] (\S+) started \(pid (\d+)\)/g)].map((m) => [m[1]!, Number(m[2])]),
  );
}

function childPids(output: string): number[] {
  return [...childPidsByName(output).values()];
}

/** Whether any process of the group led by `pid` is still alive. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
