// The access control matrix: every public function × every kind of caller ×
// own vs. foreign student. Adding a public function means adding a row here
// (the coverage test below fails otherwise).
import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import * as bilansModule from "./bilans";
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

function expected(row: Row, caller: Caller, target: Target): Outcome {
  if (caller === "anon" || caller === "noRow" || caller === "noRole") {
    const defaults = { anon: "UNAUTHENTICATED", noRow: "UNKNOWN_USER", noRole: "NO_ROLE" } as const;
    return row.newcomers?.[caller] ?? defaults[caller];
  }
  const rule = row.expect[caller];
  return typeof rule === "string" ? rule : rule[target];
}

const cases = ROWS.flatMap((row) =>
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
  it.each(cases)("$label", async ({ row, caller, target }) => {
    const { t, world } = await freshWorld();
    expect(await outcomeOf(row.call(as(t, caller), world, target))).toBe(
      expected(row, caller, target),
    );
  });

  it("has a row for every public function of users, students and bilans", () => {
    const registered = Object.entries({
      users: usersModule,
      students: studentsModule,
      bilans: bilansModule,
    }).flatMap(([module, exports]) =>
      Object.entries(exports)
        .filter(([, value]) => {
          const fn = value as { isQuery?: boolean; isMutation?: boolean; isAction?: boolean };
          return fn.isQuery || fn.isMutation || fn.isAction;
        })
        .map(([name]) => `${module}:${name}`),
    );
    expect(registered.length).toBeGreaterThan(0);
    expect(ROWS.map((r) => r.fn).sort()).toEqual(registered.sort());
  });
});
