// The audit log as staff read it (/admin/journal): who did what and when, newest first,
// paginated, filtered by an action, a person or both, each combination through its own index (never a
// filter over the whole table). The actor's name and role come from one read per distinct
// actor of the page (at most a page's worth).
import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import type { Doc, Id } from "./_generated/dataModel";
import { staffQuery } from "./lib/functions";
import { boundedPage } from "./lib/pagination";
import { vActorKind, vRole } from "./validators";

const vAuditEntry = v.object({
  id: v.id("auditLogs"),
  at: v.number(),
  action: v.string(),
  actorKind: vActorKind,
  actor: v.union(
    v.null(),
    v.object({ id: v.id("users"), name: v.string(), role: v.union(vRole, v.null()) }),
  ),
  viaApiKey: v.boolean(),
  target: v.union(v.null(), v.object({ table: v.string(), id: v.string() })),
  details: v.optional(v.any()),
});

const vAuditPage = v.object({
  page: v.array(vAuditEntry),
  isDone: v.boolean(),
  continueCursor: v.string(),
  splitCursor: v.optional(v.union(v.string(), v.null())),
  pageStatus: v.optional(
    v.union(v.literal("SplitRecommended"), v.literal("SplitRequired"), v.null()),
  ),
});

/** Newest first. `action` is an exact action (e.g. "bilan.approve"); `actorId` one person. */
export const list = staffQuery({
  args: {
    paginationOpts: paginationOptsValidator,
    action: v.optional(v.string()),
    actorId: v.optional(v.id("users")),
  },
  returns: vAuditPage,
  handler: async (ctx, { paginationOpts, action, actorId }) => {
    const opts = boundedPage(paginationOpts, 50);
    const base =
      actorId && action
        ? ctx.db
            .query("auditLogs")
            .withIndex("by_actorId_and_action_and_at", (q) =>
              q.eq("actorId", actorId).eq("action", action),
            )
        : actorId
          ? ctx.db
              .query("auditLogs")
              .withIndex("by_actorId_and_at", (q) => q.eq("actorId", actorId))
          : action
            ? ctx.db.query("auditLogs").withIndex("by_action_and_at", (q) => q.eq("action", action))
            : ctx.db.query("auditLogs").withIndex("by_at");
    const result = await base.order("desc").paginate(opts);
    const actors = new Map<Id<"users">, Doc<"users"> | null>();
    for (const row of result.page) {
      if (row.actorId && !actors.has(row.actorId)) {
        actors.set(row.actorId, await ctx.db.get(row.actorId));
      }
    }
    return {
      ...result,
      page: result.page.map((row) => {
        const user = row.actorId ? actors.get(row.actorId) : null;
        return {
          id: row._id,
          at: row.at,
          action: row.action,
          actorKind: row.actorKind,
          actor: user ? { id: user._id, name: user.name, role: user.role ?? null } : null,
          viaApiKey: row.apiKeyId !== undefined,
          target:
            row.targetTable && row.targetId ? { table: row.targetTable, id: row.targetId } : null,
          details: row.details,
        };
      }),
    };
  },
});
