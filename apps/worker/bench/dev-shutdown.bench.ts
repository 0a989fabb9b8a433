// `bun run bench dev-shutdown`: how long Ctrl-C on `bun run dev` takes, from SIGINT to the last
// process gone, (1) idle (the starter documents indexed, no job running) and (2) with a
// system.echo of 3 s running (it finishes, then the runtime stops). Target: idle < 5 s.
// Fresh data folder, free ports (never 3000/3210/3211). Prints one JSON line.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { api } from "../../../convex/_generated/api.js";
import {
  childPidsByName,
  freePair,
  freePort,
  groupAlive,
  HOST,
  startDev,
} from "../test/dev-stack.ts";
import { apiKeyClient, waitFor } from "../test/harness.ts";

const dataDir = mkdtempSync(join(tmpdir(), "nexus-dev-bench-"));

async function run(withJob: boolean): Promise<number> {
  const convexPort = await freePair(4_610);
  const webPort = await freePort([convexPort, convexPort + 1], 5_250);
  const healthPort = await freePort([convexPort, convexPort + 1, webPort], webPort + 1);
  const convexUrl = `http://${HOST}:${convexPort}`;
  const dev = startDev({
    NEXUS_DATA_DIR: dataDir,
    CONVEX_LOCAL_PORT: String(convexPort),
    CONVEX_LOCAL_SITE_PORT: String(convexPort + 1),
    NEXUS_WEB_PORT: String(webPort),
    WORKER_HEALTH_PORT: String(healthPort),
  });
  await dev.waitForOutput(/\[dev\] ready — web: http:\/\/localhost:\d+/, 300_000);
  const key = readFileSync(join(dataDir, "dev-api-key"), "utf8").trim();
  const admin = apiKeyClient(convexUrl, `http://${HOST}:${convexPort + 1}`, key);
  // Idle: nothing pending or running (the seed's documents and bilans are done).
  await waitFor(
    async () => {
      const stats = await admin.query(api.jobs.stats, { now: Date.now() });
      const busy = stats.counts
        .filter((c) => c.status === "pending" || c.status === "running")
        .reduce((n, c) => n + c.count, 0);
      return busy === 0;
    },
    600_000,
    "an idle queue",
  );
  if (withJob) {
    const { job } = await admin.mutation(api.jobs.enqueue, {
      kind: "system.echo",
      payload: { sleepMs: 3_000 },
    });
    await waitFor(
      async () => (await admin.query(api.jobs.get, { jobId: job.id })).job.status === "running",
      60_000,
      "the job to run",
    );
  }
  const pids = [...childPidsByName(dev.output()).values()];
  const started = performance.now();
  dev.signal("SIGINT");
  await dev.exited;
  await waitFor(async () => pids.every((pid) => !groupAlive(pid)), 30_000, "every child gone");
  return Math.round(performance.now() - started);
}

try {
  const idleMs = await run(false);
  const withRunningJobMs = await run(true);
  console.log(JSON.stringify({ idleMs, withRunningJobMs, idleTargetMs: 5_000 }));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
