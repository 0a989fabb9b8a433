// Bounded reads (issue 11): with 20 000 jobs and 20 000 audit rows, every query the staff
// console calls stays within Convex's per-transaction read limits. convex-test enforces them
// here (transactionLimits: it counts every document a function reads, and its bytes, and
// throws past the limit the way a deployment does), so a query that scanned a whole table
// would throw; the first test shows that it does. What convex-test does not count: documents
// a `.filter()` rejects (a deployment does), which is why no console query uses `.filter()`.
import { type JobKind, type JobStatus, jobKinds, jobStatuses } from "@nexus/shared/jobs";
import { convexTest } from "convex-test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import schema from "./schema";
import { modules } from "./test.setup";
import { as, makeWorld, type T, type World } from "./world.fixtures";

/** Convex's limits per query or mutation (https://docs.convex.dev/production/state/limits). */
const LIMITS = { documentsRead: 16_384, bytesRead: 8 * 1024 * 1024 };
const ROWS = 20_000;
/** Rows per inserting transaction (convex-test also limits writes per transaction). */
const BATCH = 5_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 2, 12);
const AUDIT_ACTIONS = [
  "bilan.submit",
  "bilan.approve",
  "user.setRole",
  "student.linkParent",
  "job.retry",
  "email.resend",
  "document.remove",
  "seed.run",
];
const STACK = `Error: échec volontaire\n${"    at handler (apps/worker/src/handlers/x.ts:1:1)\n".repeat(8)}`;

let t: T;
let world: World;

async function fill() {
  t = convexTest({ schema, modules, transactionLimits: LIMITS }) as unknown as T;
  world = await makeWorld(t);
  const actors = [world.users.admin, world.users.assistante, world.users.coach, undefined];
  // The jobs go in directly (fast); their counter rows as model/jobCounts.ts would keep them.
  const counts = new Map<string, number>();
  for (let start = 0; start < ROWS; start += BATCH) {
    await t.run(async (ctx) => {
      for (let i = start; i < start + BATCH; i++) {
        const status = jobStatuses[i % jobStatuses.length]!;
        const kind = jobKinds[Math.floor(i / jobStatuses.length) % jobKinds.length]!;
        // Ages from now to 60 days back, so every age filter has rows on both sides.
        const createdAt = NOW - ((i * 7919) % (60 * DAY));
        const finished = status === "completed" || status === "failed" || status === "cancelled";
        counts.set(`${status}|${kind}`, (counts.get(`${status}|${kind}`) ?? 0) + 1);
        await ctx.db.insert("jobs", {
          kind,
          payload: { sleepMs: 0, index: i },
          status,
          priority: 0,
          negPriority: 0,
          runAt: createdAt,
          attempts: status === "pending" ? 0 : 1,
          maxAttempts: 5,
          idempotencyKey: `borne:${i}`,
          createdAt,
          updatedAt: createdAt,
          eventCount: 0,
          ...(status === "running"
            ? { leaseOwner: "w1", leaseExpiresAt: NOW + 60_000, claimedAt: createdAt }
            : {}),
          ...(finished ? { finishedAt: NOW - (i % 3_600_000) } : {}),
          ...(status === "failed"
            ? {
                lastError: {
                  message: "échec volontaire",
                  stack: STACK,
                  retryable: false,
                  at: createdAt,
                },
              }
            : {}),
        });
      }
    });
    await t.run(async (ctx) => {
      for (let i = start; i < start + BATCH; i++) {
        const actorId = actors[Math.floor(i / AUDIT_ACTIONS.length) % actors.length];
        await ctx.db.insert("auditLogs", {
          actorKind: actorId ? "user" : "worker",
          actorId,
          action: AUDIT_ACTIONS[i % AUDIT_ACTIONS.length]!,
          targetTable: "bilans",
          targetId: world.bilans.own,
          details: { index: i },
          at: NOW - i * 1_000,
        });
      }
    });
  }
  await t.run(async (ctx) => {
    for (const [key, count] of counts) {
      const [status, kind] = key.split("|") as [JobStatus, JobKind];
      await ctx.db.insert("jobCounts", { status, kind, count });
    }
  });
}

const firstPage = (numItems: number) => ({ numItems, cursor: null });

