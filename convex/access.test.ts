// The access control matrix: every public function × every kind of caller ×
// own vs. foreign student. Adding a public function means adding a row here
// (the coverage test below fails otherwise).
import type { Synthesis } from "@nexus/shared/synthesis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import * as bilansModule from "./bilans";
import * as documentsModule from "./documents";
import * as knowledgeModule from "./knowledge";
import * as reviewModule from "./review";
import * as studentsModule from "./students";
import * as usersModule from "./users";
import {
  as,
  CALLERS,
  type Caller,
  freshWorld,
  type Outcome,
  outcomeOf,
  type World,
} from "./world.fixtures";

type Target = "own" | "foreign";
type Client = ReturnType<typeof as>;
type PerTarget = Outcome | { own: Outcome; foreign: Outcome };
type RoleExpectations = Record<"admin" | "assistante" | "coach" | "parent" | "eleve", PerTarget>;

interface Row {
  fn: string;
  /** Whether own/foreign changes anything (a student or bilan argument). */
  targeted: boolean;
  call: (client: Client, world: World, target: Target) => Promise<unknown>;
  expect: RoleExpectations;
  /** Defaults: anon → UNAUTHENTICATED, noRow → UNKNOWN_USER, noRole → NO_ROLE. */
  newcomers?: Partial<Record<"anon" | "noRow" | "noRole", Outcome>>;
}

const page = { numItems: 10, cursor: null };
const everyone: RoleExpectations = {
  admin: "ok",
  assistante: "ok",
  coach: "ok",
  parent: "ok",
  eleve: "ok",
};
const staffOnly: RoleExpectations = {
  admin: "ok",
  assistante: "ok",
  coach: "FORBIDDEN",
  parent: "FORBIDDEN",
  eleve: "FORBIDDEN",
};
const adminOnly: RoleExpectations = { ...staffOnly, assistante: "FORBIDDEN" };
/** Whoever may read the student: staff, its coach, its parents, itself. */
const ownOnly = { own: "ok", foreign: "NOT_FOUND" } as const;
const readers: RoleExpectations = {
  admin: "ok",
  assistante: "ok",
  coach: ownOnly,
  parent: ownOnly,
  eleve: ownOnly,
};
/** Only the bilan's own student (or staff) answers; other readers get FORBIDDEN, strangers NOT_FOUND. */
const readOnly = { own: "FORBIDDEN", foreign: "NOT_FOUND" } as const;
const answerers: RoleExpectations = { ...readers, coach: readOnly, parent: readOnly };

