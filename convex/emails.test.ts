// E-mail delivery claims: a message is never sent twice blindly, and staff settle the
// uncertain ones.
import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { emailIdempotencyKey } from "./model/emailDelivery";
import { as, asWorker, freshWorld, outcomeOf, type T, type World } from "./world.fixtures";

const SHA_A = "aa".repeat(32);
const SHA_B = "bb".repeat(32);

async function approvedWithFinalPdf(t: T, world: World) {
  const bilanId = world.bilans.own;
  await t.run(async (ctx) => {
    const storageId = await ctx.storage.store(new Blob(["%PDF-1.7 final"]));
    await ctx.db.patch(bilanId, {
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