describe("the console's queries over 20 000 jobs and 20 000 audit rows", () => {
  beforeAll(fill, 240_000);

  it("the harness enforces the read limit: a whole-table read of either table throws", async () => {
    await expect(
      t.run(async (ctx) => (await ctx.db.query("jobs").collect()).length),
    ).rejects.toThrow(/Scanned too many documents/);
    await expect(
      t.run(async (ctx) => (await ctx.db.query("auditLogs").collect()).length),
    ).rejects.toThrow(/Scanned too many documents/);
    // …while what is under the limit passes (the rows are there).
    expect(await t.run(async (ctx) => (await ctx.db.query("jobs").take(10_000)).length)).toBe(
      10_000,
    );
  }, 60_000);

  it("jobs.list: every filter combination, first page and the next one", async () => {
    const staff = as(t, "assistante");
    const statuses = [undefined, ...jobStatuses];
    const kinds = [undefined, ...jobKinds];
    // Every index the list can take: each status × kind without age, each with an age, and the
    // three filters together (one age per combination keeps the test quick on 2 cores).
    const combos: { status?: string; kind?: string; since?: number }[] = [];
    for (const status of statuses) for (const kind of kinds) combos.push({ status, kind });
    for (const status of statuses) combos.push({ status, since: NOW - DAY });
    for (const kind of jobKinds) combos.push({ kind, since: NOW - 30 * DAY });
    for (const kind of jobKinds) combos.push({ status: "failed", kind, since: NOW - 3_600_000 });
    for (const [index, combo] of combos.entries()) {
      const args = {
        ...(combo.status ? { status: combo.status as (typeof jobStatuses)[number] } : {}),
        ...(combo.kind ? { kind: combo.kind as (typeof jobKinds)[number] } : {}),
        ...(combo.since !== undefined ? { since: combo.since } : {}),
      };
      const page = await staff.query(api.jobs.list, { ...args, paginationOpts: firstPage(50) });
      for (const job of page.page) {
        if (args.status) expect(job.status).toBe(args.status);
        if (args.kind) expect(job.kind).toBe(args.kind);
        if (args.since !== undefined) expect(job.createdAt).toBeGreaterThanOrEqual(args.since);
      }
      if (index % 8 === 0 && !page.isDone) {
        const next = await staff.query(api.jobs.list, {
          ...args,
          paginationOpts: { numItems: 50, cursor: page.continueCursor },
        });
        expect(next.page.length).toBeGreaterThan(0);
      }
    }
    // The largest page a client may ask for is capped, whatever it asks.
    const big = await staff.query(api.jobs.list, { paginationOpts: firstPage(100_000) });
    expect(big.page.length).toBe(100);
  }, 120_000);

  it("jobs.stats, jobs.get, alerts.health, alerts.list, workers.list", async () => {
    const staff = as(t, "admin");
    const stats = await staff.query(api.jobs.stats, { now: NOW });
    // Counts come from the counter rows, not from reading the jobs.
    expect(stats.counts.reduce((sum, c) => sum + c.count, 0)).toBe(ROWS);
    expect(stats.health.lastHour.capped).toBe(true);
    await staff.query(api.alerts.health, { now: NOW });
    await staff.query(api.alerts.list, {});
    await staff.query(api.workers.list, {});
    const [job] = (await staff.query(api.jobs.list, { paginationOpts: firstPage(1) })).page;
    expect((await staff.query(api.jobs.get, { jobId: job!.id })).job.id).toBe(job!.id);
  }, 60_000);

  it("the cron that evaluates alerts reads the same bounded figures", async () => {
    // convex-test enforces the read limits: over them, the mutation throws.
    const result = await t.mutation(internal.alerts.evaluate, {});
    expect(result.open).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it("audit.list: no filter, by action, by person, by both, and the next page", async () => {
    const staff = as(t, "admin");
    const people: (Id<"users"> | undefined)[] = [
      undefined,
      world.users.admin,
      world.users.coach,
      world.users.parent,
    ];
    for (const actorId of people) {
      for (const action of [undefined, ...AUDIT_ACTIONS, "jamais.vu"]) {
        const args = { ...(actorId ? { actorId } : {}), ...(action ? { action } : {}) };
        const page = await staff.query(api.audit.list, { ...args, paginationOpts: firstPage(50) });
        for (const entry of page.page) {
          if (actorId) expect(entry.actor?.id).toBe(actorId);
          if (action) expect(entry.action).toBe(action);
        }
        if (!page.isDone) {
          await staff.query(api.audit.list, {
            ...args,
            paginationOpts: { numItems: 50, cursor: page.continueCursor },
          });
        }
      }
    }
    // One row in 32 is the admin's bilan.approve: both filters hold together, by index.
    const both = await staff.query(api.audit.list, {
      actorId: world.users.admin,
      action: "bilan.approve",
      paginationOpts: firstPage(50),
    });
    expect(both.page).toHaveLength(50);
  }, 60_000);

  it("emails.page, emails.list and emails.preview", async () => {
    const staff = as(t, "assistante");
    for (const status of [
      undefined,
      "queued",
      "sending",
      "sent",
      "failed",
      "unconfirmed",
    ] as const) {
      await staff.query(api.emails.page, {
        ...(status ? { status } : {}),
        paginationOpts: firstPage(50),
      });
      await staff.query(api.emails.list, { ...(status ? { status } : {}), limit: 200 });
    }
  });
});
