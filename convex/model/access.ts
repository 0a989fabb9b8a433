// Access rules, enforced here and nowhere else. Every public function resolves
// its caller through these helpers before reading or writing anything.
// Rules: an élève reads only themself; a parent only linked children; a coach
// only assigned students; assistante and admin everyone. Writes to a student's
// records: staff, or the student's assigned coach. Identity data of a student
// (names, niveau, school…) is changed by staff only (students.update).
// A signed-in user without a role gets NO_ROLE from every function but users.me
// and users.ensureCurrent; a student the caller may not read is NOT_FOUND, so a
// foreign id never reveals whether it exists.
import { API_KEY_ISSUER, WORKER_ISSUER } from "@nexus/service-auth/service-tokens";
import { type Role, roles } from "@nexus/shared/domain";
import type { UserIdentity } from "convex/server";
import type { Doc, Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { requireNotBeingErased, requireNotErasedIdentity } from "./accountState";
import { resolveCaller } from "./identity";

export type User = Doc<"users">;
export type UserWithRole = User & { role: Role };

const STAFF: readonly Role[] = ["admin", "assistante"];

export function isStaff(user: User): boolean {
  return user.role !== undefined && STAFF.includes(user.role);
}

/** A signed-in person (session or API key); the worker is not a person. */
export async function requireIdentity(ctx: QueryCtx): Promise<UserIdentity> {
  const identity = await ctx.auth.getUserIdentity();
  if (!identity) throw appError("UNAUTHENTICATED", "Vous devez être connecté.");
  if (identity.issuer === WORKER_ISSUER) {
    throw appError("FORBIDDEN", "Le worker n'a pas accès aux fonctions des personnes.");
  }
  return identity;
}

/** The caller's users row, or null when unauthenticated, not yet created, or not a person. */
export async function getCurrentUser(ctx: QueryCtx): Promise<User | null> {
  const caller = await resolveCaller(ctx);
  switch (caller?.kind) {
    case "person":
      return await ctx.db
        .query("users")
        .withIndex("by_tokenIdentifier", (q) =>
          q.eq("tokenIdentifier", caller.identity.tokenIdentifier),
        )
        .unique();
    case "apiKey":
      return caller.key ? await ctx.db.get(caller.key.userId) : null;
    default:
      return null;
  }
}

export async function requireUser(ctx: QueryCtx): Promise<User> {
  const identity = await requireIdentity(ctx);
  const user = await getCurrentUser(ctx);
  if (!user) {
    if (identity.issuer === API_KEY_ISSUER) {
      throw appError("UNAUTHENTICATED", "Clé d'API révoquée ou inconnue.");
    }
    // An erased person's pages still open: a clear code, not « compte inconnu ».
    await requireNotErasedIdentity(ctx, identity.tokenIdentifier);
    throw appError(
      "UNKNOWN_USER",
      "Compte inconnu : appelez users.ensureCurrent après la connexion.",
    );
  }
  if (user.deactivatedAt !== undefined) await requireNotBeingErased(ctx, user._id);
  requireActive(user);
  return user;
}

export const DEACTIVATED_MESSAGE =
  "Ce compte a été désactivé par le centre : contactez l'accueil pour le réactiver.";

/** A deactivated account is refused everywhere (users.setActive). */
export function requireActive(user: User): User {
  if (user.deactivatedAt !== undefined) throw appError("FORBIDDEN", DEACTIVATED_MESSAGE);
  return user;
}

/** Throws FORBIDDEN unless the user holds one of `roles` (NO_ROLE when none is assigned yet). */
export function requireRole(user: User, roles: readonly Role[]): UserWithRole {
  if (user.role === undefined) {
    throw appError("NO_ROLE", "Aucun rôle ne vous a encore été attribué par un administrateur.");
  }
  if (!roles.includes(user.role)) {
    throw appError("FORBIDDEN", "Votre rôle ne permet pas cette action.");
  }
  return user as UserWithRole;
}

/** Any assigned role: the entry check of every function that reads domain data. */
export function requireAnyRole(user: User): UserWithRole {
  return requireRole(user, roles);
}

export function requireStaff(user: User): UserWithRole {
  return requireRole(user, STAFF);
}

/** The student row belongs to the caller's own account. */
export function isOwnStudent(user: User, student: Doc<"students">): boolean {
  return user.role === "eleve" && student.userId === user._id;
}

export async function canReadStudent(
  ctx: QueryCtx,
  user: User,
  studentId: Id<"students">,
): Promise<boolean> {
  switch (user.role) {
    case "admin":
    case "assistante":
      return true;
    case "coach":
      return await isAssignedCoach(ctx, user._id, studentId);
    case "parent":
      return (
        (await ctx.db
          .query("guardianships")
          .withIndex("by_parentId_and_studentId", (q) =>
            q.eq("parentId", user._id).eq("studentId", studentId),
          )
          .first()) !== null
      );
    case "eleve": {
      const student = await ctx.db.get(studentId);
      return student?.userId === user._id;
    }
    default:
      return false;
  }
}

export async function canWriteStudent(
  ctx: QueryCtx,
  user: User,
  studentId: Id<"students">,
): Promise<boolean> {
  if (isStaff(user)) return true;
  if (user.role === "coach") return await isAssignedCoach(ctx, user._id, studentId);
  return false;
}

export async function isAssignedCoach(
  ctx: QueryCtx,
  coachId: Id<"users">,
  studentId: Id<"students">,
) {
  const row = await ctx.db
    .query("coachAssignments")
    .withIndex("by_coachId_and_studentId", (q) =>
      q.eq("coachId", coachId).eq("studentId", studentId),
    )
    .first();
  return row !== null;
}

/** Loads a student the caller may read; NOT_FOUND hides whether a foreign student exists. */
export async function requireReadableStudent(ctx: QueryCtx, user: User, studentId: Id<"students">) {
  const student = await ctx.db.get(studentId);
  if (!student || !(await canReadStudent(ctx, user, studentId))) {
    throw appError("NOT_FOUND", "Élève introuvable.");
  }
  return student;
}

export async function requireWritableStudent(ctx: QueryCtx, user: User, studentId: Id<"students">) {
  const student = await requireReadableStudent(ctx, user, studentId);
  if (!(await canWriteStudent(ctx, user, studentId))) {
    throw appError("FORBIDDEN", "Vous ne pouvez pas modifier les données de cet élève.");
  }
  return student;
}

/**
 * How many students readableStudentIds lists at most. A parent's search filters the vector
 * index on one scope per child (a bounded `or`), so a family's search covers 20 children at
 * most; a coach's documents list reads the documents of 200 followed students at most.
 * Tested in knowledge.test.ts (« caps the children a parent's search covers »).
 */
export const READABLE_STUDENTS_CAP = { coach: 200, parent: 20 } as const;

/** Students a coach, parent or élève reaches through a relationship (staff: none listed here). */
export async function readableStudentIds(ctx: QueryCtx, user: User): Promise<Id<"students">[]> {
  if (user.role === "coach") {
    const rows = await ctx.db
      .query("coachAssignments")
      .withIndex("by_coachId_and_studentId", (q) => q.eq("coachId", user._id))
      .take(READABLE_STUDENTS_CAP.coach);
    return rows.map((r) => r.studentId);
  }
  if (user.role === "parent") {
    const rows = await ctx.db
      .query("guardianships")
      .withIndex("by_parentId_and_studentId", (q) => q.eq("parentId", user._id))
      .take(READABLE_STUDENTS_CAP.parent);
    return rows.map((r) => r.studentId);
  }
  if (user.role === "eleve") {
    const own = await ctx.db
      .query("students")
      .withIndex("by_userId", (q) => q.eq("userId", user._id))
      .first();
    return own ? [own._id] : [];
  }
  return [];
}
