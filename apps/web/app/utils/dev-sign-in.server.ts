// The dev sign-in action: an e-mail of an existing user (a demo account or anyone the centre
// created) becomes a session. An unknown e-mail is refused, except the one a valid invitation
// was sent to, when signing in on the way back to that invitation's link (its token): the
// account is then created without a role, and gets one only by accepting the invitation.
import { api } from "@convex/_generated/api";
import { z } from "zod";
import { convexForRequest } from "./convex.server";
import { assertDevAuthAllowed, issueDevToken } from "./dev-auth.server";
import { devAuthKeyDir, getEnv } from "./env.server";
import { startSession } from "./session.server";

export type DevSignInResult =
  | { ok: true; setCookie: string; name: string }
  | { ok: false; field: "email"; message: string };

const zEmail = z.email().max(254);

export async function devSignIn(
  rawEmail: unknown,
  options: { invitationToken?: string } = {},
): Promise<DevSignInResult> {
  const env = getEnv();
  assertDevAuthAllowed(env);
  const parsed = zEmail.safeParse(
    typeof rawEmail === "string" ? rawEmail.trim().toLowerCase() : "",
  );
  if (!parsed.success) {
    return { ok: false, field: "email", message: "Saisissez une adresse e-mail valide." };
  }
  const email = parsed.data;
  const keys = { issuer: env.DEV_AUTH_ISSUER, keyDir: devAuthKeyDir(env) };
  const probe = await issueDevToken({ email }, keys);
  const existing = await convexForRequest(probe.token).query(api.users.me, {});
  if (!existing && !(await isInvited(email, options.invitationToken))) {
    return {
      ok: false,
      field: "email",
      message: options.invitationToken
        ? "Aucun compte n'existe pour cette adresse, et ce n'est pas celle qui a reçu l'invitation : saisissez l'adresse à laquelle l'e-mail d'invitation a été envoyé."
        : "Aucun compte n'existe pour cette adresse. Vérifiez l'adresse ou contactez le centre.",
    };
  }
  // First sign-in of this session: refresh the row from the token (users.ensureCurrent).
  const { token } = await issueDevToken({ email, name: existing?.name }, keys);
  const user = await convexForRequest(token).mutation(api.users.ensureCurrent, {});
  return { ok: true, setCookie: await startSession(email, user.name), name: user.name };
}

/** Whether `token` is a valid invitation sent to `email` (invitations.preview, no account needed). */
async function isInvited(email: string, token: string | undefined): Promise<boolean> {
  if (!token) return false;
  const preview = await convexForRequest().query(api.invitations.preview, {
    token,
    now: Date.now(),
    email,
  });
  return preview.status === "valid" && preview.emailMatches === true;
}
