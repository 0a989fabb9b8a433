// The wallet consistency check (rules in model/consistency.ts). Staff walk it page by page
// (`nexus-worker consistency`, the report page's « Vérifier maintenant »); the cron runs it every
// hour and keeps the latest report, which the staff page shows live.
import { v } from "convex/values";
import { internal } from "./_generated/api";
import { internalAction, internalMutation, internalQuery } from "./_generated/server";
import { userMutation, userQuery } from "./lib/functions";
import { requireStaff } from "./model/access";
import { repairHeadsPage } from "./model/bilanHeads";
import {
  type ConsistencyPart,
  checkPage as checkPageModel,
  consistencyParts,
  type Problem,
  vCheckPage,
  vConsistencyPart,
  vProblem,
} from "./model/consistency";

/** Staff: one page of one part of the check. */
export const checkPage = userQuery({
  args: { part: vConsistencyPart, cursor: v.union(v.string(), v.null()) },
  returns: vCheckPage,
  handler: async (ctx, { part, cursor }) => {
    requireStaff(ctx.user);
    return await checkPageModel(ctx, part, cursor);
  },
});

export const pageForCron = internalQuery({
  args: { part: vConsistencyPart, cursor: v.union(v.string(), v.null()) },
  returns: vCheckPage,
  handler: async (ctx, { part, cursor }) => await checkPageModel(ctx, part, cursor),
});

const vReport = v.object({
  at: v.number(),
  ok: v.boolean(),
  walletsChecked: v.number(),
  problems: v.array(vProblem),
  truncated: v.boolean(),
});

/** Problems kept in a stored report (the CLI lists them all). */
const STORED_PROBLEMS = 200;

export const record = internalMutation({
  args: { report: vReport },
  returns: v.null(),
  handler: async (ctx, { report }) => {
    await ctx.db.insert("consistencyReports", report);
    // keep the last 48 reports
    const old = await ctx.db.query("consistencyReports").withIndex("by_at").order("desc").take(60);
    for (const row of old.slice(48)) await ctx.db.delete(row._id);
    return null;
  },
});

/** Walks every part to the end and stores the report (cron, « Vérifier maintenant »). */
export const run = internalAction({
  args: {},
  returns: v.null(),
  handler: async (ctx) => {
    const problems: Problem[] = [];
    let walletsChecked = 0;
    for (const part of consistencyParts as readonly ConsistencyPart[]) {
      let cursor: string | null = null;
      for (;;) {
        const page: {
          checked: number;
          problems: Problem[];
          continueCursor: string;
          isDone: boolean;
        } = await ctx.runQuery(internal.consistency.pageForCron, { part, cursor });
        if (part === "wallets") walletsChecked += page.checked;
        problems.push(...page.problems);
        if (page.isDone) break;
        cursor = page.continueCursor;
      }
    }
    await ctx.runMutation(internal.consistency.record, {
      report: {
        at: Date.now(),
        ok: problems.length === 0,
        walletsChecked,
        problems: problems.slice(0, STORED_PROBLEMS),
        truncated: problems.length > STORED_PROBLEMS,
      },
    });
    return null;
  },
});

/**
 * Repairs bilan heads one page at a time (model/bilanHeads.ts repairHeadsPage), scheduling
 * the next page until done. The seed backfills missing and stale heads with it at every
 * `bun run dev` (orphans: false); by hand, everything:
 * `npx convex run consistency:repairBilanHeads '{"cursor": null}'`.
 */
export const repairBilanHeads = internalMutation({
  args: { cursor: v.union(v.string(), v.null()), orphans: v.optional(v.boolean()) },
  returns: v.object({ checked: v.number(), repaired: v.number(), isDone: v.boolean() }),
  handler: async (ctx, { cursor, orphans }) => {
    const page = await repairHeadsPage(ctx, cursor, { orphans });
    if (!page.isDone) {
      await ctx.scheduler.runAfter(0, internal.consistency.repairBilanHeads, {
        cursor: page.continueCursor,
        orphans,
      });
    }
    return { checked: page.checked, repaired: page.repaired, isDone: page.isDone };
  },
});

/** Staff: the latest stored report (null before the first run). */
export const latest = userQuery({
  args: {},
  returns: v.union(v.null(), v.object({ ...vReport.fields, _id: v.id("consistencyReports") })),
  handler: async (ctx) => {
    requireStaff(ctx.user);
    const row = await ctx.db.query("consistencyReports").withIndex("by_at").order("desc").first();
    if (!row) return null;
    const { _creationTime, ...rest } = row;
    return rest;
  },
});

/** Staff: run the check now (the report page updates when it is stored). */
export const runNow = userMutation({
  args: {},
  returns: v.null(),
  handler: async (ctx) => {
    requireStaff(ctx.user);
    await ctx.scheduler.runAfter(0, internal.consistency.run, {});
    return null;
  },
});
