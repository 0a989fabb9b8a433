// Who is calling, from the verified JWT alone. Three kinds of callers share Convex auth:
// - a person signed in (Clerk or dev sign-in): found by tokenIdentifier;
// - a person using the CLI: the token's subject is one of their apiKeys rows, loaded on
//   every call so a revoked key stops at once;
// - the worker: its own issuer; it is never a person and never reaches user functions.
// Issuers are set by the runtime from the verified token, so they cannot be forged.
import { API_KEY_ISSUER, WORKER_ISSUER } from "@nexus/service-auth/service-tokens";
import type { UserIdentity } from "convex/server";
import type { Doc, Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";

export type Caller =
  | { kind: "worker"; workerId: string }
  | { kind: "apiKey"; key: Doc<"apiKeys"> | null }
  | { kind: "person"; identity: UserIdentity };

export async function resolveCaller(ctx: QueryCtx): Promise<Caller | null> {
  const identity = await ctx.auth.getUserIdentity();
  if (!identity) return null;
  if (identity.issuer === WORKER_ISSUER) {
    return { kind: "worker", workerId: identity.subject.replace(/^worker:/, "") };
  }
  if (identity.issuer === API_KEY_ISSUER) {
    const keyId = ctx.db.normalizeId("apiKeys", identity.subject);
    const key = keyId ? await ctx.db.get(keyId) : null;
    return { kind: "apiKey", key: key && key.revokedAt === undefined ? key : null };
  }
  return { kind: "person", identity };
}

/** The API key behind the current call, for attributing it in the audit log. */
export async function currentApiKeyId(ctx: QueryCtx): Promise<Id<"apiKeys"> | undefined> {
  const identity = await ctx.auth.getUserIdentity();
  if (identity?.issuer !== API_KEY_ISSUER) return undefined;
  return ctx.db.normalizeId("apiKeys", identity.subject) ?? undefined;
}

/** Worker-only functions: any other caller, signed in or not, is refused. */
export async function requireWorker(ctx: QueryCtx): Promise<{ workerId: string }> {
  const caller = await resolveCaller(ctx);
  if (caller?.kind !== "worker") {
    throw appError("WORKER_AUTH", "Fonction réservée au worker : appel refusé.");
  }
  return { workerId: caller.workerId };
}
