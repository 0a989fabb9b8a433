import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import { as, type Caller, countRows, errorOf, freshWorld } from "./world.fixtures";

const page = { numItems: 20, cursor: null };

describe("students.listMine", () => {
  it.each([
    ["eleve", ["Alice"]],
    ["parent", ["Alice"]],
    ["coach", ["Alice"]],
    ["admin", ["Alice", "Bruno"]],
    ["assistante", ["Alice", "Bruno"]],
  ] as [Caller, string[]][])("as %s returns exactly %j", async (caller, names) => {
    const { t } = await freshWorld();
    const result = await as(t, caller).query(api.students.listMine, { paginationOpts: page });
    expect(result.page.map((s) => s.firstName).sort()).toEqual(names);
    expect(result.isDone).toBe(true);
  });

  it("lists both children of a parent with two, and pages them", async () => {
    const { t, world } = await freshWorld();
    const admin = as(t, "admin");
    const second = await admin.mutation(api.students.create, {
      firstName: "Chloé",
      lastName: "Test",
      niveau: "terminale",
      statut: "scolarise",
      specialites: ["NSI"],
    });
    await admin.mutation(api.students.linkParent, {
      studentId: second,
      parentId: world.users.parent,
    });
    const parent = as(t, "parent");
    const first = await parent.query(api.students.listMine, {
      paginationOpts: { numItems: 1, cursor: null },
    });
    expect(first.page).toHaveLength(1);
    const rest = await parent.query(api.students.listMine, {
      paginationOpts: { numItems: 1, cursor: first.continueCursor },
    });
    expect([...first.page, ...rest.page].map((s) => s.firstName).sort()).toEqual([
      "Alice",
      "Chloé",
    ]);
  });
});

describe("students.create and update", () => {
  it("normalizes names and spécialités and audits the creation", async () => {
    const { t, world } = await freshWorld();
    const id = await as(t, "assistante").mutation(api.students.create, {
      firstName: "  Jean   Baptiste ",
      lastName: " Morel",
      niveau: "seconde",
      statut: "candidat_libre",
      specialites: ["Maths", " Maths ", "SVT"],
      school: "  ",
    });
    const student = await as(t, "admin").query(api.students.get, { studentId: id });
    expect(student).toMatchObject({
      firstName: "Jean Baptiste",
      lastName: "Morel",
      specialites: ["Maths", "SVT"],
    });
    expect(student.school).toBeUndefined();
    const logs = await t.run(async (ctx) => await ctx.db.query("auditLogs").collect());
    expect(logs.map((l) => [l.action, l.actorId, l.targetId])).toEqual([
      ["student.create", world.users.assistante, id],
    ]);
  });

  it("refuses an empty name and a linked account that is not an élève, writing nothing", async () => {
    const { t, world } = await freshWorld();
    const before = await countRows(t);
    const admin = as(t, "admin");
    const base = {
      niveau: "seconde" as const,
      statut: "scolarise" as const,
      specialites: [] as string[],
    };
    expect(
      (
        await errorOf(
          admin.mutation(api.students.create, { ...base, firstName: " ", lastName: "X" }),
        )
      ).code,
    ).toBe("INVALID_ARGUMENT");
    const wrongRole = await errorOf(
      admin.mutation(api.students.create, {
        ...base,
        firstName: "Y",
        lastName: "Z",
        userId: world.users.parent,
      }),
    );
    expect(wrongRole).toEqual({
      code: "INVALID_ARGUMENT",
      message: "Le compte associé à un élève doit avoir le rôle « élève ».",
    });
    const taken = await errorOf(
      admin.mutation(api.students.create, {
        ...base,
        firstName: "Y",
        lastName: "Z",
        userId: world.users.eleve,
      }),
    );
    expect(taken.code).toBe("INVALID_ARGUMENT");
    expect(await countRows(t)).toEqual(before);
  });

  it("updates only the given fields", async () => {
    const { t, world } = await freshWorld();
    await as(t, "admin").mutation(api.students.update, {
      studentId: world.students.own,
      niveau: "terminale",
      school: "Lycée Pasteur",
    });
    const student = await as(t, "eleve").query(api.students.get, { studentId: world.students.own });
    expect(student).toMatchObject({
      firstName: "Alice",
      niveau: "terminale",
      school: "Lycée Pasteur",
    });
  });

  it("rejects bad arguments by validation and writes nothing", async () => {
    const { t, world } = await freshWorld();
    const before = await countRows(t);
    const admin = as(t, "admin");
    await expect(
      admin.mutation(api.students.create, {
        firstName: "Sans",
        niveau: "seconde",
        statut: "scolarise",
        specialites: [],
      } as never),
    ).rejects.toThrow(/Validator error/);
    await expect(
      admin.mutation(api.students.create, {
        firstName: "Mauvais",
        lastName: "Niveau",
        niveau: "cm2" as "seconde",
        statut: "scolarise",
        specialites: [],
      }),
    ).rejects.toThrow(/Validator error/);
    await expect(
      admin.mutation(api.students.update, { studentId: world.bilans.own as never, school: "X" }),
    ).rejects.toThrow(/Validator error/);
    await expect(
      admin.query(api.students.get, { studentId: world.users.eleve as never }),
    ).rejects.toThrow(/Validator error/);
    expect(await countRows(t)).toEqual(before);
  });
});

