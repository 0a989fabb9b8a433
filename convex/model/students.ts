// Students and their relationships (guardianships, coach assignments).
// Callers check roles first (students.ts); these functions enforce the data
// rules: linked accounts hold the right role, links are unique and idempotent.

import { zBirthDate } from "@nexus/shared/birth-date";
import type { Niveau, Statut } from "@nexus/shared/domain";
import type { HolidayZone } from "@nexus/shared/school-calendar";
import { MAX_SPECIALITES, textLimits } from "@nexus/shared/text";
import type { PaginationOptions, PaginationResult } from "convex/server";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { boundedPage } from "../lib/pagination";
import { cleanArg } from "../lib/text";
import { audit } from "./audit";
import { requireUserWithRole } from "./users";

export interface StudentIdentity {
  firstName: string;
  lastName: string;
  niveau: Niveau;
  statut: Statut;
  specialites: string[];
  school?: string;
}

function cleanSpecialites(values: string[]): string[] {
  // Counted before cleaning too, so a huge array is refused without cleaning every item.
  const tooMany = () =>
    appError(
      "INVALID_ARGUMENT",
      `Un élève suit au plus ${MAX_SPECIALITES} spécialités (${values.length} indiquées).`,
    );
  if (values.length > 2 * MAX_SPECIALITES) throw tooMany();
  const cleaned = [
    ...new Set(
      values
        .map((s) => cleanArg(s, { label: "Une spécialité", max: textLimits.specialite }))
        .filter(Boolean),
    ),
  ];
  if (cleaned.length > MAX_SPECIALITES) throw tooMany();
  return cleaned;
}

/** Normalizes the editable fields; throws INVALID_ARGUMENT with a French message. */
export function cleanIdentity<T extends Partial<StudentIdentity>>(fields: T): T {
  const out: Partial<StudentIdentity> = { ...fields };
  const name = (label: string) => ({ label, max: textLimits.personName, required: true });
  if (fields.firstName !== undefined) {
    out.firstName = cleanArg(fields.firstName, name("Le prénom de l'élève"));
  }
  if (fields.lastName !== undefined) {
    out.lastName = cleanArg(fields.lastName, name("Le nom de l'élève"));
  }
  if (fields.specialites !== undefined) out.specialites = cleanSpecialites(fields.specialites);
  if (fields.school !== undefined) {
    out.school =
      cleanArg(fields.school, { label: "Le nom de l'établissement", max: textLimits.school }) ||
      undefined;
  }
  return out as T;
}

/** A birth date staff entered, checked (real date, plausible age); French INVALID_ARGUMENT. */
export function cleanBirthDate(value: string, now: number): string {
  const parsed = zBirthDate(now).safeParse(value);
  if (!parsed.success) {
    throw appError(
      "INVALID_ARGUMENT",
      parsed.error.issues[0]?.message ?? "Date de naissance invalide.",
    );
  }
  return parsed.data;
}

/** An élève account may back at most one student row. */
async function requireFreeStudentAccount(ctx: MutationCtx, userId: Id<"users">) {
  await requireUserWithRole(
    ctx,
    userId,
    "eleve",
    "Le compte associé à un élève doit avoir le rôle « élève ».",
  );
  const taken = await ctx.db
    .query("students")
    .withIndex("by_userId", (q) => q.eq("userId", userId))
    .first();
  if (taken) {
    throw appError("INVALID_ARGUMENT", "Ce compte élève est déjà associé à un autre élève.");
  }
}

export async function createStudent(
  ctx: MutationCtx,
  actor: Doc<"users">,
  fields: StudentIdentity & { userId?: Id<"users">; birthDate?: string },
  now: number,
): Promise<Id<"students">> {
  const { birthDate, ...rest } = fields;
  const identity = cleanIdentity(rest);
  if (fields.userId !== undefined) await requireFreeStudentAccount(ctx, fields.userId);
  const studentId = await ctx.db.insert("students", {
    ...identity,
    ...(birthDate?.trim() ? { birthDate: cleanBirthDate(birthDate, now) } : {}),
    userId: fields.userId,
    createdAt: now,
    updatedAt: now,
  });
  await audit(ctx, {
    actorKind: "user",
    actorId: actor._id,
    action: "student.create",
    targetTable: "students",
    targetId: studentId,
  });
  return studentId;
}

/** Most hours a week a student may declare (the synthesis and report contracts' bound). */
export const MAX_WEEKLY_AVAILABILITY_HOURS = 40;

/** What the dated study plan uses: the holiday zone and the weekly availability (null clears). */
export interface StudentPlanning {
  holidayZone?: HolidayZone | null;
  weeklyAvailabilityHours?: number | null;
}

