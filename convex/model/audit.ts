// The audit log: one append-only row per sensitive change (role changes,
// family links, coach assignments, submissions, seeding). Never updated or deleted here.
import type { Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { currentApiKeyId } from "./identity";

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
  // A person acting through the CLI is attributed to the API key they used.
  const apiKeyId = entry.actorKind === "user" ? await currentApiKeyId(ctx) : undefined;
  return await ctx.db.insert("auditLogs", {
    actorKind: entry.actorKind,
    actorId: entry.actorId,
    ...(apiKeyId ? { apiKeyId } : {}),
    action: entry.action,
    targetTable: entry.targetTable,
    targetId: entry.targetId,
    details: entry.details,
    at: Date.now(),
  });
}
