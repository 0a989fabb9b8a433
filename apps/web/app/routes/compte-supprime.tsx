// /compte-supprime: where an erased person lands (AccountGate, or a loader refused with
// ACCOUNT_ERASED). Public; ends this browser's session so nothing retries with a dead account.
// Clerk: the erasure job deleted the Clerk user, whose sessions end with it.
import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { ErasedNotice } from "~/components/rgpd/account-erased";
import { authMode, getEnv } from "~/utils/env.server";
import { endSession, getSessionData } from "~/utils/session.server";

export const meta: MetaFunction = () => [
  { title: "Compte supprimé — Nexus Réussite" },
  { name: "robots", content: "noindex" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  if (authMode(getEnv()) === "dev" && (await getSessionData(request))) {
    return data(null, { headers: { "Set-Cookie": await endSession(request) } });
  }
  return null;
}

export default function AccountErased() {
  return <ErasedNotice />;
}
