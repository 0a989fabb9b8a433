// E-mail delivery claims: a message is never sent twice blindly, and staff settle the
// uncertain ones.
import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { patchBilan } from "./model/bilanHeads";
import { emailIdempotencyKey } from "./model/emailDelivery";
import { as, asWorker, freshWorld, outcomeOf, type T, type World } from "./world.fixtures";

const SHA_A = "aa".repeat(32);
const SHA_B = "bb".repeat(32);

async function approvedWithFinalPdf(t: T, world: World) {
  const bilanId = world.bilans.own;
  await t.run(async (ctx) => {
    const storageId = await ctx.storage.store(new Blob(["%PDF-1.7 final"]));
    await patchBilan(ctx, bilanId, {
      status: "approved",
      pdf: { storageId, version: 1, size: 14, final: true, generatedAt: 1 },
    });
  });
  return bilanId;
}

function claim(t: T, world: World, bilanId: Id<"bilans">, pdfSha256 = SHA_A) {
  return asWorker(t).mutation(api.pipeline.beginEmail, {
    bilanId,
    pdfVersion: 1,
    pdfSha256,
    to: "parent@test.fr",
    recipientName: "Parent",
    recipientUserId: world.users.parent,
    subject: "Bilan",
    template: "bilan-parent",
  });
}

describe("e-mail delivery claims", () => {
  it("keys depend on the report's bytes, so a reset or a new report never reuses a key", () => {
    const id = "k1" as Id<"bilans">;
    expect(emailIdempotencyKey(id, 1, SHA_A, "P@x.fr")).not.toBe(
      emailIdempotencyKey(id, 1, SHA_B, "p@x.fr"),
    );
    expect(emailIdempotencyKey(id, 1, SHA_A, "P@x.fr")).toBe(
      emailIdempotencyKey(id, 1, SHA_A, "p@x.fr"),
    );
  });

  it("a claim still `sending` (worker died mid-send) is not sent again but left for staff", async () => {
    const { t, world } = await freshWorld();
    const bilanId = await approvedWithFinalPdf(t, world);
    const first = await claim(t, world, bilanId);
    expect(first).toMatchObject({ skip: false, unconfirmed: false });
    // No finishEmail: the worker crashed after calling the provider.
    const second = await claim(t, world, bilanId);
    expect(second).toMatchObject({ emailId: first.emailId, skip: true, unconfirmed: true });
    const listed = await as(t, "assistante").query(api.emails.list, { status: "unconfirmed" });
    expect(listed.map((e) => e._id)).toEqual([first.emailId]);
    expect(listed[0]?.error).toContain("Envoi interrompu");
    // Still unconfirmed on the next retry, until staff answer.
    expect(await claim(t, world, bilanId)).toMatchObject({ skip: true, unconfirmed: true });
  });

  it("staff confirm an arrival (the bilan becomes sent) or a loss (the retry sends again)", async () => {
    const { t, world } = await freshWorld();
    const bilanId = await approvedWithFinalPdf(t, world);
    const first = await claim(t, world, bilanId);
    await claim(t, world, bilanId);
    expect(
      await outcomeOf(
        as(t, "coach").mutation(api.emails.confirm, { emailId: first.emailId, delivered: true }),
      ),
    ).toBe("FORBIDDEN");

    const lost = await as(t, "assistante").mutation(api.emails.confirm, {
      emailId: first.emailId,
      delivered: false,
    });
    expect(lost.status).toBe("failed");
    expect(await claim(t, world, bilanId)).toMatchObject({ skip: false, unconfirmed: false });
    await claim(t, world, bilanId);

    const arrived = await as(t, "admin").mutation(api.emails.confirm, {
      emailId: first.emailId,
      delivered: true,
    });
    expect(arrived.status).toBe("sent");
    const bilan = await t.run(async (ctx) => await ctx.db.get(bilanId));
    expect(bilan?.status).toBe("sent");
    expect(await claim(t, world, bilanId)).toMatchObject({ skip: true, unconfirmed: false });
    expect(
      await outcomeOf(
        as(t, "admin").mutation(api.emails.confirm, { emailId: first.emailId, delivered: true }),
      ),
    ).toBe("INVALID_STATE");
    const audits = await t.run(async (ctx) =>
      (await ctx.db.query("auditLogs").collect()).map((a) => a.action),
    );
    expect(audits).toEqual(
      expect.arrayContaining(["email.confirmNotDelivered", "email.confirmDelivered"]),
    );
  });
});

