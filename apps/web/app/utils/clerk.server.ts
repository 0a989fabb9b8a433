// The Clerk path: the Convex token of the signed-in Clerk session, read on the server.
// Clerk's "Convex integration" puts aud=convex in the session token, which is then used as is;
// otherwise (or with CLERK_JWT_TEMPLATE=convex) the JWT template named "convex" is asked for. CLERK_API_URL and
// CLERK_JWT_KEY (networkless verification) are read by the SDK itself.

import { getAuth } from "@clerk/remix/ssr.server";
import type { LoaderFunctionArgs } from "@remix-run/node";
import type { ServerEnv } from "./env.server";

export function clerkOptions(env: ServerEnv) {
  return { secretKey: env.CLERK_SECRET_KEY, publishableKey: env.CLERK_PUBLISHABLE_KEY };
}

/**
 * Which Clerk token Convex receives, as ConvexProviderWithClerk decides in the browser: the
 * session token when it already carries aud=convex (Convex integration), else the template
 * "convex". CLERK_JWT_TEMPLATE forces a template.
 */
export function convexTokenOptions(
  env: Pick<ServerEnv, "CLERK_JWT_TEMPLATE">,
  audience: string | string[] | undefined,
): { template: string } | undefined {
  if (env.CLERK_JWT_TEMPLATE) return { template: env.CLERK_JWT_TEMPLATE };
  const audiences = Array.isArray(audience) ? audience : [audience];
  return audiences.includes("convex") ? undefined : { template: "convex" };
}

export async function clerkConvexToken(request: Request, env: ServerEnv): Promise<string | null> {
  const args = { request, context: {}, params: {} } as LoaderFunctionArgs;
  const auth = await getAuth(args, clerkOptions(env));
  if (!auth.userId) return null;
  return await auth.getToken(
    convexTokenOptions(env, auth.sessionClaims?.aud as string | string[] | undefined),
  );
}
