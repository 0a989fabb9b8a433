// `nexus-worker` commands as a person or a script runs them, against a local
// runtime seeded with jobs in every state.
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "../../../convex/_generated/api.js";
import type { Id } from "../../../convex/_generated/dataModel.js";
import { type Runtime, runCliProcess, startRuntime } from "./harness.ts";

let runtime: Runtime;
const seeded: Record<string, string> = {};

function cli(...args: string[]) {
  return runCliProcess(runtime, args);
}

async function failNow(jobId: string, message: string) {
  const claim = await runtime.worker.mutation(api.jobs.claim, {
    workerId: "seed",
    kinds: ["system.echo"],
    leaseMs: 60_000,
  });
  expect(claim?.jobId).toBe(jobId);
  await runtime.worker.mutation(api.jobs.fail, {
    jobId: jobId as Id<"jobs">,
    claimToken: claim!.claimToken,
    error: { message },
    retryable: false,
  });
}

beforeAll(async () => {
  runtime = await startRuntime();
  const enqueue = async (payload: object, options: { priority?: number } = {}) =>
    (
      await runtime.staff.mutation(api.jobs.enqueue, {
        kind: "system.echo",
        payload,
        ...options,
      })
    ).job.id;
  // Two failed jobs (claimed first thanks to their priority), one pending.
  seeded.failedA = await enqueue({ sleepMs: 1 }, { priority: 9 });
  await failNow(seeded.failedA, "panne A");
  seeded.failedB = await enqueue({ sleepMs: 2 }, { priority: 9 });
  await failNow(seeded.failedB, "panne B");
  seeded.pending = await enqueue({ sleepMs: 3 });
  await runtime.worker.mutation(api.workers.register, {
    workerId: "seed-worker",
    host: "vps",
    version: "0.1.0",
    kinds: ["system.echo"],
    concurrency: { "system.echo": 4 },
  });
});

afterAll(async () => {
  await runtime?.stop();
});