async function failedClaim(t: T, world: World, bilanId: Id<"bilans">) {
  const row = await claim(t, world, bilanId);
  await asWorker(t).mutation(api.pipeline.finishEmail, {
    emailId: row.emailId,
    status: "failed",
    error: "refusé par le fournisseur",
  });
  return row.emailId;
}

async function sendJobsOf(t: T, bilanId: Id<"bilans">) {
  return await t.run(async (ctx) =>
    (await ctx.db.query("jobs").collect()).filter(
      (job) => job.kind === "email.send" && job.payload.bilanId === bilanId,
    ),
  );
}

describe("emails.resend", () => {
  it("puts a failed e-mail back in the queue with one email.send job, once, audited", async () => {
    const { t, world } = await freshWorld();
    const bilanId = await approvedWithFinalPdf(t, world);
    const emailId = await failedClaim(t, world, bilanId);

    const first = await as(t, "assistante").mutation(api.emails.resend, { emailId });
    expect(first).toMatchObject({ created: true });
    expect(first.email.status).toBe("queued");
    expect(first.email.error).toBeUndefined();
    const jobs = await sendJobsOf(t, bilanId);
    expect(jobs.map((job) => [job._id, job.status, job.payload])).toEqual([
      [first.jobId, "pending", { bilanId, pdfVersion: 1 }],
    ]);

    // A second click (or a second person) changes nothing: no second job, no second message.
    const again = await as(t, "admin").mutation(api.emails.resend, { emailId });
    expect(again).toMatchObject({ created: false, jobId: null });
    expect(await sendJobsOf(t, bilanId)).toHaveLength(1);

    // The worker's claim for that recipient sends it (same key as the first attempt) …
    expect(await claim(t, world, bilanId)).toMatchObject({ emailId, skip: false });
    await asWorker(t).mutation(api.pipeline.finishEmail, { emailId, status: "sent" });
    // … and once sent, it is never sent again nor resendable.
    expect(await claim(t, world, bilanId)).toMatchObject({ emailId, skip: true });
    expect(await outcomeOf(as(t, "assistante").mutation(api.emails.resend, { emailId }))).toBe(
      "INVALID_STATE",
    );

    const audits = await t.run(async (ctx) =>
      (await ctx.db.query("auditLogs").collect()).filter((a) => a.action === "email.resend"),
    );
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actorId: world.users.assistante,
      targetId: emailId,
      details: { bilanId, pdfVersion: 1, jobId: first.jobId, requeued: ["parent@test.fr"] },
    });
  });

  it("refuses an interrupted e-mail until staff settle it, and coaches or families altogether", async () => {
    const { t, world } = await freshWorld();
    const bilanId = await approvedWithFinalPdf(t, world);
    const { emailId } = await claim(t, world, bilanId);
    await claim(t, world, bilanId); // the worker died mid-send: unconfirmed
    expect(await outcomeOf(as(t, "assistante").mutation(api.emails.resend, { emailId }))).toBe(
      "INVALID_STATE",
    );
    for (const caller of ["coach", "parent", "eleve"] as const) {
      expect(await outcomeOf(as(t, caller).mutation(api.emails.resend, { emailId }))).toBe(
        "FORBIDDEN",
      );
    }
    await as(t, "assistante").mutation(api.emails.confirm, { emailId, delivered: false });
    const resent = await as(t, "assistante").mutation(api.emails.resend, { emailId });
    expect(resent.email.status).toBe("queued");
  });

  it("brings a waiting email.send job forward instead of adding one, and waits for a running one", async () => {
    const { t, world } = await freshWorld();
    const bilanId = await approvedWithFinalPdf(t, world);
    const emailId = await failedClaim(t, world, bilanId);
    const waiting = await t.run(async (ctx) => {
      const jobId = await ctx.db.insert("jobs", {
        kind: "email.send",
        payload: { bilanId, pdfVersion: 1 },
        status: "running",
        priority: 0,
        negPriority: 0,
        runAt: 1,
        attempts: 1,
        maxAttempts: 5,
        idempotencyKey: `email.send:${bilanId}:v1`,
        createdAt: 1,
        updatedAt: 1,
      });
      return jobId;
    });
    expect(await outcomeOf(as(t, "assistante").mutation(api.emails.resend, { emailId }))).toBe(
      "INVALID_STATE",
    );
    const later = Date.now() + 3_600_000;
    await t.run(async (ctx) => await ctx.db.patch(waiting, { status: "pending", runAt: later }));

    const resent = await as(t, "assistante").mutation(api.emails.resend, { emailId });
    expect(resent).toMatchObject({ jobId: waiting, created: false });
    const jobs = await sendJobsOf(t, bilanId);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.runAt).toBeLessThanOrEqual(Date.now());
  });

  it("refuses when the attached report was replaced or the recipient left the family", async () => {
    const { t, world } = await freshWorld();
    const bilanId = await approvedWithFinalPdf(t, world);
    const emailId = await failedClaim(t, world, bilanId);
    await t.run(async (ctx) => {
      const bilan = await ctx.db.get(bilanId);
      await patchBilan(ctx, bilanId, { pdf: { ...bilan!.pdf!, version: 2 } });
    });
    expect(await outcomeOf(as(t, "assistante").mutation(api.emails.resend, { emailId }))).toBe(
      "INVALID_STATE",
    );
    await t.run(async (ctx) => {
      const bilan = await ctx.db.get(bilanId);
      await patchBilan(ctx, bilanId, { pdf: { ...bilan!.pdf!, version: 1 } });
      const links = await ctx.db.query("guardianships").collect();
      for (const link of links)
        if (link.parentId === world.users.parent) await ctx.db.delete(link._id);
    });
    expect(await outcomeOf(as(t, "assistante").mutation(api.emails.resend, { emailId }))).toBe(
      "INVALID_STATE",
    );
    expect(await sendJobsOf(t, bilanId)).toHaveLength(0);
  });
});

