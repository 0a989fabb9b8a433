// Playwright global setup: starts the whole stack on a fresh data folder (stack.ts), and
// returns the teardown that stops it all, which Playwright calls whether the tests passed or not.
//
// Files, under test-results/e2e/ at the repository root:
//   data/       the stack's data folder (NEXUS_DATA_DIR), emptied at the start of each run
//   stack.log   everything the stack printed (its last lines are shown when it fails to start)
import { dirname, join, resolve } from "node:path";
import type { FullConfig } from "@playwright/test";
import { startFreshStack } from "./stack";

export default async function globalSetup(config: FullConfig) {
  const root = resolve(dirname(config.configFile ?? join(process.cwd(), "x")), "../..");
  const outDir = join(root, "test-results", "e2e");
  const dataDir = join(outDir, "data");
  const logPath = join(outDir, "stack.log");

  const started = performance.now();
  const stack = await startFreshStack({ root, dataDir, logPath });
  console.log(
    `[e2e] stack ready in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
      `(data: ${dataDir}, log: ${logPath})`,
  );
  return async () => {
    const stopping = performance.now();
    await stack.stop();
    console.log(`[e2e] stack stopped in ${((performance.now() - stopping) / 1000).toFixed(1)} s`);
  };
}
