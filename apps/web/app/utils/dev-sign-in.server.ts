// The dev sign-in action: an e-mail of an existing user (a demo account or anyone the centre
// created) becomes a session. Nobody is created here: an unknown e-mail is refused.
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

export async function devSignIn(rawEmail: unknown): Promise<DevSignInResult> {
  const env = getEnv();
  assertDevAuthAllowed(env);
  const parsed = zEmail.safeParse(
    typeof rawEmail === "string" ? rawEmail.trim().toLowerCase() : "",
  );
  if (!parsed.success) {
    return { ok: false, field: "email", message: "Saisissez une adresse e-mail valide." };
  }
  const email = parsed.data;
  const options = { issuer: env.DEV_AUTH_ISSUER, keyDir: devAuthKeyDir(env) };
  const probe = await issueDevToken({ email }, options);
  const existing = await convexForRequest(probe.token).query(api.users.me, {});
  if (!existing) {
    return {
      ok: false,
      field: "email",
      message:
        "Aucun compte n'existe pour cette adresse. Vérifiez l'adresse ou contactez le centre.",
    };
  }
  // First sign-in of this session: refresh the row from the token (users.ensureCurrent).
  const { token } = await issueDevToken({ email, name: existing.name }, options);
  const user = await convexForRequest(token).mutation(api.users.ensureCurrent, {});
  return { ok: true, setCookie: await startSession(email, user.name), name: user.name };
}
