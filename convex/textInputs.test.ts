// Person-supplied short texts at the Convex boundary (students, users, document titles):
// cleaned (NFC, no control or bidirectional characters, collapsed spaces) and capped.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { makeConvexTest } from "./test.setup";
import { uploadAs } from "./uploads.fixtures";
import { as, countRows, errorOf, freshWorld, identityFor, type T } from "./world.fixtures";

const MEGABYTE_NAME = "a".repeat(1_000_000);
const base = {
  firstName: "Zoé",
  lastName: "Lefèvre",
  niveau: "premiere" as const,
  statut: "scolarise" as const,
  specialites: ["Mathématiques"],
};

describe("students.create and update: texts", () => {
  it("strips control and bidirectional characters from names, school and spécialités", async () => {
    const { t } = await freshWorld();
    const admin = as(t, "admin");
    const id = await admin.mutation(api.students.create, {
      ...base,
      firstName: "Zo\u0065\u0301\u200B",
      lastName: "\u202ELef\u00E8vre\u202C\u0000",
      school: " Lycée\u2066 Henri\tIV\u2069 ",
      specialites: ["Physique\u00AD-chimie", "NSI\u200F"],
    });
    const student = await admin.query(api.students.get, { studentId: id });
    expect(student).toMatchObject({
      firstName: "Zoé",
      lastName: "Lefèvre",
      school: "Lycée Henri IV",
      specialites: ["Physique-chimie", "NSI"],
    });
  });

  it.each([
    [
      "a 1 MB first name",
      { firstName: MEGABYTE_NAME },
      "Le prénom de l'élève ne doit pas dépasser 100 caractères (1000000 saisis).",
    ],
    [
      "a last name of 101 characters",
      { lastName: "b".repeat(101) },
      "Le nom de l'élève ne doit pas dépasser 100 caractères (101 saisis).",
    ],
    [
      "a name made of format characters only",
      { lastName: "\u202E\u200B" },
      "Le nom de l'élève est obligatoire.",
    ],
    [
      "a school of 201 characters",
      { school: "c".repeat(201) },
      "Le nom de l'établissement ne doit pas dépasser 200 caractères (201 saisis).",
    ],
    [
      "a spécialité of 81 characters",
      { specialites: ["d".repeat(81)] },
      "Une spécialité ne doit pas dépasser 80 caractères (81 saisis).",
    ],
    [
      "five spécialités",
      { specialites: ["A", "B", "C", "D", "E"] },
      "Un élève suit au plus 4 spécialités (5 indiquées).",
    ],
    [
      "ten thousand spécialités",
      { specialites: Array.from({ length: 10_000 }, (_, i) => `S${i}`) },
      "Un élève suit au plus 4 spécialités (10000 indiquées).",
    ],
  ])("create refuses %s in French, writing nothing", async (_case, fields, message) => {
    const { t } = await freshWorld();
    const before = await countRows(t);
    const error = await errorOf(
      as(t, "admin").mutation(api.students.create, { ...base, ...fields }),
    );
    expect(error).toEqual({ code: "INVALID_ARGUMENT", message });
    expect(await countRows(t)).toEqual(before);
  });

  it("update applies the same caps", async () => {
    const { t, world } = await freshWorld();
    const error = await errorOf(
      as(t, "admin").mutation(api.students.update, {
        studentId: world.students.own,
        firstName: MEGABYTE_NAME,
      }),
    );
    expect(error).toEqual({
      code: "INVALID_ARGUMENT",
      message: "Le prénom de l'élève ne doit pas dépasser 100 caractères (1000000 saisis).",
    });
    await as(t, "admin").mutation(api.students.update, {
      studentId: world.students.own,
      lastName: "Martin\u202E",
      school: "Lycée\u0007 Pasteur",
    });
    const student = await as(t, "admin").query(api.students.get, {
      studentId: world.students.own,
    });
    expect(student).toMatchObject({ lastName: "Martin", school: "Lycée Pasteur" });
  });
});

describe("users.ensureCurrent: the name from the token", () => {
  it("truncates a 1 MB name to 100 characters instead of failing sign-in", async () => {
    const t = makeConvexTest();
    const client = t.withIdentity({ ...identityFor("long@test.fr"), name: MEGABYTE_NAME });
    const user = await client.mutation(api.users.ensureCurrent, {});
    expect(user.name).toBe("a".repeat(100));
  });

  it("strips control and bidirectional characters from the name and the email", async () => {
    const t = makeConvexTest();
    const user = await t
      .withIdentity({
        ...identityFor("lea@test.fr"),
        name: "L\u00E9a\u202E\u0000 \n Martin\u200B",
        email: "\u200BLea@Test.fr\u202C",
      })
      .mutation(api.users.ensureCurrent, {});
    expect(user).toMatchObject({ name: "Léa Martin", email: "lea@test.fr" });
  });

  it("falls back on the email's local part when the name is only format characters", async () => {
    const t = makeConvexTest();
    const user = await t
      .withIdentity({ ...identityFor("paul@test.fr"), name: "\u202E\u200B" })
      .mutation(api.users.ensureCurrent, {});
    expect(user.name).toBe("paul");
  });
});

describe("documents.create: the title", () => {
  const PDF = new TextEncoder().encode("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF");
  beforeEach(() => vi.stubEnv("EMBEDDINGS_PROVIDER", "local"));
  afterEach(() => vi.unstubAllEnvs());

  async function create(t: T, title: string) {
    const upload = await uploadAs(t, as(t, "assistante"), PDF);
    return await as(t, "assistante").action(api.documents.create, {
      ...upload,
      title,
      scope: "global",
    });
  }

  it("stores a cleaned title", async () => {
    const { t } = await freshWorld();
    const { documentId } = await create(t, "Fiche\u202E  dérivées\u200B\n");
    const row = await t.run(async (ctx) => await ctx.db.get(documentId as Id<"documents">));
    expect(row?.title).toBe("Fiche dérivées");
  });

  it("refuses a title of 201 characters in French", async () => {
    const { t } = await freshWorld();
    expect(await errorOf(create(t, "t".repeat(201)))).toEqual({
      code: "INVALID_ARGUMENT",
      message: "Le titre du document ne doit pas dépasser 200 caractères (201 saisis).",
    });
  });
});
