// users, students and the relationships that decide who may read whom.
// Written by users.ts/students.ts mutations only; read through convex/model/access.ts.
import { defineTable } from "convex/server";
import { v } from "convex/values";
import { vNiveau, vRole, vStatut } from "../validators";

/** How a parent wishes to be greeted in e-mails (see @nexus/email's zSalutation). */
export const vSalutation = v.object({
  style: v.union(v.literal("civilite"), v.literal("prenom")),
  civility: v.optional(v.union(v.literal("Madame"), v.literal("Monsieur"))),
  firstName: v.optional(v.string()),
  lastName: v.optional(v.string()),
});
export const vHolidayZone = v.union(v.literal("A"), v.literal("B"), v.literal("C"));

export const peopleTables = {
  /** One row per signed-in identity. `role` is absent until an admin assigns one. */
  users: defineTable({
    tokenIdentifier: v.string(),
    email: v.string(),
    name: v.string(),
    role: v.optional(vRole),
    createdAt: v.number(),
    lastSeenAt: v.number(),
    /** Set by an admin (users.setActive): every function then refuses this account. */
    deactivatedAt: v.optional(v.number()),
    /** Parents: greeting preferred in e-mails; absent: « Bonjour, ». */
    salutation: v.optional(vSalutation),
  })
    .index("by_tokenIdentifier", ["tokenIdentifier"])
    .index("by_email", ["email"])
    .index("by_role", ["role"])
    .searchIndex("search_name", { searchField: "name", filterFields: ["role"] }),

  students: defineTable({
    firstName: v.string(),
    lastName: v.string(),
    niveau: vNiveau,
    statut: vStatut,
    specialites: v.array(v.string()),
    school: v.optional(v.string()),
    /**
     * "YYYY-MM-DD", set by staff. Decides whether ARIA needs a parent's consent (under 15 on
     * the Paris day, or unknown: @nexus/shared/birth-date). Exported and erased with the record.
     */
    birthDate: v.optional(v.string()),
    /** The student's own account, when they have one. */
    userId: v.optional(v.id("users")),
    /** School holiday zone: the report's dated plan skips its holidays; absent: none skipped. */
    holidayZone: v.optional(vHolidayZone),
    /** Hours a week declared available for personal work in a subject (caps the plan). */
    weeklyAvailabilityHours: v.optional(v.number()),
    createdAt: v.number(),
    updatedAt: v.number(),
  })
    .index("by_userId", ["userId"])
    .index("by_lastName_and_firstName", ["lastName", "firstName"])
    .searchIndex("search_lastName", { searchField: "lastName" })
    .searchIndex("search_firstName", { searchField: "firstName" }),

  guardianships: defineTable({
    parentId: v.id("users"),
    studentId: v.id("students"),
    createdAt: v.number(),
  })
    .index("by_parentId_and_studentId", ["parentId", "studentId"])
    .index("by_studentId", ["studentId"]),

  coachAssignments: defineTable({
    coachId: v.id("users"),
    studentId: v.id("students"),
    createdAt: v.number(),
  })
    .index("by_coachId_and_studentId", ["coachId", "studentId"])
    .index("by_studentId", ["studentId"]),
};
