// The official Convex CLI's admin commands against convex-local (fixture
// app): `convex run`, `env`, `data`, `export`, `import`, `logs`, and the
// admin key's refusals. One runtime for the file, plus a fresh one to import into.
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { adminKeyOf, convexCli, readSnapshot } from "./convex-cli.ts";
import {
  packageDir,
  type RuntimeProcess,
  removeDir,
  startRuntime,
  tempDataDir,
} from "./runtime-process.ts";

const fixtureApp = join(packageDir, "test/fixture");
let runtime: RuntimeProcess;
let fresh: RuntimeProcess | null = null;
const work = tempDataDir("cli-work");

beforeAll(async () => {
  runtime = await startRuntime({ dataDir: tempDataDir("cli") });
});

afterAll(async () => {
  await runtime.stop();
  removeDir(runtime.dataDir);
  if (fresh) {
    await fresh.stop();
    removeDir(fresh.dataDir);
  }
  removeDir(work);
});

const cli = (args: string[], adminKey?: string) =>
  convexCli(runtime, args, { cwd: fixtureApp, adminKey });

test("the admin key is generated on first start, mode 600, and its file is printed", async () => {
  const file = join(runtime.dataDir, "admin-key");
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(adminKeyOf(runtime)).toMatch(/^convex-local\|[0-9a-f]{64}$/);
  await expect.poll(() => runtime.output()).toContain(`admin key generated in ${file}`);
  // The key itself is never printed.
  expect(runtime.output()).not.toContain(adminKeyOf(runtime));
});

test("convex run: a public mutation, an internal mutation, then a query sees both", async () => {
  const sent = await cli([
    "run",
    "messages:send",
    '{"channel":"cli","author":"ops","body":"hello"}',
  ]);
  expect(sent.stderr).not.toContain("Failed");
  expect(sent.code).toBe(0);
  expect(sent.stdout).toMatch(/"\d{39}messages"/);
  // Internal functions are open to the admin key (as on Convex).
  const internal = await cli(["run", "counters:increment", '{"name":"cli"}']);
  expect(internal.code).toBe(0);
  const listed = await cli(["run", "messages:list", '{"channel":"cli"}']);
  expect(listed.code).toBe(0);
  expect(JSON.parse(listed.stdout)).toEqual([
    expect.objectContaining({ author: "ops", body: "hello", channel: "cli" }),
  ]);
  const counter = await cli(["run", "counters:get", '{"name":"cli"}']);
  expect(counter.stdout.trim()).toBe("1");
});

test("convex env set, then a function reads it; list, get, remove", async () => {
  expect((await cli(["env", "set", "FIXTURE_GREETING", "bonjour"])).code).toBe(0);
  const read = await cli(["run", "settings:env", '{"name":"FIXTURE_GREETING"}']);
  expect(read.stdout.trim()).toBe('"bonjour"');
  expect((await cli(["env", "list"])).stdout).toContain("FIXTURE_GREETING=bonjour");
  expect((await cli(["env", "get", "FIXTURE_GREETING"])).stdout.trim()).toBe("bonjour");
  expect((await cli(["env", "remove", "FIXTURE_GREETING"])).code).toBe(0);
  const after = await cli(["run", "settings:env", '{"name":"FIXTURE_GREETING"}']);
  expect(after.code).toBe(0);
  // `convex run` prints nothing for null.
  expect(after.stdout.trim()).toBe("");
  // Persisted in the data folder: set again, it is there after a restart (checked below).
  expect((await cli(["env", "set", "FIXTURE_KEPT", "oui"])).code).toBe(0);
});

test("convex data lists the tables and a table's documents", async () => {
  const tables = await cli(["data"]);
  expect(tables.stdout.split("\n")).toEqual(expect.arrayContaining(["messages", "counters"]));
  const rows = await cli(["data", "messages", "--format", "jsonl"]);
  expect(rows.stdout).toContain('"body": "hello"');
});

