// Who is signed in, for loaders and actions. One entry point whatever the sign-in path:
// Clerk when configured, else the dev sign-in (env.server authMode). Guards throw a Response:
// - requireUser: signed out → redirect to /connexion?redirectTo=<this page>;
// - requireRole: no role yet → /acces-en-attente; another role → 403 (French error page).
// Roles are only for navigation here: Convex enforces every access rule again.

import { api } from "@convex/_generated/api";
import type { Doc } from "@convex/_generated/dataModel";
import type { Role } from "@nexus/shared/domain";
import { redirect } from "@remix-run/node";
import { ConvexError } from "convex/values";
import { clerkConvexToken } from "./clerk.server";
import { convexForRequest } from "./convex.server";
import { assertDevAuthAllowed, issueDevToken } from "./dev-auth.server";
import { authMode, devAuthKeyDir, getEnv } from "./env.server";
import { signInUrlFor } from "./redirect";
import { getSessionData } from "./session.server";

export type CurrentUser = Doc<"users">;
export type UserWithRole = CurrentUser & { role: Role };

export interface AuthSession {
  mode: "clerk" | "dev";
  /** A Convex token for this request (dev: signed now, ≤ 15 min). */
  token: string;
  /** dev only: when the token expires (ms since epoch). */
  expiresAt?: number;
  email?: string;
}

export const WAITING_PAGE = "/acces-en-attente";

/** The current session with a fresh Convex token, or null when signed out. */
export async function getSession(request: Request): Promise<AuthSession | null> {
  const env = getEnv();
  if (authMode(env) === "clerk") {
    const token = await clerkConvexToken(request, env);
    return token ? { mode: "clerk", token } : null;
  }
  assertDevAuthAllowed(env);
  const data = await getSessionData(request);
  if (!data) return null;
  const issued = await issueDevToken(
    { email: data.email, name: data.name },
    { issuer: env.DEV_AUTH_ISSUER, keyDir: devAuthKeyDir(env) },
  );
  return { mode: "dev", token: issued.token, expiresAt: issued.expiresAt, email: data.email };
}

function errorCode(error: unknown): string | undefined {
  if (!(error instanceof ConvexError)) return undefined;
  const data = error.data as { code?: unknown } | undefined;
  return typeof data?.code === "string" ? data.code : undefined;
}

/** The caller's row: read it, and create it on the first sign-in (users.ensureCurrent). */
export async function loadCurrentUser(token: string): Promise<CurrentUser | null> {
  const convex = convexForRequest(token);
  try {
    return (
      (await convex.query(api.users.me, {})) ?? (await convex.mutation(api.users.ensureCurrent, {}))
    );
  } catch (error) {
    if (errorCode(error) === "UNAUTHENTICATED") return null;
    // Erased (or being erased) while signed in: the page that says so and ends the session.
    if (errorCode(error) === "ACCOUNT_ERASED") throw redirect("/compte-supprime");
    // A deactivated account (users.setActive): the server's French refusal, as a 403 page.
    if (errorCode(error) === "FORBIDDEN") throw forbidden(messageOf(error));
    throw error;
  }
}

/** The signed-in person, or null. Never redirects (for the layout and public pages). */
export async function getOptionalUser(
  request: Request,
): Promise<{ user: CurrentUser; token: string } | null> {
  const session = await getSession(request);
  if (!session) return null;
  const user = await loadCurrentUser(session.token);
  return user ? { user, token: session.token } : null;
}

export async function requireUser(request: Request): Promise<{ user: CurrentUser; token: string }> {
  const current = await getOptionalUser(request);
  if (!current) throw redirect(signInUrlFor(request));
  return current;
}

export function hasRole(user: CurrentUser): user is UserWithRole {
  return user.role !== undefined;
}

function messageOf(error: unknown): string | undefined {
  const data = error instanceof ConvexError ? (error.data as { message?: unknown }) : undefined;
  return typeof data?.message === "string" ? data.message : undefined;
}

export function forbidden(
  message = "Cette page n'est pas accessible avec votre compte.",
): Response {
  return new Response(message, {
    status: 403,
    statusText: "Forbidden",
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

export async function requireRole<R extends Role>(
  request: Request,
  roles: readonly R[],
): Promise<{ user: CurrentUser & { role: R }; token: string }> {
  const { user, token } = await requireUser(request);
  if (!hasRole(user)) throw redirect(WAITING_PAGE);
  if (!(roles as readonly Role[]).includes(user.role)) throw forbidden();
  return { user: user as CurrentUser & { role: R }, token };
}
