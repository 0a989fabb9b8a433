// POST /auth/jeton: a fresh short-lived Convex token for the browser's Convex client (dev
// sign-in). Same origin only: the session cookie is SameSite=Lax and the Origin is checked.
import type { ActionFunctionArgs } from "@remix-run/node";
import { getSession } from "~/utils/auth.server";

export async function action({ request }: ActionFunctionArgs) {
  const origin = request.headers.get("Origin");
  if (origin && origin !== new URL(request.url).origin) {
    return Response.json({ token: null }, { status: 403 });
  }
  const session = await getSession(request);
  if (session?.mode !== "dev") {
    return Response.json(
      { token: null },
      { status: 401, headers: { "Cache-Control": "no-store" } },
    );
  }
  return Response.json(
    { token: session.token, expiresAt: session.expiresAt },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export function loader() {
  return new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
}