test("convex logs streams function log lines", async () => {
  const child = spawn(
    process.execPath,
    [join(packageDir, "../../node_modules/convex/bin/main.js"), "logs"],
    {
      cwd: fixtureApp,
      env: {
        ...process.env,
        CONVEX_SELF_HOSTED_URL: runtime.url,
        CONVEX_SELF_HOSTED_ADMIN_KEY: adminKeyOf(runtime),
        NO_COLOR: "1",
        // The test runner may set FORCE_COLOR, which beats NO_COLOR in the CLI.
        FORCE_COLOR: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  // Colour codes would split the log line the assertion reads.
  const append = (chunk: Buffer) => {
    output += stripVTControlCharacters(chunk.toString());
  };
  child.stdout.on("data", append);
  child.stderr.on("data", append);
  try {
    await expect.poll(() => output, { timeout: 15_000 }).toContain("Watching logs");
    // messages:send logs "sending <body>".
    await cli(["run", "messages:send", '{"channel":"cli","author":"ops","body":"traced"}']);
    await expect
      .poll(() => output, { timeout: 15_000 })
      .toMatch(/\[CONVEX M\(messages:send\)\] \[LOG\] 'sending' 'traced'/);
  } finally {
    child.kill("SIGKILL");
  }
});

test("convex export, then convex import into a fresh runtime: same documents, ids and file bytes", async () => {
  const stored = await cli(["run", "files:storeNote", '{"channel":"cli","text":"fichier joint"}']);
  expect(stored.code).toBe(0);
  const storageId = (JSON.parse(stored.stdout) as { storageId: string }).storageId;

  const backup = join(work, "backup.zip");
  const exported = await cli(["export", "--include-file-storage", "--path", backup]);
  expect(exported.stderr).toContain("Downloaded snapshot export");
  const before = readSnapshot(backup);
  expect(before.tables.get("messages")).toHaveLength(3);
  expect(before.files.size).toBe(1);
  expect([...before.files.values()][0]?.toString()).toBe("fichier joint");

  fresh = await startRuntime({ dataDir: tempDataDir("cli-fresh") });
  const freshCli = (args: string[]) =>
    convexCli(fresh as RuntimeProcess, args, { cwd: fixtureApp });
  // The fixture's cron writes `counters` on its own: --replace clears what is there.
  const imported = await freshCli(["import", "--yes", "--replace", backup]);
  expect(imported.stderr).toContain("Added");
  expect(imported.code).toBe(0);

  // Same ids: the stored file is found by the id it had in the first runtime.
  const described = await freshCli(["run", "files:describe", JSON.stringify({ storageId })]);
  const meta = JSON.parse(described.stdout) as { url: string; size: number };
  expect(meta.size).toBe("fichier joint".length);
  const bytes = await (await fetch(meta.url)).text();
  expect(bytes).toBe("fichier joint");

  const again = join(work, "again.zip");
  await freshCli(["export", "--include-file-storage", "--path", again]);
  const after = readSnapshot(again);
  for (const table of ["messages", "_storage"]) {
    expect(after.tables.get(table)).toEqual(before.tables.get(table));
  }
  expect(after.files).toEqual(before.files);
});

test("a wrong admin key is refused with a clear error", async () => {
  const wrong = await cli(["run", "messages:list", '{"channel":"cli"}'], "convex-local|0000");
  expect(wrong.code).not.toBe(0);
  expect(wrong.stderr).toContain("BadAdminKey");
  expect(wrong.stderr).toContain("The admin key is not this runtime's");
  const env = await cli(["env", "set", "FIXTURE_GREETING", "non"], "convex-local|0000");
  expect(env.code).not.toBe(0);
  expect(env.stderr).toContain("401 Unauthorized: BadAdminKey");
  const read = await cli(["run", "settings:env", '{"name":"FIXTURE_GREETING"}']);
  expect(read.stdout.trim()).toBe("");
});

test("environment variables set with the CLI survive a restart", async () => {
  await runtime.stop();
  runtime = await startRuntime({ dataDir: runtime.dataDir });
  const restarted = runtime;
  await expect.poll(() => restarted.output()).toMatch(/admin key in .*admin-key/);
  const read = await cli(["run", "settings:env", '{"name":"FIXTURE_KEPT"}']);
  expect(read.stdout.trim()).toBe('"oui"');
});
