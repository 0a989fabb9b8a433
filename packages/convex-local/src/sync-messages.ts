// One handler per client message of the sync protocol that does something
// (`Connect` and `Event` need nothing). Handlers only record what changed
// on the session (query set, identity, awaited timestamp) and ask for a
// pass; the queries themselves are re-run by sliced-rerun.ts. Mutations
// and actions answer directly on the socket.
import type { UserIdentity } from "convex/server";
import { convexToJson, jsonToConvex, type Value } from "convex/values";
import type { AdminKeys } from "./admin-key.ts";
import { ANONYMOUS, type ConvexEngine } from "./engine.ts";
import { AUTH_FAILURE_MESSAGE, AuthFailure, type TokenVerifier } from "./jwt-auth.ts";
import { checkNotExpired, closeWithAuthError, type SessionRegistry } from "./session-auth.ts";
import { type ClientMessage, encodeTs, type QuerySetModification } from "./sync-protocol.ts";
import type { SessionAuth, SyncSession } from "./sync-session.ts";

/** What the handlers need from the sync server. */
export interface SyncContext extends SessionRegistry {
  engine: ConvexEngine;
  verifier: TokenVerifier;
  /** Admin key checks (absent: admin authentication refused). */
  admin?: AdminKeys;
  requestPass(): void;
}

type Message<T extends ClientMessage["type"]> = Extract<ClientMessage, { type: T }>;

/** Queues a query set change (applied at the next pass) after checking its base version. */
export function onModifyQuerySet(
  ctx: SyncContext,
  session: SyncSession,
  message: QuerySetModification,
): void {
  if (!checkNotExpired(ctx, session)) return;
  if (message.baseVersion !== session.expectedQuerySet) {
    session.fatal(
      `Invalid query set base version ${message.baseVersion}, expected ${session.expectedQuerySet}`,
    );
    return;
  }
  session.expectedQuerySet = message.newVersion;
  session.pendingModifications.push(message);
  ctx.requestPass();
}

/**
 * Verifies a token (or `None`): mutations and actions use it at once, queries
 * from the Transition that confirms it. A token that does not verify ends
 * the session (AuthError).
 */
export async function onAuthenticate(
  ctx: SyncContext,
  session: SyncSession,
  message: Message<"Authenticate">,
): Promise<void> {
  if (message.baseVersion !== session.expectedIdentity) {
    session.fatal(
      `Invalid identity base version ${message.baseVersion}, expected ${session.expectedIdentity}`,
    );
    return;
  }
  let auth: SessionAuth;
  if (message.tokenType === "None") {
    auth = { ...ANONYMOUS, expiresAt: null };
  } else if (message.tokenType === "Admin") {
    const check =
      ctx.admin && message.value
        ? ctx.admin.check(message.value, session.socket.remoteAddress)
        : ({ ok: false, message: "Admin keys are not accepted by this runtime." } as const);
    if (!check.ok) {
      // FatalError, not AuthError: an admin client has no token to refresh, and
      // would reconnect forever; this way the CLI stops with the message.
      session.fatal(check.message);
      ctx.drop(session);
      return;
    }
    const impersonating = message.impersonating as Partial<UserIdentity> | undefined;
    const identity =
      check.actingAs ??
      (impersonating && typeof impersonating === "object"
        ? ({
            ...impersonating,
            subject: impersonating.subject ?? "admin",
            issuer: impersonating.issuer ?? "convex-local",
            tokenIdentifier:
              impersonating.tokenIdentifier ??
              `${impersonating.issuer ?? "convex-local"}|${impersonating.subject ?? "admin"}`,
          } as UserIdentity)
        : null);
    auth = {
      identity,
      key: `admin|${identity?.tokenIdentifier ?? ""}`,
      admin: true,
      expiresAt: null,
    };
  } else if (!message.value) {
    closeWithAuthError(ctx, session, message.baseVersion, "A User token needs a value.", true);
    return;
  } else {
    try {
      const verified = await ctx.verifier.verify(message.value);
      auth = {
        identity: verified.identity,
        key: message.value,
        expiresAt: verified.expiresAt,
      };
    } catch (error) {
      // The verifier logs why; the client gets the generic message.
      const text = error instanceof AuthFailure ? error.message : AUTH_FAILURE_MESSAGE;
      closeWithAuthError(ctx, session, message.baseVersion, text, true);
      return;
    }
  }
  session.expectedIdentity = message.baseVersion + 1;
  session.callAuth = auth;
  session.pendingIdentity = { version: message.baseVersion + 1, auth };
  ctx.requestPass();
}

/**
 * Runs a mutation and answers MutationResponse. The session's Transitions
 * are held from its commit until the response is out, and the session then
 * awaits a Transition reaching the commit timestamp.
 */
export async function onMutation(
  ctx: SyncContext,
  session: SyncSession,
  message: Message<"Mutation">,
): Promise<void> {
  if (!checkNotExpired(ctx, session)) return;
  const args = jsonToConvex((message.args[0] ?? {}) as never) as Record<string, Value>;
  let held = false;
  try {
    const result = await ctx.engine.call("mutation", message.udfPath, args, {
      auth: session.callAuth,
      publicOnly: true,
      onCommit: (ts) => {
        // Hold this session's Transitions until the response is out.
        session.holds += 1;
        held = true;
        if (ts > session.awaitedTs) session.awaitedTs = ts;
      },
    });
    if (result.ok) {
      session.send({
        type: "MutationResponse",
        requestId: message.requestId,
        success: true,
        result: convexToJson(result.value),
        ts: encodeTs(result.commitTs ?? ctx.engine.lastCommitTs),
        logLines: result.logLines,
      });
    } else {
      session.send({
        type: "MutationResponse",
        requestId: message.requestId,
        success: false,
        result: result.message,
        logLines: result.logLines,
        ...(result.data === undefined ? {} : { errorData: convexToJson(result.data) }),
      });
    }
  } finally {
    if (held) session.release();
  }
}

/** Starts an action and answers ActionResponse when it ends (later messages do not wait). */
export function onAction(ctx: SyncContext, session: SyncSession, message: Message<"Action">): void {
  if (!checkNotExpired(ctx, session)) return;
  const args = jsonToConvex((message.args[0] ?? {}) as never) as Record<string, Value>;
  const auth = session.callAuth;
  void ctx.engine
    .call("action", message.udfPath, args, { auth, publicOnly: true })
    .then((result) => {
      session.send(
        result.ok
          ? {
              type: "ActionResponse",
              requestId: message.requestId,
              success: true,
              result: convexToJson(result.value),
              logLines: result.logLines,
            }
          : {
              type: "ActionResponse",
              requestId: message.requestId,
              success: false,
              result: result.message,
              logLines: result.logLines,
              ...(result.data === undefined ? {} : { errorData: convexToJson(result.data) }),
            },
      );
    });
}
