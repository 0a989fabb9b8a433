// students.listMineWithLatestBilan: one card per followed student with the latest bilans and
// the next step for the caller's role (coach « Mes élèves », parent home, élève home).
import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import { insertBilan } from "./model/bilanHeads";
import { nextStep } from "./model/studentOverview";
import { as, freshWorld, type T } from "./world.fixtures";

const page = { numItems: 10, cursor: null };

async function addBilan(
  t: T,
  studentId: Id<"students">,
  createdBy: Id<"users">,
  status: Doc<"bilans">["status"],
  createdAt: number,
) {
  return await t.run(
    async (ctx) =>
      await insertBilan(ctx, {
        studentId,
        subject: "maths",
        niveau: "premiere",
        questionnaireId: "maths-premiere",
        status,
        answers: { qcm: {}, survey: {} },
        createdBy,
        createdAt,
        updatedAt: createdAt,
      }),
  );
}

describe("students.listMineWithLatestBilan", () => {
  it("gives a parent one card per child, latest bilans first, at most three", async () => {
    const { t, world } = await freshWorld();
    const old = await addBilan(t, world.students.own, world.users.eleve, "sent", 1);
    const sent = await addBilan(t, world.students.own, world.users.eleve, "sent", 2);
    const latest = await addBilan(
      t,
      world.students.own,
      world.users.eleve,
      "review",
      Date.now() + 1,
    );
    const result = await as(t, "parent").query(api.students.listMineWithLatestBilan, {
      paginationOpts: page,
    });
    expect(result.page).toHaveLength(1);
    const [card] = result.page;
    expect(card?.student._id).toBe(world.students.own);
    expect(card?.latestBilans.map((b) => b._id)).toEqual([latest, world.bilans.own, sent]);
    expect(card?.latestBilans.map((b) => b._id)).not.toContain(old);
    expect(card?.latestBilans[0]).not.toHaveProperty("answers");
    expect(card?.nextStep).toEqual({
      kind: "wait",
      label: "Le bilan de Mathématiques est en cours de relecture par le coach.",
      bilanId: latest,
    });
  });

  it("asks the coach to review what waits, and never lists a foreign student", async () => {
    const { t, world } = await freshWorld();
    const review = await addBilan(
      t,
      world.students.own,
      world.users.eleve,
      "review",
      Date.now() + 1,
    );
    const result = await as(t, "coach").query(api.students.listMineWithLatestBilan, {
      paginationOpts: page,
    });
    expect(result.page.map((c) => c.student._id)).toEqual([world.students.own]);
    expect(result.page[0]?.nextStep).toEqual({
      kind: "review",
      label: "Relisez le bilan de Mathématiques.",
      bilanId: review,
    });
  });

  it("asks the élève to resume their draft; staff see every student", async () => {
    const { t, world } = await freshWorld();
    const mine = await as(t, "eleve").query(api.students.listMineWithLatestBilan, {
      paginationOpts: page,
    });
    expect(mine.page.map((c) => c.nextStep)).toEqual([
      {
        kind: "resume",
        label: "Reprenez votre bilan de Mathématiques.",
        bilanId: world.bilans.own,
      },
    ]);
    const all = await as(t, "assistante").query(api.students.listMineWithLatestBilan, {
      paginationOpts: page,
    });
    expect(all.page.map((c) => c.student._id).sort()).toEqual(
      [world.students.own, world.students.foreign].sort(),
    );
  });

  it("pages at most 50 students", async () => {
    const { t } = await freshWorld();
    await t.run(async (ctx) => {
      for (let i = 0; i < 60; i++) {
        await ctx.db.insert("students", {
          firstName: `Élève ${i}`,
          lastName: "Nombreux",
          niveau: "seconde",
          statut: "scolarise",
          specialites: [],
          createdAt: 0,
          updatedAt: 0,
        });
      }
    });
    const result = await as(t, "admin").query(api.students.listMineWithLatestBilan, {
      paginationOpts: { numItems: 1_000, cursor: null },
    });
    expect(result.page).toHaveLength(50);
    expect(result.isDone).toBe(false);
  });
});

describe("nextStep", () => {
  const student = { firstName: "Alice" };
  const bilan = (status: Doc<"bilans">["status"]) =>
    ({ _id: "b1", subject: "nsi", status }) as unknown as Doc<"bilans">;
  it.each([
    ["eleve", undefined, "start", "Commencez votre premier bilan."],
    ["parent", undefined, "start", "Alice n'a pas encore commencé de bilan."],
    ["coach", undefined, "start", "Aucun bilan pour Alice : proposez-lui d'en commencer un."],
    ["parent", "draft", "wait", "Alice répond au bilan de Numérique et sciences informatiques."],
    [
      "eleve",
      "generating",
      "wait",
      "Le bilan de Numérique et sciences informatiques est en cours de rédaction.",
    ],
    [
      "admin",
      "approved",
      "wait",
      "Le bilan de Numérique et sciences informatiques est validé : le rapport est en cours d'envoi.",
    ],
    ["parent", "sent", "read", "Lisez le bilan de Numérique et sciences informatiques."],
    [
      "coach",
      "sent",
      "read",
      "Le bilan de Numérique et sciences informatiques a été envoyé à la famille.",
    ],
    [
      "coach",
      "failed",
      "retry",
      "La rédaction du bilan de Numérique et sciences informatiques a échoué : relancez-la.",
    ],
    [
      "parent",
      "failed",
      "wait",
      "Le bilan de Numérique et sciences informatiques est en cours de préparation par l'équipe.",
    ],
  ] as const)("%s, latest %s → %s", (role, status, kind, label) => {
    const step = nextStep(role, student, status ? bilan(status) : undefined);
    expect(step).toEqual({ kind, label, bilanId: status ? "b1" : null });
  });
});