describe("nexus-worker CLI", () => {
  it("jobs list --json prints an array of jobs with the show fields", async () => {
    const r = await cli("jobs", "list", "--json");
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(list.map((j) => j.id)).toEqual([seeded.pending, seeded.failedB, seeded.failedA]);
    for (const j of list) {
      for (const key of [
        "id",
        "kind",
        "status",
        "attempts",
        "createdAt",
        "claimedAt",
        "finishedAt",
      ]) {
        expect(j).toHaveProperty(key);
      }
      expect(typeof j.createdAt).toBe("number");
    }
    const failed = JSON.parse((await cli("jobs", "list", "--status", "failed", "--json")).stdout);
    expect(failed.map((j: { status: string }) => j.status)).toEqual(["failed", "failed"]);
    const limited = JSON.parse((await cli("jobs", "list", "--limit", "1", "--json")).stdout);
    expect(limited).toHaveLength(1);
  });

  it("jobs list prints a table for people", async () => {
    const r = await cli("jobs", "list", "--kind", "system.echo");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ID\s+TYPE\s+STATUT/);
    expect(r.stdout).toContain("échouée");
    expect(r.stdout).toContain("panne A");
  });

  it("jobs show --json has the job fields as epoch ms and its events", async () => {
    const r = await cli("jobs", "show", seeded.failedA!, "--json");
    expect(r.code).toBe(0);
    const job = JSON.parse(r.stdout);
    expect(job).toMatchObject({
      id: seeded.failedA,
      kind: "system.echo",
      status: "failed",
      attempts: 1,
    });
    expect(typeof job.claimedAt).toBe("number");
    expect(typeof job.finishedAt).toBe("number");
    expect(job.events.map((e: { type: string }) => e.type)).toEqual([
      "enqueued",
      "claimed",
      "failed",
    ]);
    const human = await cli("jobs", "show", seeded.failedA!);
    expect(human.stdout).toContain("Événements");
    expect(human.stdout).toContain("panne A");
  });

  it("exits 1 when the operation fails and 2 on a usage error", async () => {
    const missing = await cli("jobs", "show", "does-not-exist");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Tâche introuvable");
    expect((await cli("jobs", "list", "--status", "bogus")).code).toBe(2);
    expect((await cli("jobs", "frobnicate")).code).toBe(2);
    expect((await cli("jobs", "enqueue", "system.echo", "--payload", "{oops")).code).toBe(2);
    const invalid = await cli("jobs", "enqueue", "system.echo", "--payload", '{"sleepMs":-1}');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/Contenu \(payload\) invalide pour une tâche « system\.echo »/);
    expect((await cli("jobs", "retry")).code).toBe(2);
  });

  it("jobs enqueue --json prints the created job; an idempotency key returns it again", async () => {
    const args = ["jobs", "enqueue", "system.echo", "--payload", '{"sleepMs":5}', "--json"];
    const first = JSON.parse((await cli(...args, "--idempotency-key", "cli-1")).stdout);
    expect(first).toMatchObject({
      kind: "system.echo",
      status: "pending",
      payload: { sleepMs: 5 },
    });
    const again = JSON.parse((await cli(...args, "--idempotency-key", "cli-1")).stdout);
    expect(again.id).toBe(first.id);
    const cancelled = JSON.parse((await cli("jobs", "cancel", first.id, "--json")).stdout);
    expect(cancelled.status).toBe("cancelled");
    const human = await cli("jobs", "cancel", first.id);
    expect(human.code).toBe(1);
  });

  it("jobs retry <id> puts one job back; --failed needs --yes without a terminal", async () => {
    const one = await cli("jobs", "retry", seeded.failedA!, "--json");
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ status: "pending", attempts: 0 });
    const refused = await cli("jobs", "retry", "--failed");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--yes/);
    const bulk = await cli("jobs", "retry", "--failed", "--kind", "system.echo", "--yes", "--json");
    expect(bulk.code).toBe(0);
    expect(JSON.parse(bulk.stdout).map((j: { id: string }) => j.id)).toEqual([seeded.failedB]);
    expect(bulk.stderr).toContain("[1/1]");
    expect(JSON.parse((await cli("jobs", "list", "--status", "failed", "--json")).stdout)).toEqual(
      [],
    );
  });

  it("jobs reprocess checks the target exists", async () => {
    const r = await cli("jobs", "reprocess", "bilan", "nope");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Bilan introuvable");
    expect((await cli("jobs", "reprocess", "student", "x")).code).toBe(2);
  });

  it("workers and stats print tables and JSON", async () => {
    const workers = JSON.parse((await cli("workers", "--json")).stdout);
    expect(workers).toEqual([
      expect.objectContaining({ workerId: "seed-worker", status: "online", host: "vps" }),
    ]);
    expect((await cli("workers")).stdout).toContain("en ligne");
    const stats = JSON.parse((await cli("stats", "--json")).stdout);
    expect(stats.counts).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: "system.echo", status: "pending" })]),
    );
    expect(stats.health.workersOnline).toBe(1);
    expect(typeof stats.health.lastHour.failureRate).toBe("number");
    const human = await cli("stats");
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("Workers en ligne : 1");
  });

  it("keys: a person's key is created to a file, listed without its secret, and revoked at once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nexus-keys-"));
    const file = join(dir, "portable.key");
    const created = await cli("keys", "create", "--label", "portable", "--out", file, "--json");
    expect(created.code).toBe(0);
    const key = readFileSync(file, "utf8").trim();
    expect(key).toMatch(/^nxr_/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const { keyId, hint } = JSON.parse(created.stdout);
    expect(created.stdout).not.toContain(key);

    // The new key works like the admin's own: the CLI acts as the same person.
    const withNewKey = await runCliProcess(runtime, ["jobs", "list", "--json"], {
      NEXUS_API_KEY: "",
      NEXUS_API_KEY_FILE: file,
    });
    expect(withNewKey.code).toBe(0);
    const listed = JSON.parse((await cli("keys", "list", "--json")).stdout);
    expect(listed).toEqual(expect.arrayContaining([expect.objectContaining({ _id: keyId, hint })]));
    expect(JSON.stringify(listed)).not.toContain(key);
    expect(listed.find((k: { _id: string }) => k._id === keyId).lastUsedAt).toBeGreaterThan(0);

    expect((await cli("keys", "revoke", keyId)).code).toBe(0);
    const refused = await runCliProcess(runtime, ["jobs", "list"], { NEXUS_API_KEY: key });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Clé d'API invalide, expirée ou révoquée");
    // Out of a terminal, a new key is never printed to stdout by accident.
    const noOut = await cli("keys", "create", "--label", "ci");
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain("--out");
  });

  it("keys: without a key, or with a malformed one, the CLI says what to set", async () => {
    const none = await runCliProcess(runtime, ["jobs", "list"], { NEXUS_API_KEY: "" });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("NEXUS_API_KEY (ou NEXUS_API_KEY_FILE) est obligatoire");
    const bad = await runCliProcess(runtime, ["jobs", "list"], { NEXUS_API_KEY: "mot-de-passe" });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("ne contient pas une clé d'API valide");
  });

  it("keys bootstrap (worker key) refuses to make a second admin", async () => {
    const r = await runCliProcess(runtime, [
      "keys",
      "bootstrap",
      "--email",
      "inconnu@exemple.fr",
      "--out",
      join(tmpdir(), `never-${Date.now()}.key`),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Aucun compte avec cette adresse");
  });

  it("emails: lists what staff must confirm and insists on an explicit answer", async () => {
    const listed = await cli("emails", "list", "--unconfirmed", "--json");
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
    expect((await cli("emails", "list")).stdout).toContain("Aucun e-mail.");
    const ambiguous = await cli("emails", "confirm", "x");
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain("--delivered");
  });
});
