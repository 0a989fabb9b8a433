// Ending a session on an authentication failure, as the Convex backend does:
// AuthError then the socket is closed, and nothing runs anonymously instead.
// Owns the token-expiry check made on every client message and every re-run
// of a session's queries; verifying tokens is jwt-auth.ts's.
import type { SessionAuth, SyncSession } from "./sync-session.ts";

/** Where a session closed by an auth failure is forgotten (the sync server's session set). */
export interface SessionRegistry {
  drop(session: SyncSession): void;
}

/** Sends AuthError and closes the socket, as the Convex backend does: nothing runs anonymously instead. */
export function closeWithAuthError(
  registry: SessionRegistry,
  session: SyncSession,
  baseVersion: number,
  error: string,
  attempted: boolean,
): void {
  session.send({ type: "AuthError", error, baseVersion, authUpdateAttempted: attempted });
  session.closed = true;
  registry.drop(session);
  session.socket.close(1000, "AuthError");
}

/**
 * Refuses to go on with an expired token, as the Convex backend does:
 * AuthError (authUpdateAttempted false, so the client fetches a fresh token
 * and reconnects with it) and the socket is closed.
 */
export function checkNotExpired(
  registry: SessionRegistry,
  session: SyncSession,
  auth: SessionAuth = session.callAuth,
): boolean {
  const expiresAt = auth.expiresAt;
  if (expiresAt !== null && expiresAt * 1000 <= Date.now()) {
    closeWithAuthError(
      registry,
      session,
      session.expectedIdentity - 1,
      "Convex token identity expired",
      false,
    );
    return false;
  }
  return true;
}
