// The access matrix's vocabulary, shared by access.test.ts and the row files it spreads in
// (ariaAccess.fixtures.ts, coachingAccess.fixtures.ts): row shapes and the common
// expectation presets. Two dots in the name: never deployed.
import type { as, Outcome, World } from "./world.fixtures";

export type Target = "own" | "foreign";
export type Client = ReturnType<typeof as>;
export type PerTarget = Outcome | { own: Outcome; foreign: Outcome };
export type RoleExpectations = Record<
  "admin" | "assistante" | "coach" | "parent" | "eleve",
  PerTarget
>;

/** A person-facing function: called by every role, on their own and on a foreign student. */
export interface MatrixRow {
  fn: string;
  /** Whether own/foreign changes anything (a student or bilan argument). */
  targeted: boolean;
  call: (client: Client, world: World, target: Target) => Promise<unknown>;
  expect: RoleExpectations;
}

/** A worker-only function: refused to everyone but the worker. */
export interface WorkerRow {
  fn: string;
  call: (client: Client, world: World) => Promise<unknown>;
}

export const everyone: RoleExpectations = {
  admin: "ok",
  assistante: "ok",
  coach: "ok",
  parent: "ok",
  eleve: "ok",
};
export const staffOnly: RoleExpectations = {
  admin: "ok",
  assistante: "ok",
  coach: "FORBIDDEN",
  parent: "FORBIDDEN",
  eleve: "FORBIDDEN",
};
export const adminOnly: RoleExpectations = { ...staffOnly, assistante: "FORBIDDEN" };
/** Whoever may read the student: staff, its coach, its parents, itself. */
export const ownOnly = { own: "ok", foreign: "NOT_FOUND" } as const;
export const readers: RoleExpectations = {
  admin: "ok",
  assistante: "ok",
  coach: ownOnly,
  parent: ownOnly,
  eleve: ownOnly,
};
