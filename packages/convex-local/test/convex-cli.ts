// Runs the real Convex CLI (node_modules/convex/bin/main.js) as a child
// process against a convex-local runtime, as an operator would with
// CONVEX_SELF_HOSTED_URL and CONVEX_SELF_HOSTED_ADMIN_KEY.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { readZip } from "../src/zip.ts";
import type { RuntimeProcess } from "./runtime-process.ts";

const require = createRequire(import.meta.url);
const cliMain = join(dirname(require.resolve("convex/package.json")), "bin/main.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function adminKeyOf(runtime: RuntimeProcess): string {
  return readFileSync(join(runtime.dataDir, "admin-key"), "utf8").trim();
}

/** `convex <args>` in `cwd` (a folder with package.json and convex/), against `runtime`. */
export function convexCli(
  runtime: RuntimeProcess,
  args: string[],
  options: { cwd: string; adminKey?: string; timeoutMs?: number },
): Promise<CliResult> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    CONVEX_SELF_HOSTED_URL: runtime.url,
    CONVEX_SELF_HOSTED_ADMIN_KEY: options.adminKey ?? adminKeyOf(runtime),
    NO_COLOR: "1",
    FORCE_COLOR: "0",
  };
  delete env.CONVEX_DEPLOYMENT;
  delete env.CONVEX_DEPLOY_KEY;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliMain, ...args], {
      cwd: options.cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`convex ${args.join(" ")} timed out:\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * The documents.jsonl lines of each table of a snapshot ZIP (sorted), and the
 * bytes of its `_storage` files by file name.
 */
export function readSnapshot(path: string): {
  tables: Map<string, string[]>;
  files: Map<string, Buffer>;
} {
  const tables = new Map<string, string[]>();
  const files = new Map<string, Buffer>();
  for (const entry of readZip(path)) {
    const documents = /^([^/]+)\/documents\.jsonl$/.exec(entry.name);
    if (documents) {
      const lines = entry.read().toString("utf8").split("\n").filter(Boolean).sort();
      tables.set(documents[1] as string, lines);
    } else if (entry.name.startsWith("_storage/")) {
      files.set(entry.name.slice("_storage/".length), entry.read());
    }
  }
  return { tables, files };
}
