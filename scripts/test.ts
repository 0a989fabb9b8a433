#!/usr/bin/env bun
// `bun run test`: every quality gate of the repository, in order, ending with
// one "N passed, N failed" line. Each lint/typecheck gate counts as one check;
// every Vitest and Playwright test counts as one; skipped tests count as failures.
// `bun run test --only <lint|typecheck|vitest|e2e> [args]` runs one step (args go to Vitest, or
// to Playwright with --only e2e).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const only = process.argv.includes("--only")
  ? process.argv[process.argv.indexOf("--only") + 1]
  : null;
const extraArgs = process.argv
  .slice(2)
  .filter((a, i, all) => a !== "--only" && all[i - 1] !== "--only");

let passed = 0;
let failed = 0;
const failures: string[] = [];

async function run(
  label: string,
  cmd: string[],
  env: Record<string, string> = {},
): Promise<boolean> {
  const started = performance.now();
  console.log(`\n▶ ${label}: ${cmd.join(" ")}`);
  const proc = Bun.spawn(cmd, {
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
    env: { ...process.env, FORCE_COLOR: process.env.CI ? "0" : "1", ...env },
  });
  const code = await proc.exited;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`${code === 0 ? "✔" : "✘"} ${label} (${seconds}s)`);
  return code === 0;
}

function gate(label: string, ok: boolean) {
  if (ok) passed++;
  else {
    failed++;
    failures.push(label);
  }
}

/** Every folder with a tsconfig.json that `tsc` must accept. */
function typecheckProjects(): string[] {
  const dirs = [".", "convex", "docker"];
  for (const parent of ["apps", "packages"]) {
    for (const name of readdirSync(join(root, parent))) {
      if (existsSync(join(root, parent, name, "tsconfig.json"))) dirs.push(join(parent, name));
    }
  }
  return dirs;
}

async function lint() {
  gate("lint+format (biome)", await run("lint+format", ["bunx", "biome", "check", "."]));
}

async function typecheck() {
  const projects = typecheckProjects();
  // Two at a time: this machine has two cores.
  const queue = [...projects];
  await Promise.all(
    [0, 1].map(async () => {
      for (let dir = queue.shift(); dir; dir = queue.shift()) {
        gate(
          `typecheck ${dir}`,
          await run(`typecheck ${dir}`, ["bunx", "tsc", "-p", dir, "--noEmit"]),
        );
      }
    }),
  );
}

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { status: string; fullName: string }[];
  }[];
}

async function vitest() {
  const out = join(root, "test-results", "vitest.json");
  mkdirSync(join(root, "test-results"), { recursive: true });
  rmSync(out, { force: true });
  const ok = await run("vitest", [
    "bunx",
    "vitest",
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${out}`,
    ...extraArgs,
  ]);
  if (!existsSync(out)) {
    gate("vitest (no report written)", false);
    return;
  }
  const report = JSON.parse(readFileSync(out, "utf8")) as VitestJson;
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  for (const file of report.testResults) {
    for (const test of file.assertionResults) {
      if (test.status === "failed") failures.push(`vitest: ${test.fullName}`);
    }
    // A file that fails to load has no assertions but must still fail the run.
    if (file.status === "failed" && file.assertionResults.length === 0) {
      failed++;
      failures.push(`vitest: ${file.name} (${file.message?.split("\n")[0] ?? "failed to load"})`);
    }
  }
  const skipped = report.numPendingTests + report.numTodoTests;
  if (skipped > 0) {
    failed++;
    failures.push(`vitest: ${skipped} skipped/todo tests (not allowed)`);
  }
  if (!ok && report.numFailedTests === 0 && !failures.some((f) => f.startsWith("vitest"))) {
    gate("vitest (runner error)", false);
  }
}

interface PlaywrightJsonSuite {
  title: string;
  specs: { title: string; file: string; tests: { status: string }[] }[];
  suites?: PlaywrightJsonSuite[];
}

interface PlaywrightJson {
  suites: PlaywrightJsonSuite[];
  errors: { message?: string }[];
  stats: { expected: number; unexpected: number; flaky: number; skipped: number };
}

/** Titles of the specs whose test ended in an unexpected outcome. */
function playwrightFailures(suites: PlaywrightJsonSuite[]): string[] {
  return suites.flatMap((suite) => [
    ...suite.specs
      .filter((spec) => spec.tests.some((t) => t.status === "unexpected"))
      .map((spec) => `${spec.file} › ${spec.title}`),
    ...playwrightFailures(suite.suites ?? []),
  ]);
}

/**
 * Playwright in Debian's Chromium against the whole stack (apps/web/playwright.config.ts starts
 * it on a fresh data folder and writes test-results/e2e/report.json).
 */
async function e2e() {
  const out = join(root, "test-results", "e2e", "report.json");
  rmSync(out, { force: true });
  const ok = await run("e2e", [
    "bunx",
    "playwright",
    "test",
    "-c",
    "apps/web/playwright.config.ts",
    ...(only === "e2e" ? extraArgs : []),
  ]);
  if (!existsSync(out)) {
    gate("e2e (no report written)", false);
    return;
  }
  const report = JSON.parse(readFileSync(out, "utf8")) as PlaywrightJson;
  // retries are 0, so "flaky" only appears if someone turns them on: it passed in the end.
  passed += report.stats.expected + report.stats.flaky;
  failed += report.stats.unexpected;
  for (const title of playwrightFailures(report.suites)) failures.push(`e2e: ${title}`);
  // Errors outside any test: the global setup (stack did not start), a file that fails to load.
  for (const error of report.errors) {
    failed++;
    failures.push(`e2e: ${error.message?.split("\n")[0] ?? "error outside the tests"}`);
  }
  if (report.stats.skipped > 0) {
    failed++;
    failures.push(`e2e: ${report.stats.skipped} skipped tests (not allowed)`);
  }
  if (!ok && report.stats.unexpected === 0 && report.errors.length === 0) {
    gate("e2e (runner error)", false);
  }
}

const steps: Record<string, () => Promise<void>> = { lint, typecheck, vitest, e2e };
for (const [name, step] of Object.entries(steps)) {
  if (only && only !== name) continue;
  await step();
}

if (failures.length > 0) {
  console.log("\nFailed:");
  for (const f of failures) console.log(`  ✘ ${f}`);
}
console.log(`\ntotal: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
