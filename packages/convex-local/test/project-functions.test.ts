// The project's own convex/ folder (with its @nexus/shared imports) runs under
// convex-local unmodified.
import { join } from "node:path";
import { ConvexHttpClient } from "convex/browser";
import { afterAll, beforeAll, expect, test } from "vitest";
import { api } from "../../../convex/_generated/api.js";
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
  expect(await client.query(api.health.check, {})).toEqual({ ok: true, service: "nexus-reussite" });
});
