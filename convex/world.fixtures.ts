// Test fixtures (two dots in the name: never deployed). A small world with
// one user per role, an "own" family (student, parent, coach all linked) and a
// "foreign" family the own callers must never reach.
import { API_KEY_ISSUER, WORKER_ISSUER } from "@nexus/service-auth/service-tokens";
import type { Role } from "@nexus/shared/domain";
import { getQuestionnaire } from "@nexus/shared/questionnaires";
import type { Synthesis } from "@nexus/shared/synthesis";
import { ConvexError } from "convex/values";
import type { TestConvex } from "convex-test";
import type { Id } from "./_generated/dataModel";
import type { ErrorCode } from "./lib/errors";
import { insertBilan } from "./model/bilanHeads";
import { DEV_AUTH_ISSUER_DEFAULT, demoTokenIdentifier } from "./model/seed";
import type schema from "./schema";
import { makeConvexTest } from "./test.setup";

export type T = TestConvex<typeof schema>;

export const ISSUER = DEV_AUTH_ISSUER_DEFAULT;

export function identityFor(email: string, name = email.split("@")[0]!) {
  return {
    tokenIdentifier: demoTokenIdentifier(email, ISSUER),
    subject: email,
    issuer: ISSUER,
    email,
    name,
  };
}

/** anon: no identity; noRow: signed in, users.ensureCurrent never called; noRole: row without a role. */
export type Caller = "anon" | "noRow" | "noRole" | Role;
export const CALLERS: readonly Caller[] = [
  "anon",
  "noRow",
  "noRole",
  "admin",
  "assistante",
  "coach",
  "parent",
  "eleve",
];

export interface World {
  users: Record<Exclude<Caller, "anon" | "noRow">, Id<"users">> & {
    foreignCoach: Id<"users">;
    foreignParent: Id<"users">;
    foreignEleve: Id<"users">;
    /** A second parent and coach, not linked to anyone: targets of link/assign. */
    spareParent: Id<"users">;
    spareCoach: Id<"users">;
  };
  students: { own: Id<"students">; foreign: Id<"students"> };
  bilans: { own: Id<"bilans">; foreign: Id<"bilans"> };
}

const NO_ROW_EMAIL = "inconnu@test.fr";

const EMAILS = {
  noRole: "nouveau@test.fr",
  admin: "admin@test.fr",
  assistante: "assistante@test.fr",
  coach: "coach@test.fr",
  parent: "parent@test.fr",
  eleve: "eleve@test.fr",
  foreignCoach: "coach.autre@test.fr",
  foreignParent: "parent.autre@test.fr",
  foreignEleve: "eleve.autre@test.fr",
  spareParent: "parent.libre@test.fr",
  spareCoach: "coach.libre@test.fr",
} as const;

const ROLES: Record<keyof typeof EMAILS, Role | undefined> = {
  noRole: undefined,
  admin: "admin",
  assistante: "assistante",
  coach: "coach",
  parent: "parent",
  eleve: "eleve",
  foreignCoach: "coach",
  foreignParent: "parent",
  foreignEleve: "eleve",
  spareParent: "parent",
  spareCoach: "coach",
};

export async function makeWorld(t: T): Promise<World> {
  return await t.run(async (ctx) => {
    const now = Date.now();
    const users = {} as World["users"];
    for (const [key, email] of Object.entries(EMAILS) as [keyof typeof EMAILS, string][]) {
      users[key] = await ctx.db.insert("users", {
        tokenIdentifier: demoTokenIdentifier(email, ISSUER),
        email,
        name: key,
        role: ROLES[key],
        createdAt: now,
        lastSeenAt: now,
      });
    }
    const student = (firstName: string, userId: Id<"users">) =>
      ctx.db.insert("students", {
        firstName,
        lastName: "Test",
        niveau: "premiere",
        // 16 or 17 whatever the day the tests run: ARIA needs no parental consent
        birthDate: `${new Date(now).getUTCFullYear() - 17}-03-14`,
        statut: "scolarise",
        specialites: ["Mathématiques"],
        userId,
        createdAt: now,
        updatedAt: now,
      });
    const own = await student("Alice", users.eleve);
    const foreign = await student("Bruno", users.foreignEleve);
    await ctx.db.insert("guardianships", {
      parentId: users.parent,
      studentId: own,
      createdAt: now,
    });
    await ctx.db.insert("guardianships", {
      parentId: users.foreignParent,
      studentId: foreign,
      createdAt: now,
    });
    await ctx.db.insert("coachAssignments", {
      coachId: users.coach,
      studentId: own,
      createdAt: now,
    });
    await ctx.db.insert("coachAssignments", {
      coachId: users.foreignCoach,
      studentId: foreign,
      createdAt: now,
    });
    const firstQuestion = getQuestionnaire("maths-premiere").questions[0]!;
    const bilan = (studentId: Id<"students">, createdBy: Id<"users">) =>
      insertBilan(ctx, {
        studentId,
        subject: "maths",
        niveau: "premiere",
        questionnaireId: "maths-premiere",
        status: "draft",
        // One answer, so the draft can be submitted (an unanswered bilan cannot be).
        answers: { qcm: { [firstQuestion.id]: firstQuestion.correct }, survey: {} },
        createdBy,
        createdAt: now,
        updatedAt: now,
      });
    return {
      users,
      students: { own, foreign },
      bilans: {
        own: await bilan(own, users.eleve),
        foreign: await bilan(foreign, users.foreignEleve),
      },
    };
  });
}

