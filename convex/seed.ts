// `bun run seed` (scripts/seed.ts) calls seed:run with WORKER_SECRET: demo data
// for every role, inserted only when absent. Never exposed to signed-in users.
import { v } from "convex/values";
import { internal } from "./_generated/api";
import { workerMutation } from "./lib/functions";
import { repairHeadsPage } from "./model/bilanHeads";
import { DEMO_ACCOUNTS, seedDemoData } from "./model/seed";
import { seedCoaching } from "./model/seedCoaching";
import { recountRecentWeeks } from "./model/stats";
import { vRole } from "./validators";

const vCount = v.number();

export const run = workerMutation({
  args: {},
  returns: v.object({
    issuer: v.string(),
    created: v.object({
      users: vCount,
      students: vCount,
      guardianships: vCount,
      coachAssignments: vCount,
      bilans: vCount,
    }),
    skipped: v.array(v.string()),
    accounts: v.array(
      v.object({ email: v.string(), name: v.string(), role: vRole, description: v.string() }),
    ),
  }),
  handler: async (ctx) => {
    const people = await seedDemoData(ctx, Date.now());
    // credits, payments, availability and sessions (issue 15), once
    await seedCoaching(ctx, Date.now());
    // Counters of a data folder older than the weekly summaries (model/stats.ts) show too.
    await recountRecentWeeks(ctx, Date.now());
    // Bilans of a data folder older than their heads (model/bilanHeads.ts) get them: the first
    // page here, the next ones scheduled page by page (idempotent: a right head is left alone).
    const heads = await repairHeadsPage(ctx, null, { orphans: false });
    if (!heads.isDone) {
      await ctx.scheduler.runAfter(0, internal.consistency.repairBilanHeads, {
        cursor: heads.continueCursor,
        orphans: false,
      });
    }
    return { ...people, accounts: DEMO_ACCOUNTS.map((a) => ({ ...a })) };
  },
});