describe("links between students, parents and coaches", () => {
  it("linkParent is idempotent and audited once; unlinkParent removes access", async () => {
    const { t, world } = await freshWorld();
    const admin = as(t, "admin");
    const args = { studentId: world.students.foreign, parentId: world.users.parent };
    const first = await admin.mutation(api.students.linkParent, args);
    const again = await admin.mutation(api.students.linkParent, args);
    expect(again).toBe(first);
    const rows = await countRows(t);
    expect(rows.guardianships).toBe(3);
    expect(rows.auditLogs).toBe(1);
    expect(
      (await as(t, "parent").query(api.students.get, { studentId: world.students.foreign }))._id,
    ).toBe(world.students.foreign);

    expect(await admin.mutation(api.students.unlinkParent, args)).toBe(true);
    expect(await admin.mutation(api.students.unlinkParent, args)).toBe(false);
    expect(
      (
        await errorOf(
          as(t, "parent").query(api.students.get, { studentId: world.students.foreign }),
        )
      ).code,
    ).toBe("NOT_FOUND");
  });

  it("assignCoach is idempotent; unassignCoach removes access", async () => {
    const { t, world } = await freshWorld();
    const admin = as(t, "assistante");
    const args = { studentId: world.students.foreign, coachId: world.users.coach };
    const first = await admin.mutation(api.students.assignCoach, args);
    expect(await admin.mutation(api.students.assignCoach, args)).toBe(first);
    const relations = await as(t, "coach").query(api.students.relations, {
      studentId: world.students.foreign,
    });
    expect(relations.coaches.map((c) => c.email).sort()).toEqual([
      "coach.autre@test.fr",
      "coach@test.fr",
    ]);
    expect(relations.parents.map((p) => p.email)).toEqual(["parent.autre@test.fr"]);
    expect(await admin.mutation(api.students.unassignCoach, args)).toBe(true);
    expect(
      (await errorOf(as(t, "coach").query(api.students.get, { studentId: world.students.foreign })))
        .code,
    ).toBe("NOT_FOUND");
  });

  it("refuses to link a user who does not hold the expected role", async () => {
    const { t, world } = await freshWorld();
    const before = await countRows(t);
    const admin = as(t, "admin");
    const asParent = await errorOf(
      admin.mutation(api.students.linkParent, {
        studentId: world.students.own,
        parentId: world.users.coach,
      }),
    );
    expect(asParent.code).toBe("INVALID_ARGUMENT");
    const asCoach = await errorOf(
      admin.mutation(api.students.assignCoach, {
        studentId: world.students.own,
        coachId: world.users.noRole,
      }),
    );
    expect(asCoach.code).toBe("INVALID_ARGUMENT");
    expect(await countRows(t)).toEqual(before);
  });
});
