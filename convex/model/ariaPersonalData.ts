// ARIA's tables in the personal-data registry (model/personalData.ts spreads this list):
// everything is the student's and goes with them; the staff member who set a student's
// ARIA settings is only named by id (kept: the settings are the student's).
import type { Id } from "../_generated/dataModel";
import type { PersonalDataEntry } from "./personalData";

type AnyId = Parameters<NonNullable<PersonalDataEntry["refs"][string]["find"]>>[1];
const sid = (id: AnyId) => id as Id<"students">;

export const ARIA_PERSONAL_DATA = [
  {
    table: "ariaConversations",
    description: "The student's conversations with the ARIA tutor (subject, title, mode).",
    export: true,
    refs: {
      studentId: {
        to: "students",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("ariaConversations")
            .withIndex("by_studentId_and_archived_and_lastMessageAt", (q) =>
              q.eq("studentId", sid(id)),
            ),
      },
    },
  },
  {
    table: "ariaMessages",
    description: "Questions asked to ARIA and its answers, with sources, tokens and feedback.",
    export: true,
    refs: {
      studentId: {
        to: "students",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("ariaMessages")
            .withIndex("by_studentId_and_createdAt", (q) => q.eq("studentId", sid(id))),
      },
    },
  },
  {
    table: "ariaUsage",
    description: "Questions and tokens per day and month (quotas and cost).",
    export: true,
    refs: {
      studentId: {
        to: "students",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("ariaUsage")
            .withIndex("by_studentId_and_period_and_key", (q) => q.eq("studentId", sid(id))),
      },
    },
  },
  {
    table: "ariaSettings",
    description: "The student's ARIA option (premium) and budgets set by staff or a payment.",
    export: true,
    refs: {
      studentId: {
        to: "students",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db.query("ariaSettings").withIndex("by_studentId", (q) => q.eq("studentId", sid(id))),
      },
      updatedBy: {
        to: "users",
        onErase: "keep",
        why: "the settings are the student's; the staff member's id no longer resolves",
      },
    },
  },
  {
    table: "ariaMemories",
    description: "Facts about the student's difficulties summarised from their conversations.",
    export: true,
    refs: {
      studentId: {
        to: "students",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("ariaMemories")
            .withIndex("by_studentId_and_createdAt", (q) => q.eq("studentId", sid(id))),
      },
    },
  },
  {
    table: "ariaSheets",
    description: "Revision sheets (PDF) made from ARIA's answers; the files are swept with them.",
    export: true,
    refs: {
      studentId: {
        to: "students",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("ariaSheets")
            .withIndex("by_studentId_and_createdAt", (q) => q.eq("studentId", sid(id))),
      },
    },
  },
] satisfies PersonalDataEntry<any>[] as unknown as PersonalDataEntry[];
