// Staff views for the operator's command line (`nexus-worker bilans list/show`): bilans across
// every student with the student's name, and one bilan with its synthesis versions, its report
// versions and the e-mails sent about it. Staff only (admin, assistante); bounded reads.

import { bilanStatuses } from "@nexus/shared/vocabulary";
import { v } from "convex/values";
import type { Doc, Id } from "./_generated/dataModel";
import type { QueryCtx } from "./_generated/server";
import { appError } from "./lib/errors";
import { staffQuery } from "./lib/functions";
import { pageSize } from "./lib/pagination";
import { summaryOfHead } from "./model/bilanHeads";
import { bilanSummary, vBilanSummary } from "./model/bilans";
import { vBilanStatus, vEmailStatus } from "./validators";

const vStudentName = v.object({ firstName: v.string(), lastName: v.string() });
const vOperatorBilan = v.object({
  ...vBilanSummary.fields,
  student: v.union(vStudentName, v.null()),
});

async function studentNames(ctx: QueryCtx, ids: Id<"students">[]) {
  const names = new Map<string, { firstName: string; lastName: string } | null>();
  for (const id of new Set(ids)) {
    const s = await ctx.db.get(id);
    names.set(id, s ? { firstName: s.firstName, lastName: s.lastName } : null);
  }
  return names;
}

/** Bilans, most recently updated first, optionally of one status (at most 200). */
export const listBilans = staffQuery({
  args: { status: v.optional(vBilanStatus), limit: v.optional(v.number()) },
  returns: v.array(vOperatorBilan),
  handler: async (ctx, { status, limit }) => {
    const take = pageSize(limit, { fallback: 50, max: 200 });
    const rows: Doc<"bilanHeads">[] = [];
    // One index read per status (7 at most), merged: no full-table scan; heads, not whole bilans.
    for (const s of status ? [status] : bilanStatuses) {
      rows.push(
        ...(await ctx.db
          .query("bilanHeads")
          .withIndex("by_status_and_updatedAt", (q) => q.eq("status", s))
          .order("desc")
          .take(take)),
      );
    }
    const page = rows.sort((a, b) => b.updatedAt - a.updatedAt).slice(0, take);
    const names = await studentNames(
      ctx,
      page.map((b) => b.studentId),
    );
    return page.map((b) => ({ ...summaryOfHead(b), student: names.get(b.studentId) ?? null }));
  },
});

const vEmailLine = v.object({
  _id: v.id("emails"),
  to: v.string(),
  recipientName: v.optional(v.string()),
  template: v.string(),
  status: vEmailStatus,
  pdfVersion: v.optional(v.number()),
  error: v.optional(v.string()),
  createdAt: v.number(),
  sentAt: v.optional(v.number()),
});

/** One bilan for the operator: summary, synthesis versions, report versions, e-mails. */
export const bilanDetail = staffQuery({
  args: { bilanId: v.string() },
  returns: v.object({
    bilan: vOperatorBilan,
    synthesisVersion: v.number(),
    failure: v.optional(v.object({ stage: v.string(), message: v.string(), at: v.number() })),
    revisions: v.array(
      v.object({
        version: v.optional(v.number()),
        source: v.union(v.literal("generated"), v.literal("edited")),
        createdAt: v.number(),
      }),
    ),
    reports: v.array(
      v.object({
        version: v.number(),
        final: v.boolean(),
        size: v.number(),
        generatedAt: v.number(),
      }),
    ),
    emails: v.array(vEmailLine),
  }),
  handler: async (ctx, { bilanId }) => {
    const id = ctx.db.normalizeId("bilans", bilanId);
    const bilan = id ? await ctx.db.get(id) : null;
    if (!bilan) throw appError("NOT_FOUND", "Bilan introuvable.");
    const names = await studentNames(ctx, [bilan.studentId]);
    const revisions = await ctx.db
      .query("bilanRevisions")
      .withIndex("by_bilanId_and_createdAt", (q) => q.eq("bilanId", bilan._id))
      .order("desc")
      .take(50);
    const reports = await ctx.db
      .query("bilanReports")
      .withIndex("by_bilanId_and_version", (q) => q.eq("bilanId", bilan._id))
      .order("desc")
      .take(50);
    const emails = await ctx.db
      .query("emails")
      .withIndex("by_bilanId", (q) => q.eq("bilanId", bilan._id))
      .take(100);
    return {
      bilan: { ...bilanSummary(bilan), student: names.get(bilan.studentId) ?? null },
      synthesisVersion: bilan.synthesisVersion ?? 0,
      ...(bilan.failure ? { failure: bilan.failure } : {}),
      revisions: revisions.map((r) => ({
        version: r.version,
        source: r.source,
        createdAt: r.createdAt,
      })),
      reports: reports.map((r) => ({
        version: r.version,
        final: r.final,
        size: r.size,
        generatedAt: r.generatedAt,
      })),
      emails: emails
        .sort((a, b) => b.createdAt - a.createdAt)
        .map((e) => ({
          _id: e._id,
          to: e.to,
          recipientName: e.recipientName,
          template: e.template,
          status: e.status,
          pdfVersion: e.pdfVersion,
          error: e.error,
          createdAt: e.createdAt,
          sentAt: e.sentAt,
        })),
    };
  },
});
