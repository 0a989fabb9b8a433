// POST /deconnexion: signs the person out everywhere. Dev sign-in: clears this browser's
// cookie and refuses every older session of the account; Clerk: revokes the user's active
// sessions through Clerk's Backend API (the browser also calls Clerk's signOut).
import { createClerkClient } from "@clerk/remix/api.server";
import { getAuth } from "@clerk/remix/ssr.server";
import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { clerkOptions } from "~/utils/clerk.server";
import { authMode, getEnv } from "~/utils/env.server";
import { endSession, getSessionData, recordSignOut } from "~/utils/session.server";

export async function action(args: ActionFunctionArgs) {
  const env = getEnv();
  if (authMode(env) === "clerk") {
    const auth = await getAuth(args, clerkOptions(env));
    if (auth.userId) {
      const clerk = createClerkClient(clerkOptions(env));
      const sessions = await clerk.sessions.getSessionList({
        userId: auth.userId,
        status: "active",
      });
      await Promise.all(sessions.data.map((s) => clerk.sessions.revokeSession(s.id)));
    }
    throw redirect("/");
  }
  const current = await getSessionData(args.request);
  if (current) recordSignOut(env, current.email);
  throw redirect("/", { headers: { "Set-Cookie": await endSession(args.request) } });
}

export function loader() {
  throw redirect("/");
}
