// The audit log: one append-only row per sensitive change (role changes,
// family links, coach assignments, submissions, seeding). Never updated or deleted here.
import type { Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";

export type ActorKind = "user" | "worker" | "system";

export interface AuditEntry {
  actorKind: ActorKind;
  actorId?: Id<"users">;
  /** Dotted verb, e.g. `user.setRole`, `student.linkParent`, `bilan.submit`. */
  action: string;
  targetTable?: string;
  targetId?: string;
  details?: unknown;
}

export async function audit(ctx: MutationCtx, entry: AuditEntry): Promise<Id<"auditLogs">> {
  return await ctx.db.insert("auditLogs", {
    actorKind: entry.actorKind,
    actorId: entry.actorId,
    action: entry.action,
    targetTable: entry.targetTable,
    targetId: entry.targetId,
    details: entry.details,
    at: Date.now(),
  });
}