const ROWS: Row[] = [
  {
    fn: "users:ensureCurrent",
    targeted: false,
    call: (c) => c.mutation(api.users.ensureCurrent, {}),
    expect: everyone,
    newcomers: { noRow: "ok", noRole: "ok" },
  },
  {
    fn: "users:me",
    targeted: false,
    call: (c) => c.query(api.users.me, {}),
    expect: everyone,
    newcomers: { noRow: "ok", noRole: "ok" },
  },
  {
    fn: "users:setRole",
    targeted: false,
    call: (c, w) => c.mutation(api.users.setRole, { userId: w.users.noRole, role: "eleve" }),
    expect: adminOnly,
  },
  {
    fn: "users:list",
    targeted: false,
    call: (c) => c.query(api.users.list, { paginationOpts: page }),
    expect: staffOnly,
  },
  {
    fn: "students:create",
    targeted: false,
    call: (c) =>
      c.mutation(api.students.create, {
        firstName: "Zoé",
        lastName: "Nouvelle",
        niveau: "seconde",
        statut: "scolarise",
        specialites: [],
      }),
    expect: staffOnly,
  },
  {
    fn: "students:update",
    targeted: true,
    call: (c, w, target) =>
      c.mutation(api.students.update, { studentId: w.students[target], school: "Lycée Pasteur" }),
    expect: staffOnly,
  },
  {
    fn: "students:get",
    targeted: true,
    call: (c, w, target) => c.query(api.students.get, { studentId: w.students[target] }),
    expect: readers,
  },
  {
    fn: "students:listMine",
    targeted: false,
    call: (c) => c.query(api.students.listMine, { paginationOpts: page }),
    expect: everyone,
  },
  {
    fn: "students:relations",
    targeted: true,
    call: (c, w, target) => c.query(api.students.relations, { studentId: w.students[target] }),
    expect: readers,
  },
  {
    fn: "students:linkParent",
    targeted: true,
    call: (c, w, target) =>
      c.mutation(api.students.linkParent, {
        studentId: w.students[target],
        parentId: w.users.spareParent,
      }),
    expect: staffOnly,
  },
  {
    fn: "students:unlinkParent",
    targeted: true,
    call: (c, w, target) =>
      c.mutation(api.students.unlinkParent, {
        studentId: w.students[target],
        parentId: target === "own" ? w.users.parent : w.users.foreignParent,
      }),
    expect: staffOnly,
  },
  {
    fn: "students:assignCoach",
    targeted: true,
    call: (c, w, target) =>
      c.mutation(api.students.assignCoach, {
        studentId: w.students[target],
        coachId: w.users.spareCoach,
      }),
    expect: staffOnly,
  },
  {
    fn: "students:unassignCoach",
    targeted: true,
    call: (c, w, target) =>
      c.mutation(api.students.unassignCoach, {
        studentId: w.students[target],
        coachId: target === "own" ? w.users.coach : w.users.foreignCoach,
      }),
    expect: staffOnly,
  },
  {
    fn: "bilans:createDraft",
    targeted: true,
    call: (c, w, target) =>
      c.mutation(api.bilans.createDraft, { studentId: w.students[target], subject: "maths" }),
    // The student themself, staff, or the assigned coach; a parent reads but does not open bilans.
    expect: { ...readers, parent: readOnly },
  },
  {
    fn: "bilans:saveAnswers",
    targeted: true,
    call: (c, w, target) =>
      c.mutation(api.bilans.saveAnswers, {
        bilanId: w.bilans[target],
        answers: { qcm: {}, survey: {} },
      }),
    expect: answerers,
  },
  {
    fn: "bilans:submit",
    targeted: true,
    call: (c, w, target) => c.mutation(api.bilans.submit, { bilanId: w.bilans[target] }),
    expect: answerers,
  },
  {
    fn: "bilans:get",
    targeted: true,
    call: (c, w, target) => c.query(api.bilans.get, { bilanId: w.bilans[target] }),
    expect: readers,
  },
  {
    fn: "bilans:listForStudent",
    targeted: true,
    call: (c, w, target) =>
      c.query(api.bilans.listForStudent, { studentId: w.students[target], paginationOpts: page }),
    expect: readers,
  },
];

const reviewers: RoleExpectations = {
  admin: "ok",
  assistante: "ok",
  coach: ownOnly,
  parent: "FORBIDDEN",
  eleve: "FORBIDDEN",
};
/** Staff everywhere, a coach for its own students; families never. */
const documentManagers: RoleExpectations = reviewers;

const synthesis: Synthesis = {
  summary: "Synthèse.",
  strengths: [],
  weaknesses: [],
  recommendations: [{ title: "Revoir", text: "Revoir le cours.", domainIds: ["d1"], sources: [] }],
  studyPlan: [
    { week: 1, objectives: ["Revoir"], activities: [{ description: "Exercices", hours: 1 }] },
  ],
  offers: [],
  parentSummary: "Résumé.",
};

/** Puts the target bilan in review with a synthesis, as the generation job would. */
async function inReview(c: Client, w: World, target: Target): Promise<Id<"bilans">> {
  const bilanId = w.bilans[target];
  await c.run(async (ctx) => {
    await ctx.db.patch(bilanId, { status: "review", synthesis });
  });
  return bilanId;
}

/** A document of the target student, indexed nowhere (enough for access checks). */
async function studentDocument(c: Client, w: World, target: Target): Promise<Id<"documents">> {
  return await c.run(async (ctx) => {
    const storageId = await ctx.storage.store(new Blob(["%PDF-1.4"], { type: "application/pdf" }));
    return await ctx.db.insert("documents", {
      scope: "student",
      studentId: w.students[target],
      title: "Copie",
      mime: "application/pdf",
      size: 8,
      sha256: `sha-${target}`,
      storageId,
      status: "indexed",
      createdAt: 1,
      updatedAt: 1,
    });
  });
}

