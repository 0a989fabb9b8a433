// Real processes for integration tests and benchmarks: the local Convex
// runtime (packages/convex-local) on random ports with a temporary data
// folder, worker processes (`nexus-worker start`) and CLI runs. Works from
// Node (Vitest) and from Bun (benchmarks).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConvexHttpClient } from "convex/browser";
import type { FunctionArgs, FunctionReference, FunctionReturnType } from "convex/server";

export const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
export const workerBin = join(repoRoot, "apps/worker/bin/nexus-worker.ts");
export const runtimeBin = join(repoRoot, "packages/convex-local/bin/convex-local.ts");
export const WORKER_SECRET = "integration-secret";

export interface Proc {
  child: ChildProcess;
  lines: string[];
  stderr: string[];
  exited: Promise<number | null>;
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  kill(signal?: NodeJS.Signals): void;
}

function track(child: ChildProcess): Proc {
  const lines: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  const feed = (into: string[]) => {
    let buffer = "";
    return (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      const parts = buffer.split("\n");
      buffer = parts.pop() ?? "";
      into.push(...parts.filter((l) => l.length > 0));
      for (const w of waiters) w();
    };
  };
  child.stdout?.on("data", feed(lines));
  child.stderr?.on("data", feed(stderr));
  // "close", not "exit": by then stdout and stderr have been read to the end.
  const exited = new Promise<number | null>((res) => child.on("close", (code) => res(code)));
  return {
    child,
    lines,
    stderr,
    exited,
    kill: (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    waitForLine(match, timeoutMs = 20_000) {
      return new Promise((res, rej) => {
        const check = () => {
          const found = lines.find(match) ?? stderr.find(match);
          if (found !== undefined) {
            waiters.delete(check);
            clearTimeout(timer);
            res(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          rej(
            new Error(
              `timed out waiting for a line; stdout:\n${lines.slice(-20).join("\n")}\nstderr:\n${stderr.slice(-20).join("\n")}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
        void exited.then(() => setTimeout(check, 50));
      });
    },
  };
}

export interface Runtime {
  url: string;
  proc: Proc;
  admin: AdminClient;
  stop(): Promise<void>;
}

/** Starts packages/convex-local on random ports serving the repository's convex/ folder. */
export async function startRuntime(env: Record<string, string> = {}): Promise<Runtime> {
  const dataDir = mkdtempSync(join(tmpdir(), "nexus-worker-it-"));
  const child = spawn(
    "bun",
    [runtimeBin, "--functions", "convex", "--port", "0", "--site-port", "0", "--data", dataDir],
    {
      cwd: repoRoot,
      env: { ...process.env, WORKER_SECRET, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const proc = track(child);
  const ready = await proc.waitForLine((l) => l.includes("Convex local runtime ready at"), 60_000);
  const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(ready)?.[1];
  if (!url) throw new Error(`no URL in: ${ready}`);
  return {
    url,
    proc,
    admin: adminClient(url),
    async stop() {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
      await proc.exited;
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type AdminClient = ReturnType<typeof adminClient>;

/** Worker-secret calls from the test process. */
export function adminClient(url: string) {
  const client = new ConvexHttpClient(url);
  return {
    query: <Q extends FunctionReference<"query">>(
      ref: Q,
      args: Omit<FunctionArgs<Q>, "workerSecret">,
    ): Promise<FunctionReturnType<Q>> =>
      client.query(ref, { ...args, workerSecret: WORKER_SECRET } as any),
    mutation: <M extends FunctionReference<"mutation">>(
      ref: M,
      args: Omit<FunctionArgs<M>, "workerSecret">,
    ): Promise<FunctionReturnType<M>> =>
      client.mutation(ref, { ...args, workerSecret: WORKER_SECRET } as any),
    action: <A extends FunctionReference<"action">>(
      ref: A,
      args: Omit<FunctionArgs<A>, "workerSecret">,
    ): Promise<FunctionReturnType<A>> =>
      client.action(ref, { ...args, workerSecret: WORKER_SECRET } as any),
  };
}

export interface WorkerProc extends Proc {
  /** Structured log lines parsed as JSON. */
  logs(): Record<string, any>[];
  healthPort(): Promise<number>;
  stop(): Promise<number | null>;
}

export async function startWorkerProcess(
  url: string,
  env: Record<string, string> = {},
  options: { waitStarted?: boolean } = {},
): Promise<WorkerProc> {
  const child = spawn("bun", [workerBin, "start"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      CONVEX_URL: url,
      WORKER_SECRET,
      WORKER_HEALTH_PORT: "0",
      POLL_INTERVAL_MS: "1000",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const proc = track(child);
  const logs = () =>
    proc.lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, any>];
      } catch {
        return [];
      }
    });
  const worker: WorkerProc = {
    ...proc,
    logs,
    async healthPort() {
      const line = await proc.waitForLine((l) => l.includes('"worker.health_listening"'));
      return JSON.parse(line).port as number;
    },
    async stop() {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
      const code = await proc.exited;
      clearTimeout(timer);
      return code;
    },
  };
  if (options.waitStarted !== false) {
    await proc.waitForLine((l) => l.includes('"worker.started"'), 30_000);
  }
  return worker;
}

/** Runs the CLI to completion. */
export function runCliProcess(
  url: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = spawn("bun", [workerBin, ...args], {
      cwd: repoRoot,
      env: { ...process.env, CONVEX_URL: url, WORKER_SECRET, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    child.on("close", (code) => res({ code, stdout, stderr }));
  });
}

export async function waitFor<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