/** Half hours from 0.5 to 40 h; INVALID_ARGUMENT in French otherwise. */
export function checkWeeklyAvailability(hours: number): number {
  if (
    !Number.isFinite(hours) ||
    hours <= 0 ||
    hours > MAX_WEEKLY_AVAILABILITY_HOURS ||
    !Number.isInteger(hours * 2)
  ) {
    throw appError(
      "INVALID_ARGUMENT",
      `La disponibilité hebdomadaire s'indique en heures ou demi-heures, de 0,5 à ${MAX_WEEKLY_AVAILABILITY_HOURS} h.`,
    );
  }
  return hours;
}

/** The patch of the planning fields: null removes a field (Convex: undefined). */
function planningPatch(fields: StudentPlanning) {
  const patch: { holidayZone?: HolidayZone; weeklyAvailabilityHours?: number } = {};
  if (fields.holidayZone !== undefined) patch.holidayZone = fields.holidayZone ?? undefined;
  if (fields.weeklyAvailabilityHours !== undefined) {
    patch.weeklyAvailabilityHours =
      fields.weeklyAvailabilityHours === null
        ? undefined
        : checkWeeklyAvailability(fields.weeklyAvailabilityHours);
  }
  return patch;
}

export async function updateStudent(
  ctx: MutationCtx,
  actor: Doc<"users">,
  studentId: Id<"students">,
  allFields: Partial<StudentIdentity> &
    StudentPlanning & { userId?: Id<"users">; birthDate?: string | null },
  now: number,
): Promise<void> {
  const student = await ctx.db.get(studentId);
  if (!student) throw appError("NOT_FOUND", "Élève introuvable.");
  const { holidayZone, weeklyAvailabilityHours, birthDate, ...fields } = allFields;
  const patch = {
    ...cleanIdentity(fields),
    ...planningPatch({ holidayZone, weeklyAvailabilityHours }),
    // null or "" clears it (consent is then required again for ARIA)
    ...(birthDate === undefined
      ? {}
      : { birthDate: birthDate?.trim() ? cleanBirthDate(birthDate, now) : undefined }),
  };
  if (fields.userId !== undefined && fields.userId !== student.userId) {
    await requireFreeStudentAccount(ctx, fields.userId);
  }
  await ctx.db.patch(studentId, { ...patch, updatedAt: now });
  await audit(ctx, {
    actorKind: "user",
    actorId: actor._id,
    action: "student.update",
    targetTable: "students",
    targetId: studentId,
    details: { fields: Object.keys(allFields) },
  });
}

async function requireStudent(ctx: QueryCtx, studentId: Id<"students">) {
  const student = await ctx.db.get(studentId);
  if (!student) throw appError("NOT_FOUND", "Élève introuvable.");
  return student;
}

/** Idempotent: linking twice returns the existing guardianship and audits once. */
export async function linkParent(
  ctx: MutationCtx,
  actor: Doc<"users">,
  studentId: Id<"students">,
  parentId: Id<"users">,
): Promise<Id<"guardianships">> {
  await requireStudent(ctx, studentId);
  await requireUserWithRole(
    ctx,
    parentId,
    "parent",
    "Seul un compte ayant le rôle « parent » peut être rattaché à un élève comme parent.",
  );
  const existing = await ctx.db
    .query("guardianships")
    .withIndex("by_parentId_and_studentId", (q) =>
      q.eq("parentId", parentId).eq("studentId", studentId),
    )
    .first();
  if (existing) return existing._id;
  const id = await ctx.db.insert("guardianships", { parentId, studentId, createdAt: Date.now() });
  await audit(ctx, {
    actorKind: "user",
    actorId: actor._id,
    action: "student.linkParent",
    targetTable: "students",
    targetId: studentId,
    details: { parentId },
  });
  return id;
}

/** Idempotent: returns whether a link was removed. */
export async function unlinkParent(
  ctx: MutationCtx,
  actor: Doc<"users">,
  studentId: Id<"students">,
  parentId: Id<"users">,
): Promise<boolean> {
  await requireStudent(ctx, studentId);
  const existing = await ctx.db
    .query("guardianships")
    .withIndex("by_parentId_and_studentId", (q) =>
      q.eq("parentId", parentId).eq("studentId", studentId),
    )
    .first();
  if (!existing) return false;
  await ctx.db.delete(existing._id);
  await audit(ctx, {
    actorKind: "user",
    actorId: actor._id,
    action: "student.unlinkParent",
    targetTable: "students",
    targetId: studentId,
    details: { parentId },
  });
  return true;
}

