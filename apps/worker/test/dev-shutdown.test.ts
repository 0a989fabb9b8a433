// Ctrl-C on `bun run dev` (scripts/dev.ts): the web app and the worker stop first, the worker
// finishes (or releases) its running job while the runtime still answers, then the runtime
// stops, and no process is left. The job is checked afterwards in the data folder, by starting
// the runtime alone on it: never left « running » with a lease nobody holds.
// What this catches: the runtime stopped with (or before) the worker — the terminal's SIGINT
// reaching every child at once, the old behaviour: the worker cannot release and the job stays
// locked —, children left behind (vite under bunx, the runtime), dev.ts exiting before them.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { api } from "../../../convex/_generated/api.js";
import { childPidsByName, freePair, freePort, groupAlive, HOST, startDev } from "./dev-stack.ts";
import { apiKeyClient, repoRoot, runtimeBin, waitFor } from "./harness.ts";

const dataDir = mkdtempSync(join(tmpdir(), "nexus-dev-stop-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("bun run dev shutdown", () => {
  it("Ctrl-C: web and worker first, the running job completes or is released, nothing is left", async () => {
    const convexPort = await freePair(4_510);
    const webPort = await freePort([convexPort, convexPort + 1], 5_150);
    const healthPort = await freePort([convexPort, convexPort + 1, webPort], webPort + 1);
    const convexUrl = `http://${HOST}:${convexPort}`;
    const siteUrl = `http://${HOST}:${convexPort + 1}`;
    const dev = startDev({
      NEXUS_DATA_DIR: dataDir,
      CONVEX_LOCAL_PORT: String(convexPort),
      CONVEX_LOCAL_SITE_PORT: String(convexPort + 1),
      NEXUS_WEB_PORT: String(webPort),
      WORKER_HEALTH_PORT: String(healthPort),
      LOG_FORMAT: "json",
    });
    let jobId: string;
    try {
      await dev.waitForOutput(/\[dev\] ready — web: http:\/\/localhost:\d+/, 240_000);
      const key = readFileSync(join(dataDir, "dev-api-key"), "utf8").trim();
      const admin = apiKeyClient(convexUrl, siteUrl, key);
      // A long job, running when Ctrl-C comes.
      const { job } = await admin.mutation(api.jobs.enqueue, {
        kind: "system.echo",
        payload: { sleepMs: 4_000 },
      });
      jobId = job.id;
      await waitFor(
        async () =>
          (await admin.query(api.jobs.get, { jobId })).job.status === "running" ? true : null,
        60_000,
        "the echo job to run",
      );
    } catch (error) {
      await dev.stop();
      throw error;
    }
    const pids = childPidsByName(dev.output());
    expect([...pids.keys()]).toEqual(expect.arrayContaining(["convex", "worker", "web"]));

    // What a terminal does on Ctrl-C: SIGINT to dev.ts' process group.
    dev.signal("SIGINT");
    expect(await dev.exited).toBe(0);

    // Every child's process group is gone (vite under bunx included).
    for (const [name, pid] of pids)
      expect({ name, alive: groupAlive(pid) }).toEqual({ name, alive: false });

    const output = dev.output();
    // The worker stopped before the runtime, and saw its job to an end while it could.
    const workerStopped = output.indexOf('"worker.stopped"');
    const runtimeStopping = output.indexOf("[dev] stopping the Convex runtime");
    expect(workerStopped).toBeGreaterThan(-1);
    expect(runtimeStopping).toBeGreaterThan(workerStopped);
    const finished = output
      .split("\n")
      .filter((line) => line.includes('"job.finished"') && line.includes(jobId!))
      .map((line) => JSON.parse(line.slice(line.indexOf("{"))).outcome);
    expect(finished).toHaveLength(1);
    expect(["completed", "released"]).toContain(finished[0]);

    // The data folder agrees: the job is completed, or pending again — never left running.
    const keys = join(dataDir, "dev-keys");
    const runtime = spawn(
      "bun",
      [
        runtimeBin,
        "--functions",
        "convex",
        "--port",
        String(convexPort),
        "--site-port",
        String(convexPort + 1),
        "--data",
        join(dataDir, "convex"),
      ],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          WORKER_JWKS: readFileSync(join(keys, "worker-jwks.json"), "utf8"),
          API_KEY_SIGNING_KEY: readFileSync(join(keys, "api-key-signing-key.json"), "utf8"),
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const runtimeExited = new Promise((resolve) => runtime.once("exit", resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        let text = "";
        runtime.stdout!.on("data", (chunk: Buffer) => {
          text += chunk.toString("utf8");
          if (text.includes("Convex local HTTP actions at")) resolve();
        });
        void runtimeExited.then(() => reject(new Error(`runtime exited: ${text}`)));
      });
      const key = readFileSync(join(dataDir, "dev-api-key"), "utf8").trim();
      const admin = apiKeyClient(convexUrl, siteUrl, key);
      const { job, events } = await admin.query(api.jobs.get, { jobId: jobId! });
      expect(["completed", "pending"]).toContain(job.status);
      expect(events.map((e) => e.type)).toContain(
        job.status === "completed" ? "completed" : "released",
      );
    } finally {
      runtime.kill("SIGTERM");
      await runtimeExited;
    }
  }, 600_000);
});
