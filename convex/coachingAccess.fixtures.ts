// Access-matrix rows of credits, payments, consistency and sessions (issue 15), spread into
// ALL_ROWS by access.test.ts. Each call builds its own coaching fixtures (coaching.fixtures.ts)
// on the fresh world of the case, through the client's `run`.
import { api } from "./_generated/api";
import { coachingWorld } from "./coaching.fixtures";
import type { as, Outcome, World } from "./world.fixtures";

type Target = "own" | "foreign";
type Client = ReturnType<typeof as>;
type PerTarget = Outcome | { own: Outcome; foreign: Outcome };
type RoleExpectations = Record<"admin" | "assistante" | "coach" | "parent" | "eleve", PerTarget>;

export interface CoachingRow {
  fn: string;
  targeted: boolean;
  call: (client: Client, world: World, target: Target) => Promise<unknown>;
  expect: RoleExpectations;
}

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
const ownOnly = { own: "ok", foreign: "NOT_FOUND" } as const;
const readers: RoleExpectations = {
  admin: "ok",
  assistante: "ok",
  coach: ownOnly,
  parent: ownOnly,
  eleve: ownOnly,
};
/** The family pays; the coach reads the student but may not pay for them. */
const payers: RoleExpectations = {
  ...readers,
  coach: { own: "FORBIDDEN", foreign: "NOT_FOUND" },
};

export const COACHING_ROWS: CoachingRow[] = [
  {
    fn: "credits:catalog",
    targeted: false,
    call: (c) => c.query(api.credits.catalog, {}),
    expect: everyone,
  },
  {
    fn: "credits:saveProduct",
    targeted: false,
    call: (c) =>
      c.mutation(api.credits.saveProduct, {
        code: "pack-test",
        kind: "pack",
        name: "Pack test",
        description: "Test",
        credits: 2,
        priceCents: 5000,
        active: true,
        sortOrder: 5,
      }),
    expect: adminOnly,
  },
  {
    fn: "credits:wallet",
    targeted: true,
    call: (c, w, target) => c.query(api.credits.wallet, { studentId: w.students[target] }),
    expect: readers,
  },
  {
    fn: "credits:listWallets",
    targeted: false,
    call: (c) =>
      c.query(api.credits.listWallets, { paginationOpts: { numItems: 10, cursor: null } }),
    expect: staffOnly,
  },
  {
    fn: "credits:adjust",
    targeted: false,
    call: async (c, w) => {
      await coachingWorld(c, w);
      return c.mutation(api.credits.adjust, {
        studentId: w.students.own,
        amount: -1,
        reason: "Geste commercial corrigé",
      });
    },
    expect: staffOnly,
  },
  {
    fn: "credits:expire",
    targeted: false,
    call: async (c, w) => {
      await coachingWorld(c, w);
      return c.mutation(api.credits.expire, { studentId: w.students.own, amount: 1 });
    },
    expect: staffOnly,
  },
  {
    fn: "payments:reserve",
    targeted: true,
    call: async (c, w, target) => {
      const { productId } = await coachingWorld(c, w);
      return c.mutation(api.payments.reserve, {
        studentId: w.students[target],
        productId,
        method: "cash",
      });
    },
    expect: payers,
  },
  {
    fn: "payments:confirm",
    targeted: false,
    call: async (c, w) => {
      const { pendingPayments } = await coachingWorld(c, w);
      return c.mutation(api.payments.confirm, { paymentId: pendingPayments.own });
    },
    expect: staffOnly,
  },
  {
    fn: "payments:cancel",
    targeted: true,
    call: async (c, w, target) => {
      const { pendingPayments } = await coachingWorld(c, w);
      return c.mutation(api.payments.cancel, { paymentId: pendingPayments[target] });
    },
    // Reserved by the own parent: the coach and the élève read it but may not cancel it.
    expect: {
      ...readers,
      coach: { own: "FORBIDDEN", foreign: "NOT_FOUND" },
      eleve: { own: "FORBIDDEN", foreign: "NOT_FOUND" },
    },
  },
  {
    fn: "payments:pending",
    targeted: false,
    call: (c) => c.query(api.payments.pending, {}),
    expect: staffOnly,
  },
  {
    fn: "payments:listByStatus",
    targeted: false,
    call: (c) => c.query(api.payments.listByStatus, { status: "paid" }),
    expect: staffOnly,
  },
  {
    fn: "payments:forStudent",
    targeted: true,
    call: (c, w, target) => c.query(api.payments.forStudent, { studentId: w.students[target] }),
    expect: readers,
  },
  {
    fn: "consistency:checkPage",
    targeted: false,
    call: (c) => c.query(api.consistency.checkPage, { part: "wallets", cursor: null }),
    expect: staffOnly,
  },
  {
    fn: "consistency:latest",
    targeted: false,
    call: (c) => c.query(api.consistency.latest, {}),
    expect: staffOnly,
  },
  {
    fn: "consistency:runNow",
    targeted: false,
    call: (c) => c.mutation(api.consistency.runNow, {}),
    expect: staffOnly,
  },
];
