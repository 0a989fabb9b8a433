// Real processes for integration tests and benchmarks: the local Convex
// runtime (packages/convex-local) on random ports with a temporary data
// folder, worker processes (`nexus-worker start`) and CLI runs. Works from
// Node (Vitest) and from Bun (benchmarks).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateServiceKeyPair, signWorkerToken } from "@nexus/service-auth/service-tokens";
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import type { FunctionArgs, FunctionReference, FunctionReturnType } from "convex/server";
import { api } from "../../../convex/_generated/api.js";
import { startDevAuth } from "./dev-auth.ts";

export const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
export const workerBin = join(repoRoot, "apps/worker/bin/nexus-worker.ts");
export const runtimeBin = join(repoRoot, "packages/convex-local/bin/convex-local.ts");

/** Service keys of the test deployment: the worker's pair and the API-key signing key. */
const workerKeys = await generateServiceKeyPair();
const signingKeys = await generateServiceKeyPair();
export const WORKER_PRIVATE_KEY = JSON.stringify(workerKeys.privateJwk);

/**
 * The dev sign-in for people, as the web app's will be (RS256 tokens, JWKS on loopback).
 * One per process; every runtime trusts it. Tests sign demo accounts in with it, and the
 * harness signs its staff account in once before the worker's bootstrap makes it admin.
 */
export const devAuth = await startDevAuth();

export const runtimeAuthEnv = {
  WORKER_JWKS: JSON.stringify(workerKeys.publicJwks),
  API_KEY_SIGNING_KEY: JSON.stringify(signingKeys.privateJwk),
  DEV_AUTH_ISSUER: devAuth.issuer,
  DEV_AUTH_JWKS_URL: devAuth.jwksUrl,
};

export const STAFF_EMAIL = "operateur@harness.test";

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
  /** Resolves with the first result of a query (as the admin, by subscription) that passes `check`. */
  waitForQuery<Q extends FunctionReference<"query">, T>(
    ref: Q,
    args: FunctionArgs<Q>,
    check: (value: FunctionReturnType<Q>) => T | undefined | null | false,
    timeoutMs?: number,
    what?: string,
  ): Promise<T>;
  siteUrl: string;
  proc: Proc;
  /** Calls as the worker (its service token). */
  worker: Client;
  /** Calls as an admin through the CLI path: an API key exchanged for a session token. */
  staff: Client;
  /** The admin's API key (bootstrapped by the worker, as an operator would). */
  apiKey: string;
  /** Environment for CLI processes acting as that admin. */
  cliEnv: Record<string, string>;
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
      env: { ...process.env, ...runtimeAuthEnv, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const proc = track(child);
  const ready = await proc.waitForLine((l) => l.includes("Convex local runtime ready at"), 60_000);
  const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(ready)?.[1];
  const siteLine = await proc.waitForLine((l) => l.includes("Convex local HTTP actions at"));
  const siteUrl = /(http:\/\/127\.0\.0\.1:\d+)/.exec(siteLine)?.[1];
  if (!url || !siteUrl) throw new Error(`no URL in: ${ready} / ${siteLine}`);
  const worker = client(
    url,
    async () => (await signWorkerToken(workerKeys.privateJwk, "test")).token,
  );
  const apiKey = await bootstrapStaffKey(url, worker);
  // One WebSocket client as the admin: waits are pushed updates, not polls a loaded machine
  // could outrun (a state that lasts a second is still seen).
  const live = new ConvexClient(url);
  live.setAuth(() => apiKeyToken(siteUrl, apiKey));
  return {
    url,
    waitForQuery(ref, args, check, timeoutMs = 20_000, what = "a query result") {
      return new Promise((resolve, reject) => {
        let done = false;
        const timer = setTimeout(
          () => finish(new Error(`timed out waiting for ${what}`)),
          timeoutMs,
        );
        const finish = (error: Error | null, value?: unknown) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          queueMicrotask(() => unsubscribe());
          if (error) reject(error);
          else resolve(value as never);
        };
        const unsubscribe = live.onUpdate(
          ref,
          args,
          (value) => {
            const passed = check(value);
            if (passed) finish(null, passed);
          },
          (error) => finish(error),
        );
      });
    },
    siteUrl,
    proc,
    worker,
    staff: apiKeyClient(url, siteUrl, apiKey),
    apiKey,
    cliEnv: { NEXUS_API_KEY: apiKey, CONVEX_SITE_URL: siteUrl },
    async stop() {
      await live.close();
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
      await proc.exited;
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The operator's first steps on a new deployment: sign in once, then bootstrap an admin key. */
async function bootstrapStaffKey(url: string, worker: Client): Promise<string> {
  const person = new ConvexHttpClient(url);
  person.setAuth(await devAuth.token(STAFF_EMAIL));
  await person.mutation(api.users.ensureCurrent, {});
  const { key } = await worker.mutation(api.apiKeys.bootstrap, {
    email: STAFF_EMAIL,
    label: "tests",
  });
  return key;
}

/** An API key's calls: exchanged at the deployment's token route, as the CLI does. */
export function apiKeyClient(url: string, siteUrl: string, apiKey: string): Client {
  return client(url, () => apiKeyToken(siteUrl, apiKey));
}

async function apiKeyToken(siteUrl: string, apiKey: string): Promise<string> {
  const response = await fetch(`${siteUrl}/auth/api-key/token`, {
    method: "POST",
    headers: { "x-api-key": apiKey },
  });
  if (!response.ok) throw new Error(`token exchange: HTTP ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

export type Client = ReturnType<typeof client>;

/** A ConvexHttpClient signed in with a fresh token per call (tests are short; no caching). */
export function client(url: string, token: () => Promise<string>) {
  const http = new ConvexHttpClient(url);
  const signed = async () => {
    http.setAuth(await token());
    return http;
  };
  return {
    query: async <Q extends FunctionReference<"query">>(
      ref: Q,
      args: FunctionArgs<Q>,
    ): Promise<FunctionReturnType<Q>> => (await signed()).query(ref, args),
    mutation: async <M extends FunctionReference<"mutation">>(
      ref: M,
      args: FunctionArgs<M>,
    ): Promise<FunctionReturnType<M>> => (await signed()).mutation(ref, args),
    action: async <A extends FunctionReference<"action">>(
      ref: A,
      args: FunctionArgs<A>,
    ): Promise<FunctionReturnType<A>> => (await signed()).action(ref, args),
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
      WORKER_PRIVATE_KEY,
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
  runtime: Pick<Runtime, "url" | "cliEnv">,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = spawn("bun", [workerBin, ...args], {
      cwd: repoRoot,
      env: {
        ...process.env,
        CONVEX_URL: runtime.url,
        WORKER_PRIVATE_KEY,
        ...runtime.cliEnv,
        ...env,
      },
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
