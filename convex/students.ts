// Public student functions. Identity data (names, niveau, statut, spécialités,
// school, linked account) is created and changed by staff only — an assigned
// coach writes bilans, not the family's civil data. Links between students,
// parents and coaches are staff-only too, and idempotent.
import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { userMutation, userQuery } from "./lib/functions";
import { requireAnyRole, requireReadableStudent, requireStaff } from "./model/access";
import { vBilanSummary } from "./model/bilans";
import { studentCards, vNextStep } from "./model/studentOverview";
import {
  assignCoach as assignCoachModel,
  createStudent,
  linkParent as linkParentModel,
  listStudentsFor,
  searchStudents,
  studentRelations,
  unassignCoach as unassignCoachModel,
  unlinkParent as unlinkParentModel,
  updateStudent,
} from "./model/students";
import { userSummary, vUserSummary } from "./model/users";
import schema from "./schema";
import { vHolidayZone } from "./tables/people";
import { vNiveau, vStatut } from "./validators";

const vStudent = doc(schema, "students");

export const create = userMutation({
  args: {
    firstName: v.string(),
    lastName: v.string(),
    niveau: vNiveau,
    statut: vStatut,
    specialites: v.array(v.string()),
    school: v.optional(v.string()),
    /** "YYYY-MM-DD"; decides ARIA's parental consent (docs/rgpd.md). */
    birthDate: v.optional(v.string()),
    userId: v.optional(v.id("users")),
  },
  returns: v.id("students"),
  handler: async (ctx, args) => {
    requireStaff(ctx.user);
    return await createStudent(ctx, ctx.user, args, Date.now());
  },
});

export const update = userMutation({
  args: {
    studentId: v.id("students"),
    firstName: v.optional(v.string()),
    lastName: v.optional(v.string()),
    niveau: v.optional(vNiveau),
    statut: v.optional(vStatut),
    specialites: v.optional(v.array(v.string())),
    school: v.optional(v.string()),
    /** "YYYY-MM-DD"; null: unknown (ARIA then needs a parent's consent). */
    birthDate: v.optional(v.union(v.string(), v.null())),
    userId: v.optional(v.id("users")),
    /** School holiday zone for the dated plan; null: none (no holidays skipped). */
    holidayZone: v.optional(v.union(vHolidayZone, v.null())),
    /** Hours a week available for personal work in a subject; null: not stated. */
    weeklyAvailabilityHours: v.optional(v.union(v.number(), v.null())),
  },
  returns: v.null(),
  handler: async (ctx, { studentId, ...fields }) => {
    requireStaff(ctx.user);
    await updateStudent(ctx, ctx.user, studentId, fields, Date.now());
    return null;
  },
});

export const get = userQuery({
  args: { studentId: v.id("students") },
  returns: vStudent,
  handler: async (ctx, { studentId }) => {
    requireAnyRole(ctx.user);
    return await requireReadableStudent(ctx, ctx.user, studentId);
  },
});

/** The students the caller follows (élève: themself; parent: children; coach: assigned; staff: all). */
export const listMine = userQuery({
  args: { paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vStudent),
  handler: async (ctx, { paginationOpts }) => {
    requireAnyRole(ctx.user);
    return await listStudentsFor(ctx, ctx.user, paginationOpts);
  },
});

/**
 * listMine with, per student, the latest bilans (at most 3, newest first) and the next step
 * for the caller's role: « Mes élèves » of a coach, a parent's cards, the élève's home.
 * At most 50 students a page.
 */
export const listMineWithLatestBilan = userQuery({
  args: { paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(
    v.object({ student: vStudent, latestBilans: v.array(vBilanSummary), nextStep: vNextStep }),
  ),
  handler: async (ctx, { paginationOpts }) => {
    requireAnyRole(ctx.user);
    return await studentCards(ctx, ctx.user, paginationOpts);
  },
});

/** Parents and coaches of a student the caller may read. */
export const relations = userQuery({
  args: { studentId: v.id("students") },
  returns: v.object({ parents: v.array(vUserSummary), coaches: v.array(vUserSummary) }),
  handler: async (ctx, { studentId }) => {
    requireAnyRole(ctx.user);
    await requireReadableStudent(ctx, ctx.user, studentId);
    const { parents, coaches } = await studentRelations(ctx, studentId);
    return { parents: parents.map(userSummary), coaches: coaches.map(userSummary) };
  },
});

export const linkParent = userMutation({
  args: { studentId: v.id("students"), parentId: v.id("users") },
  returns: v.id("guardianships"),
  handler: async (ctx, { studentId, parentId }) => {
    requireStaff(ctx.user);
    return await linkParentModel(ctx, ctx.user, studentId, parentId);
  },
});

export const unlinkParent = userMutation({
  args: { studentId: v.id("students"), parentId: v.id("users") },
  returns: v.boolean(),
  handler: async (ctx, { studentId, parentId }) => {
    requireStaff(ctx.user);
    return await unlinkParentModel(ctx, ctx.user, studentId, parentId);
  },
});

export const assignCoach = userMutation({
  args: { studentId: v.id("students"), coachId: v.id("users") },
  returns: v.id("coachAssignments"),
  handler: async (ctx, { studentId, coachId }) => {
    requireStaff(ctx.user);
    return await assignCoachModel(ctx, ctx.user, studentId, coachId);
  },
});

export const unassignCoach = userMutation({
  args: { studentId: v.id("students"), coachId: v.id("users") },
  returns: v.boolean(),
  handler: async (ctx, { studentId, coachId }) => {
    requireStaff(ctx.user);
    return await unassignCoachModel(ctx, ctx.user, studentId, coachId);
  },
});

/** Staff only: at most 20 students whose first or last name matches `text`. */
export const search = userQuery({
  args: { text: v.string() },
  returns: v.array(vStudent),
  handler: async (ctx, { text }) => {
    requireStaff(ctx.user);
    return await searchStudents(ctx, text);
  },
});