const PIPELINE_ROWS: Row[] = [
  {
    fn: "review:approve",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.review.approve, { bilanId: await inReview(c, w, target) }),
    expect: reviewers,
  },
  {
    fn: "review:editSynthesis",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.review.editSynthesis, { bilanId: await inReview(c, w, target), synthesis }),
    expect: reviewers,
  },
  {
    fn: "review:requestRegeneration",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.review.requestRegeneration, { bilanId: await inReview(c, w, target) }),
    expect: reviewers,
  },
  {
    fn: "review:revisions",
    targeted: true,
    call: (c, w, target) => c.query(api.review.revisions, { bilanId: w.bilans[target] }),
    expect: reviewers,
  },
  {
    fn: "review:queue",
    targeted: false,
    call: (c) => c.query(api.review.queue, {}),
    expect: { ...staffOnly, coach: "ok" },
  },
  {
    fn: "documents:generateUploadUrl",
    targeted: false,
    call: (c) => c.mutation(api.documents.generateUploadUrl, {}),
    expect: { ...staffOnly, coach: "ok" },
  },
  {
    fn: "documents:create",
    targeted: true,
    call: async (c, w, target) => {
      const storageId = await c.run(
        async (ctx) =>
          await ctx.storage.store(new Blob(["%PDF-1.4 copie"], { type: "application/pdf" })),
      );
      return c.action(api.documents.create, {
        storageId,
        title: "Copie",
        scope: "student",
        studentId: w.students[target],
      });
    },
    expect: documentManagers,
  },
  {
    fn: "documents:get",
    targeted: true,
    call: async (c, w, target) =>
      c.query(api.documents.get, { documentId: await studentDocument(c, w, target) }),
    expect: readers,
  },
  {
    fn: "documents:list",
    targeted: true,
    call: (c, w, target) => c.query(api.documents.list, { studentId: w.students[target] }),
    expect: readers,
  },
  {
    fn: "documents:remove",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.documents.remove, { documentId: await studentDocument(c, w, target) }),
    expect: {
      ...documentManagers,
      parent: { own: "FORBIDDEN", foreign: "NOT_FOUND" },
      eleve: { own: "FORBIDDEN", foreign: "NOT_FOUND" },
    },
  },
  {
    fn: "documents:reindex",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.documents.reindex, { documentId: await studentDocument(c, w, target) }),
    expect: {
      ...documentManagers,
      parent: { own: "FORBIDDEN", foreign: "NOT_FOUND" },
      eleve: { own: "FORBIDDEN", foreign: "NOT_FOUND" },
    },
  },
  {
    fn: "knowledge:search",
    targeted: true,
    call: (c, w, target) =>
      c.action(api.knowledge.search, { query: "dérivée", studentId: w.students[target] }),
    expect: readers,
  },
];

function expected(row: Row, caller: Caller, target: Target): Outcome {
  if (caller === "anon" || caller === "noRow" || caller === "noRole") {
    const defaults = { anon: "UNAUTHENTICATED", noRow: "UNKNOWN_USER", noRole: "NO_ROLE" } as const;
    return row.newcomers?.[caller] ?? defaults[caller];
  }
  const rule = row.expect[caller];
  return typeof rule === "string" ? rule : rule[target];
}

const ALL_ROWS = [...ROWS, ...PIPELINE_ROWS];

const cases = ALL_ROWS.flatMap((row) =>
  CALLERS.flatMap((caller) =>
    (row.targeted ? (["own", "foreign"] as const) : (["own"] as const)).map((target) => ({
      row,
      caller,
      target,
      label: `${row.fn} as ${caller}${row.targeted ? ` on ${target} student` : ""}`,
    })),
  ),
);

describe("access control matrix", () => {
  beforeAll(() => vi.stubEnv("EMBEDDINGS_PROVIDER", "local"));
  afterAll(() => vi.unstubAllEnvs());

  it.each(cases)("$label", async ({ row, caller, target }) => {
    const { t, world } = await freshWorld();
    expect(await outcomeOf(row.call(as(t, caller), world, target))).toBe(
      expected(row, caller, target),
    );
  });

  it("has a row for every public function of the user-facing modules", () => {
    const registered = Object.entries({
      users: usersModule,
      students: studentsModule,
      bilans: bilansModule,
      review: reviewModule,
      documents: documentsModule,
      knowledge: knowledgeModule,
    }).flatMap(([module, exports]) =>
      Object.entries(exports)
        .filter(([, value]) => {
          const fn = value as {
            isQuery?: boolean;
            isMutation?: boolean;
            isAction?: boolean;
            isPublic?: boolean;
            exportArgs?: () => string;
          };
          if (!(fn.isQuery || fn.isMutation || fn.isAction) || !fn.isPublic) return false;
          // Worker-secret functions are covered by their own refusal tests, not by this matrix.
          const args = JSON.parse(fn.exportArgs?.() ?? "{}") as { value?: Record<string, unknown> };
          return !args.value?.workerSecret;
        })
        .map(([name]) => `${module}:${name}`),
    );
    expect(registered.length).toBeGreaterThan(0);
    expect(ALL_ROWS.map((r) => r.fn).sort()).toEqual(registered.sort());
  });
});
