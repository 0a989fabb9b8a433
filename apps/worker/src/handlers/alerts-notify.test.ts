// The alerts.notify handler against the real Convex functions (convex-test): the cron opens a
// queue alarm, the handler e-mails every active admin once and nobody else, a retried job sends
// nothing twice, and once the alert is resolved nothing more is sent.
// Mutants this catches: notificationTargets reading every user (or staff) instead of admins;
// a deactivated admin still written to; the `notifiedAt` check removed from the handler;
// markNotified not called; evaluate enqueuing a second alerts.notify for the same incident.
import type { EmailSender, OutgoingEmail } from "@nexus/email/email-sender";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, internal } from "../../../../convex/_generated/api";
import type { Id } from "../../../../convex/_generated/dataModel";
import { asWorker, freshWorld, type T } from "../../../../convex/world.fixtures";
import { workerConvexOf } from "../convex-test.test-helpers.ts";
import type { JobHelpers } from "../handler.ts";
import { createLogger } from "../logger.ts";
import type { PipelineServices } from "../pipeline/services.ts";
import { alertsNotifyHandler } from "./alerts-notify.ts";

beforeEach(() => {
  // The echo job below waits 60 s; the alerts.notify job itself (due now) is not stalled.
  vi.stubEnv("ALERT_STALL_AFTER_MS", "30000");
});
afterEach(() => {
  vi.unstubAllEnvs();
});

function setup(t: T) {
  const sent: OutgoingEmail[] = [];
  const sender: EmailSender = {
    provider: "outbox",
    async send(email) {
      sent.push(email);
      return { provider: "outbox", providerId: `m${sent.length}`, deduplicated: false };
    },
  };
  const services = {
    appUrl: "https://app.test",
    emailSender: async () => sender,
  } as unknown as PipelineServices;
  const handler = alertsNotifyHandler(services);
  const run = (alertId: Id<"alerts">) =>
    handler.run({ alertId }, {
      job: { id: "j1", kind: "alerts.notify", attempt: 1, maxAttempts: 5, createdAt: 0 },
      signal: new AbortController().signal,
      log: createLogger({ level: "error" }),
      progress: () => {},
      convex: workerConvexOf(t),
    } as JobHelpers);
  return { sent, run };
}

async function notifyJobs(t: T) {
  return await t.run(async (ctx) =>
    (await ctx.db.query("jobs").collect()).filter((j) => j.kind === "alerts.notify"),
  );
}

describe("alerts.notify against Convex", () => {
  it("e-mails every active admin once, nobody else, and nothing more once notified or resolved", async () => {
    const { t } = await freshWorld();
    // A second admin, and a deactivated one who must not be written to.
    await t.run(async (ctx) => {
      await ctx.db.insert("users", {
        tokenIdentifier: "test|admin2",
        email: "Second.Admin@test.fr",
        name: "Second Admin",
        role: "admin",
        createdAt: 1,
        lastSeenAt: 1,
      });
      await ctx.db.insert("users", {
        tokenIdentifier: "test|admin3",
        email: "ancien.admin@test.fr",
        name: "Ancien Admin",
        role: "admin",
        createdAt: 1,
        lastSeenAt: 1,
        deactivatedAt: 1,
      });
    });
    // Due work and no worker: the cron opens queue_stalled and enqueues one alerts.notify.
    await t.mutation(internal.jobs.enqueueInternal, {
      kind: "system.echo",
      payload: { message: "x", sleepMs: 0 },
      runAt: Date.now() - 60_000,
    });
    await t.mutation(internal.alerts.evaluate, {});
    const [alert] = await t.run(async (ctx) => await ctx.db.query("alerts").collect());
    expect(alert).toMatchObject({ kind: "queue_stalled", status: "open" });
    expect(await notifyJobs(t)).toHaveLength(1);

    const { sent, run } = setup(t);
    expect(await run(alert!._id)).toEqual({ notified: 2 });
    const allUsers = await t.run(async (ctx) => await ctx.db.query("users").collect());
    const activeAdmins = allUsers
      .filter((u) => u.role === "admin" && u.deactivatedAt === undefined)
      .map((u) => u.email)
      .sort();
    expect(activeAdmins).toHaveLength(2);
    expect(sent.map((e) => e.to.email).sort()).toEqual(activeAdmins);
    expect(sent.every((e) => e.subject.length > 0 && e.text.includes("/admin"))).toBe(true);
    expect((await t.run(async (ctx) => await ctx.db.get(alert!._id)))?.notifiedAt).toBeTypeOf(
      "number",
    );

    // The same job retried (or run again): nothing more.
    expect(await run(alert!._id)).toEqual({ skipped: "déjà notifiée" });
    expect(sent).toHaveLength(2);

    // Still stalled: the same incident, no new alert and no new e-mail job.
    await t.mutation(internal.alerts.evaluate, {});
    expect(await notifyJobs(t)).toHaveLength(1);

    // A worker comes online for every pending kind: the alert is resolved, and sends nothing.
    await asWorker(t).mutation(api.workers.register, {
      workerId: "w1",
      host: "h",
      version: "test",
      kinds: ["system.echo", "alerts.notify"],
      concurrency: { "system.echo": 1, "alerts.notify": 1 },
    });
    await t.mutation(internal.alerts.evaluate, {});
    const resolved = await t.run(async (ctx) => await ctx.db.get(alert!._id));
    expect(resolved?.status).toBe("resolved");
    expect(await notifyJobs(t)).toHaveLength(1);
    expect(await run(alert!._id)).toEqual({ skipped: "déjà notifiée" });
    expect(sent).toHaveLength(2);
  });
});

describe("alerts.notify and e-mail preferences", () => {
  it("carries a signed-out unsubscribe link and List-Unsubscribe headers, and skips who turned alerts off", async () => {
    vi.stubEnv("API_KEY_SIGNING_KEY", "clé-de-test-des-liens");
    const { t, world } = await freshWorld();
    await t.mutation(internal.jobs.enqueueInternal, {
      kind: "system.echo",
      payload: { message: "x", sleepMs: 0 },
      runAt: Date.now() - 60_000,
    });
    await t.mutation(internal.alerts.evaluate, {});
    const [alert] = await t.run(async (ctx) => await ctx.db.query("alerts").collect());
    const { sent, run } = setup(t);
    expect(await run(alert!._id)).toEqual({ notified: 1 });
    const email = sent[0]!;
    const url = /https:\/\/app\.test\/desabonnement\/[A-Za-z0-9_%.-]+/.exec(email.html)?.[0];
    expect(url).toBeDefined();
    expect(email.headers).toEqual({
      "List-Unsubscribe": `<${url}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
    expect(email.html).toContain("https://app.test/confidentialite");
    // The link works without signing in: the admin no longer gets alerts.
    const token = decodeURIComponent(url!.split("/").pop()!);
    expect(await t.mutation(api.emailPreferences.unsubscribe, { token })).toMatchObject({
      ok: true,
    });
    await t.run((ctx) => ctx.db.patch(alert!._id, { notifiedAt: undefined }));
    expect(await run(alert!._id)).toEqual({ notified: 0 });
    expect(world.users.admin).toBeDefined();
  });
});