/** Idempotent: assigning twice returns the existing assignment and audits once. */
export async function assignCoach(
  ctx: MutationCtx,
  actor: Doc<"users">,
  studentId: Id<"students">,
  coachId: Id<"users">,
): Promise<Id<"coachAssignments">> {
  await requireStudent(ctx, studentId);
  await requireUserWithRole(
    ctx,
    coachId,
    "coach",
    "Seul un compte ayant le rôle « coach » peut suivre un élève.",
  );
  const existing = await ctx.db
    .query("coachAssignments")
    .withIndex("by_coachId_and_studentId", (q) =>
      q.eq("coachId", coachId).eq("studentId", studentId),
    )
    .first();
  if (existing) return existing._id;
  const id = await ctx.db.insert("coachAssignments", { coachId, studentId, createdAt: Date.now() });
  await audit(ctx, {
    actorKind: "user",
    actorId: actor._id,
    action: "student.assignCoach",
    targetTable: "students",
    targetId: studentId,
    details: { coachId },
  });
  return id;
}

export async function unassignCoach(
  ctx: MutationCtx,
  actor: Doc<"users">,
  studentId: Id<"students">,
  coachId: Id<"users">,
): Promise<boolean> {
  await requireStudent(ctx, studentId);
  const existing = await ctx.db
    .query("coachAssignments")
    .withIndex("by_coachId_and_studentId", (q) =>
      q.eq("coachId", coachId).eq("studentId", studentId),
    )
    .first();
  if (!existing) return false;
  await ctx.db.delete(existing._id);
  await audit(ctx, {
    actorKind: "user",
    actorId: actor._id,
    action: "student.unassignCoach",
    targetTable: "students",
    targetId: studentId,
    details: { coachId },
  });
  return true;
}

/**
 * The students the caller follows, one page at a time, through indexes only:
 * élève → own row; parent → guardianships; coach → assignments; staff → everyone by name.
 */
export async function listStudentsFor(
  ctx: QueryCtx,
  user: Doc<"users">,
  paginationOpts: PaginationOptions,
): Promise<PaginationResult<Doc<"students">>> {
  const opts = boundedPage(paginationOpts);
  switch (user.role) {
    case "admin":
    case "assistante":
      return await ctx.db.query("students").withIndex("by_lastName_and_firstName").paginate(opts);
    case "parent": {
      const links = await ctx.db
        .query("guardianships")
        .withIndex("by_parentId_and_studentId", (q) => q.eq("parentId", user._id))
        .paginate(opts);
      return { ...links, page: await loadStudents(ctx, links.page) };
    }
    case "coach": {
      const links = await ctx.db
        .query("coachAssignments")
        .withIndex("by_coachId_and_studentId", (q) => q.eq("coachId", user._id))
        .paginate(opts);
      return { ...links, page: await loadStudents(ctx, links.page) };
    }
    case "eleve": {
      // At most one row (enforced on create/update); paginated for a uniform client API.
      return await ctx.db
        .query("students")
        .withIndex("by_userId", (q) => q.eq("userId", user._id))
        .paginate(opts);
    }
    default:
      return { page: [], isDone: true, continueCursor: "" };
  }
}

async function loadStudents(
  ctx: QueryCtx,
  links: readonly { studentId: Id<"students"> }[],
): Promise<Doc<"students">[]> {
  const students = await Promise.all(links.map((link) => ctx.db.get(link.studentId)));
  return students.filter((s): s is Doc<"students"> => s !== null);
}

/** Parents and coaches of one student (bounded: a family has a handful of each). */
export async function studentRelations(ctx: QueryCtx, studentId: Id<"students">) {
  const [guardianships, assignments] = await Promise.all([
    ctx.db
      .query("guardianships")
      .withIndex("by_studentId", (q) => q.eq("studentId", studentId))
      .take(20),
    ctx.db
      .query("coachAssignments")
      .withIndex("by_studentId", (q) => q.eq("studentId", studentId))
      .take(20),
  ]);
  const load = async (ids: Id<"users">[]) =>
    (await Promise.all(ids.map((id) => ctx.db.get(id)))).filter(
      (u): u is Doc<"users"> => u !== null,
    );
  return {
    parents: await load(guardianships.map((g) => g.parentId)),
    coaches: await load(assignments.map((a) => a.coachId)),
  };
}

/** At most this many students per name search. */
export const STUDENT_SEARCH_LIMIT = 20;

/** Students whose last or first name matches `text` (full-text, bounded: two indexed reads). */
export async function searchStudents(ctx: QueryCtx, text: string): Promise<Doc<"students">[]> {
  const term = text.trim().slice(0, 100);
  if (!term) return [];
  const byLast = await ctx.db
    .query("students")
    .withSearchIndex("search_lastName", (q) => q.search("lastName", term))
    .take(STUDENT_SEARCH_LIMIT);
  const byFirst = await ctx.db
    .query("students")
    .withSearchIndex("search_firstName", (q) => q.search("firstName", term))
    .take(STUDENT_SEARCH_LIMIT);
  const unique = new Map([...byLast, ...byFirst].map((s) => [s._id, s]));
  return [...unique.values()].slice(0, STUDENT_SEARCH_LIMIT);
}
