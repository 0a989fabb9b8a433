// Offline sign-in: an RS256 key pair generated on first run (DEV_AUTH_KEY_DIR, default
// .data/dev-auth), short-lived JWTs for Convex's customJwt provider (convex/auth.config.ts),
// and the public JWKS that Convex fetches. Never used in production: every entry point calls
// assertDevAuthAllowed first.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import type { ServerEnv } from "./env.server";

/** Lifetime of a dev token; the browser's Convex client refreshes it before expiry. */
export const DEV_TOKEN_TTL_SECONDS = 10 * 60;
export const DEV_TOKEN_AUDIENCE = "convex";

export const DEV_AUTH_REFUSED_IN_PRODUCTION =
  "Dev sign-in is refused when NODE_ENV=production: set CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY.";

export function assertDevAuthAllowed(env: Pick<ServerEnv, "NODE_ENV">): void {
  if (env.NODE_ENV === "production") throw new Error(DEV_AUTH_REFUSED_IN_PRODUCTION);
}

interface DevKeys {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

const keysByDir = new Map<string, Promise<DevKeys>>();

async function readOrCreateKeys(dir: string): Promise<DevKeys> {
  const file = join(dir, "private-key.json");
  let privateJwk: JWK;
  try {
    privateJwk = JSON.parse(await readFile(file, "utf8")) as JWK;
  } catch {
    await mkdir(dir, { recursive: true });
    const pair = await generateKeyPair("RS256", { extractable: true });
    privateJwk = {
      ...(await exportJWK(pair.privateKey)),
      alg: "RS256",
      use: "sig",
      kid: `dev-${Date.now().toString(36)}`,
    };
    try {
      await writeFile(file, JSON.stringify(privateJwk), { mode: 0o600, flag: "wx" });
    } catch {
      // Another request created it first: use theirs, so every token shares one key.
      privateJwk = JSON.parse(await readFile(file, "utf8")) as JWK;
    }
  }
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
  const privateKey = (await importJWK(privateJwk, "RS256")) as CryptoKey;
  return { privateKey, publicJwk };
}

function devKeys(dir: string): Promise<DevKeys> {
  let keys = keysByDir.get(dir);
  if (!keys) {
    keys = readOrCreateKeys(dir);
    keysByDir.set(dir, keys);
    keys.catch(() => keysByDir.delete(dir));
  }
  return keys;
}

export async function devJwks(keyDir: string): Promise<{ keys: JWK[] }> {
  return { keys: [(await devKeys(keyDir)).publicJwk] };
}

export interface DevIdentity {
  email: string;
  name?: string;
}

export interface IssuedToken {
  token: string;
  /** ms since epoch */
  expiresAt: number;
}

/** A Convex token for this person: sub = e-mail, so tokenIdentifier = `${issuer}|${email}`. */
export async function issueDevToken(
  identity: DevIdentity,
  options: { issuer: string; keyDir: string; now?: number },
): Promise<IssuedToken> {
  const { privateKey, publicJwk } = await devKeys(options.keyDir);
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const exp = iat + DEV_TOKEN_TTL_SECONDS;
  const claims: Record<string, string> = { email: identity.email };
  if (identity.name) claims.name = identity.name;
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: publicJwk.kid!, typ: "JWT" })
    .setIssuer(options.issuer)
    .setAudience(DEV_TOKEN_AUDIENCE)
    .setSubject(identity.email)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(privateKey);
  return { token, expiresAt: exp * 1000 };
}
