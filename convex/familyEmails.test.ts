// emails.forStudent: the e-mails a family received about its bilans, for the family, the
// coach and staff; never another family's, never the delivery internals.
import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import { as, errorOf, freshWorld, type T } from "./world.fixtures";

async function insertEmail(
  t: T,
  bilanId: Id<"bilans">,
  fields: Partial<Doc<"emails">> & Pick<Doc<"emails">, "to" | "status" | "createdAt">,
) {
  return await t.run(
    async (ctx) =>
      await ctx.db.insert("emails", {
        template: "bilan-ready",
        subject: "Le bilan d'Alice est prêt",
        bilanId,
        pdfVersion: 1,
        idempotencyKey: `key-${Math.random()}`,
        ...fields,
      }),
  );
}

describe("emails.forStudent", () => {
  it("lists the bilan e-mails newest first, with French statuses and no internals", async () => {
    const { t, world } = await freshWorld();
    const bilanId = world.bilans.own;
    await insertEmail(t, bilanId, {
      to: "parent@test.fr",
      recipientName: "Claire Test",
      recipientUserId: world.users.parent,
      status: "sent",
      provider: "outbox",
      providerId: "outbox-1",
      outboxPath: "/secret/path.eml",
      createdAt: 1_000,
      sentAt: 1_500,
    });
    await insertEmail(t, bilanId, {
      to: "eleve@test.fr",
      recipientName: "Alice Test",
      status: "failed",
      error: "Resend 422: clé re_live_123 refusée",
      createdAt: 2_000,
    });
    // Another family's e-mail never shows.
    await insertEmail(t, world.bilans.foreign, {
      to: "parent.autre@test.fr",
      status: "sent",
      createdAt: 3_000,
    });

    const emails = await as(t, "parent").query(api.emails.forStudent, {
      studentId: world.students.own,
    });
    expect(emails).toEqual([
      {
        emailId: expect.any(String),
        bilanId,
        bilanSubject: "maths",
        bilanSubjectLabel: "Mathématiques",
        recipientName: "Alice Test",
        to: "eleve@test.fr",
        subject: "Le bilan d'Alice est prêt",
        status: "failed",
        statusLabel: "Échec de l'envoi",
        createdAt: 2_000,
        sentAt: null,
      },
      {
        emailId: expect.any(String),
        bilanId,
        bilanSubject: "maths",
        bilanSubjectLabel: "Mathématiques",
        recipientName: "Claire Test",
        to: "parent@test.fr",
        subject: "Le bilan d'Alice est prêt",
        status: "sent",
        statusLabel: "Envoyé",
        createdAt: 1_000,
        sentAt: 1_500,
      },
    ]);
    const text = JSON.stringify(emails);
    for (const secret of ["re_live_123", "/secret/path.eml", "outbox-1"]) {
      expect(text).not.toContain(secret);
    }
  });

  it.each(["eleve", "parent", "coach", "assistante", "admin"] as const)(
    "is readable by %s for the own student",
    async (caller) => {
      const { t, world } = await freshWorld();
      await insertEmail(t, world.bilans.own, {
        to: "parent@test.fr",
        status: "queued",
        createdAt: 1,
      });
      const emails = await as(t, caller).query(api.emails.forStudent, {
        studentId: world.students.own,
      });
      expect(emails.map((e) => e.statusLabel)).toEqual(["En attente d'envoi"]);
    },
  );

  it.each(["eleve", "parent", "coach"] as const)(
    "is NOT_FOUND for %s on another family's student",
    async (caller) => {
      const { t, world } = await freshWorld();
      expect(
        await errorOf(
          as(t, caller).query(api.emails.forStudent, { studentId: world.students.foreign }),
        ),
      ).toEqual({ code: "NOT_FOUND", message: "Élève introuvable." });
    },
  );
});
