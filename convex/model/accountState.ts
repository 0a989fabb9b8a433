// Whether the caller's account still exists, is being erased or was erased (docs/rgpd.md,
// « Erasure »). An erased person whose pages are still open must see « Ce compte a été
// supprimé. », not a crash: every person-facing function refuses them with ACCOUNT_ERASED
// (model/access.ts requireUser), and users.accountState — the one query the web app's shell
// subscribes to first — never throws and says so. Reads: the caller's row, at most a few
// erasure requests of theirs (by_subjectUserId) and one erasedIdentities row.
import type { Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { hashIdentity } from "./erasure";
import { resolveCaller } from "./identity";

export const ERASED_MESSAGE = "Ce compte a été supprimé : ses données ont été effacées.";

export type AccountState =
  /** No identity. */
  | "signedOut"
  /** Signed in, no account row yet (users.ensureCurrent creates it). */
  | "unknown"
  | "active"
  /** Deactivated by staff (users.setActive). */
  | "deactivated"
  /** Erasure confirmed (running) or done. */
  | "erased";

/** Is an erasure of this account confirmed (running) or finished? */
export async function isBeingErased(ctx: QueryCtx, userId: Id<"users">): Promise<boolean> {
  const requests = await ctx.db
    .query("rgpdRequests")
    .withIndex("by_subjectUserId", (q) => q.eq("subjectUserId", userId))
    .take(20);
  return requests.some(
    (r) => r.kind === "erasure" && (r.status === "running" || r.status === "done"),
  );
}

async function erasedIdentity(ctx: QueryCtx, tokenIdentifier: string): Promise<boolean> {
  const tokenHash = await hashIdentity(tokenIdentifier);
  const row = await ctx.db
    .query("erasedIdentities")
    .withIndex("by_tokenHash", (q) => q.eq("tokenHash", tokenHash))
    .first();
  return row !== null;
}

export async function accountStateOf(ctx: QueryCtx): Promise<AccountState> {
  const caller = await resolveCaller(ctx);
  if (!caller) return "signedOut";
  if (caller.kind === "person") {
    const user = await ctx.db
      .query("users")
      .withIndex("by_tokenIdentifier", (q) =>
        q.eq("tokenIdentifier", caller.identity.tokenIdentifier),
      )
      .unique();
    if (!user) {
      return (await erasedIdentity(ctx, caller.identity.tokenIdentifier)) ? "erased" : "unknown";
    }
    if (user.deactivatedAt === undefined) return "active";
    return (await isBeingErased(ctx, user._id)) ? "erased" : "deactivated";
  }
  if (caller.kind === "apiKey") {
    const user = caller.key ? await ctx.db.get(caller.key.userId) : null;
    if (!user) return "signedOut";
    if (user.deactivatedAt === undefined) return "active";
    return (await isBeingErased(ctx, user._id)) ? "erased" : "deactivated";
  }
  return "signedOut";
}

/** Throws ACCOUNT_ERASED (French) when the person signed in as `tokenIdentifier` was erased. */
export async function requireNotErasedIdentity(
  ctx: QueryCtx,
  tokenIdentifier: string,
): Promise<void> {
  if (await erasedIdentity(ctx, tokenIdentifier)) throw appError("ACCOUNT_ERASED", ERASED_MESSAGE);
}

/** Throws ACCOUNT_ERASED when this (deactivated) account is being or was erased. */
export async function requireNotBeingErased(ctx: QueryCtx, userId: Id<"users">): Promise<void> {
  if (await isBeingErased(ctx, userId)) throw appError("ACCOUNT_ERASED", ERASED_MESSAGE);
}
