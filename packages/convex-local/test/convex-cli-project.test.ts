// The project's own convex/ with its demo data (scripts/seed.ts, as `bun run
// dev` seeds it: accounts, bilans, the starter knowledge base's PDF files):
// `convex export` of the seeded runtime, `convex import` into a fresh one,
// then the same documents (ids included) in every table and the same file bytes.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateServiceKeyPair } from "@nexus/service-auth/service-tokens";
import { afterAll, beforeAll, expect, test } from "vitest";
import { convexCli, readSnapshot } from "./convex-cli.ts";
import {
  packageDir,
  type RuntimeProcess,
  removeDir,
  startRuntime,
  tempDataDir,
} from "./runtime-process.ts";

const root = join(packageDir, "../..");
const work = tempDataDir("cli-project");
const runtimes: RuntimeProcess[] = [];
let runtimeEnv: Record<string, string>;
let workerKeyFile: string;

async function start(label: string): Promise<RuntimeProcess> {
  const runtime = await startRuntime({
    dataDir: tempDataDir(label),
    functionsDir: join(root, "convex"),
    env: runtimeEnv,
  });
  runtimes.push(runtime);
  return runtime;
}

beforeAll(async () => {
  // The dev keys `bun run dev` generates (scripts/dev.ts).
  const worker = await generateServiceKeyPair();
  const signing = await generateServiceKeyPair();
  workerKeyFile = join(work, "worker-private-key.json");
  writeFileSync(workerKeyFile, JSON.stringify(worker.privateJwk), { mode: 0o600 });
  runtimeEnv = {
    WORKER_JWKS: JSON.stringify(worker.publicJwks),
    API_KEY_SIGNING_KEY: JSON.stringify(signing.privateJwk),
    DEV_AUTH_ISSUER: "http://127.0.0.1:9/dev-auth",
    DEV_AUTH_JWKS_URL: "http://127.0.0.1:9/dev-auth/jwks.json",
    NODE_ENV: "development",
  };
}, 60_000);

afterAll(async () => {
  for (const runtime of runtimes) {
    await runtime.stop();
    removeDir(runtime.dataDir);
  }
  removeDir(work);
});

function seed(runtime: RuntimeProcess): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("bun", [join(root, "scripts/seed.ts")], {
      cwd: root,
      env: {
        ...process.env,
        CONVEX_URL: runtime.url,
        CONVEX_SITE_URL: runtime.siteUrl,
        WORKER_PRIVATE_KEY_FILE: workerKeyFile,
        SEED_API_KEY_FILE: join(work, "dev-api-key"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code) => resolve({ code, output }));
  });
}

test("export of the seeded app, import into a fresh runtime: same tables, ids and file bytes", async () => {
  const seeded = await start("cli-seeded");
  const seeding = await seed(seeded);
  expect(seeding.output).toContain("document(s) ajouté(s)");
  expect(seeding.code).toBe(0);

  const backup = join(work, "backup.zip");
  const exported = await convexCli(seeded, ["export", "--include-file-storage", "--path", backup], {
    cwd: root,
  });
  expect(exported.stderr).toContain("Downloaded snapshot export");
  const before = readSnapshot(backup);
  // The seed's accounts, bilans and the starter knowledge base (PDF files).
  expect(before.tables.get("users")?.length).toBeGreaterThan(3);
  expect(before.tables.get("bilans")?.length).toBeGreaterThan(0);
  expect(before.files.size).toBeGreaterThanOrEqual(10);
  expect(before.tables.get("_storage")).toHaveLength(before.files.size);

  const fresh = await start("cli-restored");
  const imported = await convexCli(fresh, ["import", "--yes", backup], { cwd: root });
  expect(imported.stderr).toMatch(/Added \d+ documents/);
  expect(imported.code).toBe(0);

  const again = join(work, "again.zip");
  await convexCli(fresh, ["export", "--include-file-storage", "--path", again], { cwd: root });
  const after = readSnapshot(again);
  expect([...after.tables.keys()].sort()).toEqual([...before.tables.keys()].sort());
  for (const [table, lines] of before.tables) {
    expect({ table, lines: after.tables.get(table) }).toEqual({ table, lines });
  }
  expect(after.files).toEqual(before.files);

  // The restored runtime serves the app: a function reads the restored data.
  const data = await convexCli(fresh, ["data", "users", "--format", "jsonl", "--limit", "100"], {
    cwd: root,
  });
  expect(data.stdout.trim().split("\n")).toHaveLength(before.tables.get("users")?.length ?? -1);
}, 120_000);
