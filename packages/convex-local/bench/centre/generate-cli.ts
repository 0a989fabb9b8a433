#!/usr/bin/env bun
// Writes a generated centre (generate.ts) into a data folder through an embedded
// runtime serving the app's convex/ folder, then stops it (the folder is then
// compacted, as after any run). Prints progress on stderr and, last, one JSON line:
// the generator's summary.
//   bun packages/convex-local/bench/centre/generate-cli.ts --data DIR [--scale 0.1] [--seed 13]
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { MutationCtx } from "../../../../convex/_generated/server";
import { startConvexLocal } from "../../src/convex-local.ts";
import { generateCentre } from "./generate.ts";

const repoRoot = join(import.meta.dir, "../../../..");
const { values } = parseArgs({
  options: {
    data: { type: "string" },
    scale: { type: "string", default: "1" },
    seed: { type: "string", default: "13" },
  },
});
if (!values.data) {
  console.error("usage: generate-cli.ts --data DIR [--scale 0.1] [--seed 13]");
  process.exit(2);
}
const scale = Number(values.scale);
if (!(scale > 0 && scale <= 1)) {
  console.error(`--scale must be in (0, 1], got ${values.scale}`);
  process.exit(2);
}

const runtime = await startConvexLocal({
  functionsDir: join(repoRoot, "convex"),
  dataDir: values.data,
  port: 0,
  sitePort: 0,
  echoFunctionLogs: false,
});
try {
  const summary = await generateCentre(
    {
      transaction: (work) => runtime.runTransaction((ctx) => work(ctx as MutationCtx)),
      storeFile: (bytes, contentType) => runtime.storeFile(bytes, contentType),
    },
    {
      scale,
      seed: Number(values.seed),
      onProgress: (line) => console.error(`[centre] ${line}`),
    },
  );
  const stopStarted = performance.now();
  await runtime.stop();
  console.log(
    JSON.stringify({ ...summary, stopSeconds: (performance.now() - stopStarted) / 1000 }),
  );
} catch (error) {
  await runtime.stop();
  throw error;
}
process.exit(0);
