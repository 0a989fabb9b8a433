// The project's own convex/ folder (with its @nexus/shared imports) runs under
// convex-local unmodified.
import { join } from "node:path";
import { ConvexHttpClient } from "convex/browser";
import { afterAll, beforeAll, expect, test } from "vitest";

// api.health.check by name: importing the project's generated `api` would
// type-check that whole folder under this package's compiler settings.
const healthCheck = makeFunctionReference<"query", Record<string, never>, unknown>("health:check");

import { makeFunctionReference } from "convex/server";
import {
  packageDir,
  type RuntimeProcess,
  removeDir,
  startRuntime,
  tempDataDir,
} from "./runtime-process.ts";

let runtime: RuntimeProcess;

beforeAll(async () => {
  runtime = await startRuntime({
    dataDir: tempDataDir("project"),
    functionsDir: join(packageDir, "../../convex"),
    env: { WORKER_SECRET: "test-worker-secret" },
  });
});

afterAll(async () => {
  await runtime.stop();
  removeDir(runtime.dataDir);
});

test("api.health.check answers through the runtime", async () => {
  const client = new ConvexHttpClient(runtime.url, { logger: false });
  // No worker has registered with this fresh runtime.
  expect(await client.query(healthCheck, {})).toEqual({
    ok: true,
    service: "nexus-reussite",
    workerLastSeenAt: null,
  });
});
