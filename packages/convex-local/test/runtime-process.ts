// Starts convex-local as a real `bun` process (as `bun run dev` does) and
// gives tests its URLs. Used by the Vitest suites, which run under Node.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConvexClient } from "convex/browser";
import WebSocket from "ws";

export const packageDir = join(import.meta.dirname, "..");
export const fixtureFunctions = join(packageDir, "test/fixture/convex");
const bin = join(packageDir, "bin/convex-local.ts");

export interface RuntimeProcess {
  url: string;
  siteUrl: string;
  dataDir: string;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<number | null>;
  /** SIGKILL (simulated crash). */
  kill9(): Promise<void>;
}

// Safety net: a failed test must not leave a runtime process behind.
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

export function tempDataDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `convex-local-${label}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function startRuntime(options: {
  dataDir: string;
  functionsDir?: string;
  env?: Record<string, string>;
  cwd?: string;
}): Promise<RuntimeProcess> {
  const child = spawn(
    "bun",
    [
      bin,
      "--functions",
      options.functionsDir ?? fixtureFunctions,
      "--port",
      "0",
      "--site-port",
      "0",
      "--data",
      options.dataDir,
      "--quiet",
    ],
    {
      cwd: options.cwd ?? packageDir,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const urls = await new Promise<{ url: string; siteUrl: string }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`convex-local did not start:\n${output}`)),
      20_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Convex local runtime ready at (\S+)/.exec(output)?.[1];
      const siteUrl = /Convex local HTTP actions at (\S+)/.exec(output)?.[1];
      if (url && siteUrl) {
        clearTimeout(timer);
        resolve({ url, siteUrl });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`convex-local exited with ${code}:\n${output}`));
    });
  });
  return {
    ...urls,
    dataDir: options.dataDir,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      return await exited;
    },
    async kill9() {
      if (child.exitCode !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** A ConvexClient over the `ws` package (Node 20 has no WebSocket global). */
export function wsClient(url: string): ConvexClient {
  return new ConvexClient(url, {
    webSocketConstructor: WebSocket as unknown as typeof globalThis.WebSocket,
    unsavedChangesWarning: false,
    logger: false,
  });
}

/** Resolves with the first value `predicate` accepts, from a subscription callback. */
export function nextValue<T>(
  subscribe: (callback: (value: T) => void) => () => void,
  predicate: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let unsubscribe: (() => void) | null = null;
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      unsubscribe?.();
      reject(new Error("timed out waiting for a subscription value"));
    }, timeoutMs);
    unsubscribe = subscribe((value) => {
      if (done || !predicate(value)) return;
      done = true;
      clearTimeout(timer);
      queueMicrotask(() => unsubscribe?.());
      resolve(value);
    });
  });
}
