// `bun run dev` itself (scripts/dev.ts), on a fresh data folder and free ports (never the e2e
// stack's 3000/3210/3211): it prints its ready line, the runtime answers, the worker's /readyz
// and the web app's / answer; stopped and started again on the same folder, it reuses the data
// (the seed creates nothing, the 21 starter documents are recognised, not duplicated).
// What this catches: dev.ts no longer seeding or starting the worker or the web app, a seed
// that duplicates users or starter documents on a second start, a data folder not reused (a
// new one would mean « créées » again). It takes minutes (the worker indexes the 21 documents,
// Vite compiles the app): one test, two starts. No mutant was run against it yet.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConvexHttpClient } from "convex/browser";
import { afterAll, describe, expect, it } from "vitest";
import { api } from "../../../convex/_generated/api.js";
import { type Dev, freePair, freePort, HOST, startDev } from "./dev-stack.ts";
import { apiKeyClient, waitFor } from "./harness.ts";

async function answers(url: string): Promise<number | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return null;
  }
}

const dataDir = mkdtempSync(join(tmpdir(), "nexus-dev-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("bun run dev", () => {
  it("starts the whole stack on a fresh folder, then reuses its data on a second start", async () => {
    const convexPort = await freePair();
    const webPort = await freePort([convexPort, convexPort + 1]);
    const healthPort = await freePort([convexPort, convexPort + 1, webPort]);
    const env = {
      NEXUS_DATA_DIR: dataDir,
      CONVEX_LOCAL_PORT: String(convexPort),
      CONVEX_LOCAL_SITE_PORT: String(convexPort + 1),
      NEXUS_WEB_PORT: String(webPort),
      WORKER_HEALTH_PORT: String(healthPort),
    };
    const convexUrl = `http://${HOST}:${convexPort}`;
    const siteUrl = `http://${HOST}:${convexPort + 1}`;

    async function checkStack(dev: Dev) {
      await dev.waitForOutput(/\[dev\] ready — web: http:\/\/localhost:\d+/, 240_000);
      // The runtime: the one function anyone may call.
      const health = await new ConvexHttpClient(convexUrl).query(api.health.check, {});
      expect(health).toMatchObject({ ok: true, service: "nexus-reussite" });
      // The worker answers ready once registered with the runtime.
      await waitFor(
        async () => (await answers(`http://${HOST}:${healthPort}/readyz`)) === 200,
        60_000,
        "the worker's /readyz",
      );
      expect(await answers(`http://${HOST}:${webPort}/`)).toBe(200);
      // What the seed left, read as the demo admin (its API key is in the data folder).
      const key = readFileSync(join(dataDir, "dev-api-key"), "utf8").trim();
      const admin = apiKeyClient(convexUrl, siteUrl, key);
      const documents = await admin.query(api.documents.list, { limit: 200 });
      const users = await admin.query(api.users.list, {
        paginationOpts: { numItems: 200, cursor: null },
      });
      return { documents: documents.length, users: users.page.length };
    }

    const first = startDev(env);
    let firstCounts: { documents: number; users: number };
    try {
      firstCounts = await checkStack(first);
      expect(first.output()).toMatch(/Données de démonstration créées/);
      expect(firstCounts.documents).toBe(21);
      expect(firstCounts.users).toBeGreaterThan(3);
    } finally {
      await first.stop();
    }

    const second = startDev(env);
    try {
      const secondCounts = await checkStack(second);
      expect(second.output()).toMatch(/Données de démonstration déjà présentes/);
      expect(secondCounts).toEqual(firstCounts);
    } finally {
      await second.stop();
    }
  }, 600_000);
});