/** The test client acting as `caller` (anon: no identity at all). */
export function as(t: T, caller: Caller) {
  if (caller === "anon") return t;
  if (caller === "noRow") return t.withIdentity(identityFor(NO_ROW_EMAIL));
  return t.withIdentity(identityFor(EMAILS[caller], caller));
}

export async function freshWorld(): Promise<{ t: T; world: World }> {
  const t = makeConvexTest();
  return { t, world: await makeWorld(t) };
}

export type Outcome = "ok" | ErrorCode;

/** "ok", or the `code` of the ConvexError thrown; any other error fails the test. */
export async function outcomeOf(promise: Promise<unknown>): Promise<Outcome> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    const data = error instanceof ConvexError ? error.data : (error as { data?: unknown }).data;
    if (data && typeof data === "object" && "code" in data)
      return (data as { code: ErrorCode }).code;
    throw error;
  }
}

/** The ConvexError payload of a rejected call. */
export async function errorOf(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const data = (error as { data?: unknown }).data;
    if (data && typeof data === "object" && "code" in data) {
      return data as { code: string; message: string };
    }
    throw error;
  }
  throw new Error("expected the call to fail");
}

export async function countRows(t: T) {
  return await t.run(async (ctx) => {
    const tables = [
      "users",
      "students",
      "guardianships",
      "coachAssignments",
      "bilans",
      "jobs",
      "jobEvents",
      "auditLogs",
    ] as const;
    const counts: Record<string, number> = {};
    for (const table of tables) counts[table] = (await ctx.db.query(table).collect()).length;
    return counts;
  });
}

/** The worker's identity, as its service token gives it (issuer set by the runtime). */
export const WORKER_IDENTITY = {
  issuer: WORKER_ISSUER,
  subject: "worker:test",
  tokenIdentifier: `${WORKER_ISSUER}|worker:test`,
};

/** Calls as the worker (jobs protocol, pipeline, ingestion, seed). */
export function asWorker(t: T) {
  return t.withIdentity(WORKER_IDENTITY);
}

/**
 * Calls as a staff member of a bare test deployment (no world needed): inserts the account
 * once and signs in as it. Replaces the CLI's former worker-secret twins in tests.
 */
export async function asStaffMember(t: T, role: "admin" | "assistante" = "admin") {
  const email = `${role}.staff@test.fr`;
  const identity = identityFor(email);
  await t.run(async (ctx) => {
    const existing = await ctx.db
      .query("users")
      .withIndex("by_tokenIdentifier", (q) => q.eq("tokenIdentifier", identity.tokenIdentifier))
      .unique();
    if (!existing) {
      await ctx.db.insert("users", {
        tokenIdentifier: identity.tokenIdentifier,
        email,
        name: role,
        role,
        createdAt: 0,
        lastSeenAt: 0,
      });
    }
  });
  return t.withIdentity(identity);
}

/** The identity an API-key session token gives: its subject is the apiKeys row. */
export function apiKeyIdentity(keyId: Id<"apiKeys">) {
  return { issuer: API_KEY_ISSUER, subject: keyId, tokenIdentifier: `${API_KEY_ISSUER}|${keyId}` };
}

/**
 * Inserts an API key row for `userId` (as apiKeys.create would, without a usable secret) and
 * returns its id: enough to call as its session token would, with `asApiKey`.
 */
export async function insertApiKey(
  t: T,
  userId: Id<"users">,
  fields: { revokedAt?: number; expiresAt?: number } = {},
): Promise<Id<"apiKeys">> {
  return await t.run(
    async (ctx) =>
      await ctx.db.insert("apiKeys", {
        userId,
        label: "test",
        hash: `hash-${crypto.randomUUID()}`,
        hint: "nxr_test00…",
        createdAt: 0,
        ...fields,
      }),
  );
}

/** Calls with the session token of an API key (the CLI after POST /auth/api-key/token). */
export function asApiKey(t: T, keyId: Id<"apiKeys">) {
  return t.withIdentity(apiKeyIdentity(keyId));
}

/** A client calling with a fresh API key of `userId`, and the key's id. */
export async function withApiKey(t: T, userId: Id<"users">) {
  const keyId = await insertApiKey(t, userId);
  return { keyId, client: asApiKey(t, keyId) };
}

/** A minimal valid synthesis, as a generation run would save it. */
export const testSynthesis: Synthesis = {
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

/** The generation metadata of a local run that took no time and no tokens. */
export const testGeneration = {
  provider: "local" as const,
  model: "m",
  promptVersion: "p",
  inputTokens: 0,
  outputTokens: 0,
  durationMs: 0,
  generatedAt: 0,
};