describe("emails.page and emails.preview", () => {
  it("pages newest first through the status filter, and gives what the e-mail was made of", async () => {
    const { t, world } = await freshWorld();
    const bilanId = await approvedWithFinalPdf(t, world);
    const emailId = await failedClaim(t, world, bilanId);
    await t.run(async (ctx) => {
      for (let i = 0; i < 5; i++) {
        await ctx.db.insert("emails", {
          to: `autre${i}@test.fr`,
          template: "bilan-parent",
          subject: `Bilan ${i}`,
          status: "sent",
          idempotencyKey: `k${i}`,
          createdAt: 10 + i,
        });
      }
    });
    const client = as(t, "assistante");
    const first = await client.query(api.emails.page, {
      status: "sent",
      paginationOpts: { numItems: 3, cursor: null },
    });
    expect(first.page.map((e) => e.subject)).toEqual(["Bilan 4", "Bilan 3", "Bilan 2"]);
    const second = await client.query(api.emails.page, {
      status: "sent",
      paginationOpts: { numItems: 3, cursor: first.continueCursor },
    });
    expect(second.page.map((e) => e.subject)).toEqual(["Bilan 1", "Bilan 0"]);
    expect(second.isDone).toBe(true);
    const failed = await client.query(api.emails.page, {
      status: "failed",
      paginationOpts: { numItems: 10, cursor: null },
    });
    expect(failed.page.map((e) => e._id)).toEqual([emailId]);

    const preview = await client.query(api.emails.preview, { emailId });
    expect(preview).toMatchObject({
      email: { _id: emailId, to: "parent@test.fr" },
      recipientRole: "parent",
      bilan: { id: bilanId, report: { version: 1, final: true, size: 14 } },
    });
    expect(preview?.bilan?.student.firstName).toBeTruthy();
  });
});
