// The dev sign-in session: an httpOnly, SameSite=Lax cookie signed with SESSION_SECRET (or a
// secret generated once under DEV_AUTH_KEY_DIR when unset outside production). Signing out
// records the time per account, so every session of that account opened before it — in any
// browser — is refused afterwards ("se déconnecter partout").
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createCookieSessionStorage, type Session } from "@remix-run/node";
import { devAuthKeyDir, getEnv, type ServerEnv } from "./env.server";

export const SESSION_COOKIE = "__nxr_session";
const SESSION_MAX_AGE_SECONDS = 60 * 60 * 24 * 14;

export interface SessionData {
  email: string;
  name: string;
  /** ms since epoch */
  signedInAt: number;
}

function readOrCreate(file: string, create: () => string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(join(file, ".."), { recursive: true });
    const value = create();
    writeFileSync(file, value, { mode: 0o600 });
    return value;
  }
}

export function sessionSecret(env: ServerEnv): string {
  if (env.SESSION_SECRET) return env.SESSION_SECRET;
  if (env.NODE_ENV === "production") throw new Error("SESSION_SECRET is required in production");
  return readOrCreate(join(devAuthKeyDir(env), "session-secret"), () =>
    randomBytes(32).toString("base64url"),
  );
}

function createStorage(env: ServerEnv) {
  return createCookieSessionStorage<SessionData>({
    cookie: {
      name: SESSION_COOKIE,
      httpOnly: true,
      sameSite: "lax",
      secure: env.NODE_ENV === "production",
      path: "/",
      maxAge: SESSION_MAX_AGE_SECONDS,
      secrets: [sessionSecret(env)],
    },
  });
}

let storage: ReturnType<typeof createStorage> | undefined;

export function sessionStorage() {
  storage ??= createStorage(getEnv());
  return storage;
}

function signOutsFile(env: ServerEnv): string {
  return join(devAuthKeyDir(env), "sign-outs.json");
}

function readSignOuts(env: ServerEnv): Record<string, number> {
  try {
    return JSON.parse(readFileSync(signOutsFile(env), "utf8")) as Record<string, number>;
  } catch {
    return {};
  }
}

/** Every session of this account opened up to `at` is refused from now on. */
export function recordSignOut(env: ServerEnv, email: string, at: number = Date.now()): void {
  const signOuts = readSignOuts(env);
  signOuts[email.toLowerCase()] = at;
  mkdirSync(devAuthKeyDir(env), { recursive: true });
  writeFileSync(signOutsFile(env), JSON.stringify(signOuts), { mode: 0o600 });
}

export function isSessionRevoked(env: ServerEnv, data: SessionData): boolean {
  const signedOutAt = readSignOuts(env)[data.email.toLowerCase()];
  return signedOutAt !== undefined && data.signedInAt <= signedOutAt;
}

export async function readSession(request: Request): Promise<Session<SessionData>> {
  return await sessionStorage().getSession(request.headers.get("Cookie"));
}

/** The signed-in person of a dev session, or null (no cookie, tampered, or signed out). */
export async function getSessionData(request: Request): Promise<SessionData | null> {
  const session = await readSession(request);
  const email = session.get("email");
  const name = session.get("name");
  const signedInAt = session.get("signedInAt");
  if (!email || !name || typeof signedInAt !== "number") return null;
  const data = { email, name, signedInAt };
  return isSessionRevoked(getEnv(), data) ? null : data;
}

/** Set-Cookie for a new dev session (always newer than the account's last sign-out). */
export async function startSession(email: string, name: string): Promise<string> {
  const env = getEnv();
  const lastSignOut = readSignOuts(env)[email.toLowerCase()] ?? 0;
  const session = await sessionStorage().getSession();
  session.set("email", email);
  session.set("name", name);
  session.set("signedInAt", Math.max(Date.now(), lastSignOut + 1));
  return await sessionStorage().commitSession(session);
}

/** Set-Cookie that clears this browser's session. */
export async function endSession(request: Request): Promise<string> {
  return await sessionStorage().destroySession(await readSession(request));
}
