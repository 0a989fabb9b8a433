// Public keys of the dev sign-in, fetched by Convex (DEV_AUTH_JWKS_URL) to verify its tokens.
import { assertDevAuthAllowed, devJwks } from "~/utils/dev-auth.server";
import { authMode, devAuthKeyDir, getEnv } from "~/utils/env.server";

export async function loader() {
  const env = getEnv();
  if (authMode(env) !== "dev") return new Response("Not found", { status: 404 });
  assertDevAuthAllowed(env);
  return Response.json(await devJwks(devAuthKeyDir(env)), {
    headers: { "Cache-Control": "public, max-age=60" },
  });
}
