// Who may call what: worker functions need the worker's own identity (a signed-in admin
// or an admin's API key is not enough); staff functions need the admin or assistante role,
// and the worker is never staff.
import type { Role } from "@nexus/shared/domain";
import { ConvexError } from "convex/values";
import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import { makeConvexTest } from "./test.setup";
import { asWorker, WORKER_IDENTITY, withApiKey } from "./world.fixtures";

type T = ReturnType<typeof makeConvexTest>;

async function signedIn(t: T, role: Role | undefined, subject = `user-${role ?? "none"}`) {
  const tokenIdentifier = `https://test|${subject}`;
  const userId = await t.run((ctx) =>
    ctx.db.insert("users", {
      tokenIdentifier,
      email: `${subject}@example.fr`,
      name: subject,
      role,
      createdAt: 0,
      lastSeenAt: 0,
    }),
  );
  return Object.assign(t.withIdentity({ subject, issuer: "https://test", tokenIdentifier }), {
    userId,
  });
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConvexError);
  return (error as ConvexError<{ code: string }>).data.code;
}

const claimArgs = { workerId: "w", kinds: ["system.echo" as const], leaseMs: 1_000 };
const registerArgs = {
  workerId: "w",
  host: "h",
  version: "1",
  kinds: [],
  concurrency: {},
};

describe("worker functions", () => {
  it("refuse a call without an identity", async () => {
    const t = makeConvexTest();
    expect(await codeOf(t.mutation(api.jobs.claim, claimArgs))).toBe("WORKER_AUTH");
    expect(await codeOf(t.query(api.jobs.dueWork, { kinds: ["system.echo"] }))).toBe("WORKER_AUTH");
    expect(
      await codeOf(t.query(api.jobs.list, { paginationOpts: { numItems: 1, cursor: null } })),
    ).toBe("UNAUTHENTICATED");
  });

  it("refuse a signed-in admin and an admin's API key", async () => {
    const t = makeConvexTest();
    const admin = await signedIn(t, "admin");
    const { client: adminKey } = await withApiKey(t, admin.userId);
    for (const caller of [admin, adminKey]) {
      expect(await codeOf(caller.mutation(api.jobs.claim, claimArgs))).toBe("WORKER_AUTH");
      expect(await codeOf(caller.mutation(api.workers.register, registerArgs))).toBe("WORKER_AUTH");
    }
    expect(await t.run((ctx) => ctx.db.query("workers").collect())).toEqual([]);
  });

  it("recognise the worker by the token's issuer, not by its subject", async () => {
    const t = makeConvexTest();
    const impostor = t.withIdentity({
      ...WORKER_IDENTITY,
      issuer: "https://test",
      tokenIdentifier: `https://test|${WORKER_IDENTITY.subject}`,
    });
    expect(await codeOf(impostor.mutation(api.jobs.claim, claimArgs))).toBe("WORKER_AUTH");
  });

  it("accept the worker identity, which is refused by staff functions", async () => {
    const t = makeConvexTest();
    const worker = asWorker(t);
    expect(await worker.mutation(api.jobs.claim, claimArgs)).toBeNull();
    expect(
      await codeOf(worker.query(api.jobs.list, { paginationOpts: { numItems: 1, cursor: null } })),
    ).toBe("FORBIDDEN");
    expect(
      await codeOf(
        worker.mutation(api.jobs.enqueue, { kind: "system.echo", payload: { sleepMs: 0 } }),
      ),
    ).toBe("FORBIDDEN");
    expect(await codeOf(worker.query(api.workers.list, {}))).toBe("FORBIDDEN");
  });
});

describe("staff functions", () => {
  it("let admin and assistante enqueue, list, cancel and retry", async () => {
    const t = makeConvexTest();
    for (const role of ["admin", "assistante"] as const) {
      const staff = await signedIn(t, role);
      const { job } = await staff.mutation(api.jobs.enqueue, {
        kind: "system.echo",
        payload: { sleepMs: 0 },
      });
      const page = await staff.query(api.jobs.list, {
        paginationOpts: { numItems: 10, cursor: null },
      });
      expect(page.page.map((j) => j.id)).toContain(job.id);
      expect((await staff.mutation(api.jobs.cancel, { jobId: job.id })).status).toBe("cancelled");
      const retried = await staff.mutation(api.jobs.retry, { jobId: job.id });
      expect(retried.status).toBe("pending");
      expect(retried.retriedBy).toMatch(/^user:/);
      expect((await staff.query(api.jobs.get, { jobId: job.id })).events.length).toBeGreaterThan(2);
      expect((await staff.query(api.workers.list, {})).length).toBe(0);
      expect((await staff.query(api.alerts.health, { now: Date.now() })).workersOnline).toBe(0);
    }
  });

  it("refuse coaches, parents, students, users without a role and anonymous callers", async () => {
    const t = makeConvexTest();
    const admin = await signedIn(t, "admin");
    const { job } = await admin.mutation(api.jobs.enqueue, {
      kind: "system.echo",
      payload: { sleepMs: 0 },
    });
    for (const role of ["coach", "parent", "eleve"] as const) {
      const user = await signedIn(t, role);
      expect(
        await codeOf(user.query(api.jobs.list, { paginationOpts: { numItems: 1, cursor: null } })),
      ).toBe("FORBIDDEN");
      expect(await codeOf(user.mutation(api.jobs.cancel, { jobId: job.id }))).toBe("FORBIDDEN");
      expect(
        await codeOf(
          user.mutation(api.jobs.enqueue, { kind: "system.echo", payload: { sleepMs: 0 } }),
        ),
      ).toBe("FORBIDDEN");
      expect(await codeOf(user.query(api.workers.list, {}))).toBe("FORBIDDEN");
      expect(await codeOf(user.query(api.alerts.list, {}))).toBe("FORBIDDEN");
    }
    const noRole = await signedIn(t, undefined);
    expect(await codeOf(noRole.query(api.jobs.get, { jobId: job.id }))).toBe("NO_ROLE");
    expect(await codeOf(t.query(api.jobs.get, { jobId: job.id }))).toBe("UNAUTHENTICATED");
    expect(await codeOf(t.mutation(api.jobs.retry, { jobId: job.id }))).toBe("UNAUTHENTICATED");
  });

  it("reprocess enqueues bilan.generate or document.ingest for an existing record", async () => {
    const t = makeConvexTest();
    const admin = await signedIn(t, "admin");
    const documentId = await t.run(async (ctx) =>
      ctx.db.insert("documents", {
        scope: "global",
        title: "Programme",
        storageId: await ctx.storage.store(new Blob(["%PDF"])),
        mime: "application/pdf",
        size: 4,
        sha256: "h",
        status: "indexed",
        createdAt: 0,
        updatedAt: 0,
      }),
    );
    const job = await admin.mutation(api.jobs.reprocess, { target: "document", id: documentId });
    expect(job).toMatchObject({
      kind: "document.ingest",
      payload: { documentId },
      target: { table: "documents", id: documentId },
    });
    // The document goes back through the ingestion statuses.
    const reset = await t.run(async (ctx) => ctx.db.get(documentId));
    expect(reset).toMatchObject({ status: "uploaded", progress: { percent: 0 } });
    expect(await codeOf(admin.mutation(api.jobs.reprocess, { target: "bilan", id: "zzz" }))).toBe(
      "NOT_FOUND",
    );
  });
});
