// Service credentials that are never function arguments. Two kinds of short-lived
// ES256 JWTs, verified by Convex as customJwt providers (convex/auth.config.ts):
// - worker tokens, signed by the worker with WORKER_PRIVATE_KEY; Convex holds only the
//   public half (WORKER_JWKS), so a leak of the deployment's env cannot mint worker calls;
// - API-key session tokens, signed by a Convex HTTP action (API_KEY_SIGNING_KEY) after it
//   checked a person's API key; their subject is the apiKeys row, checked on every call.
// Pure Web Crypto (jose): runs in Convex functions, Bun and Node alike.
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";

export type { JWK };

export const WORKER_ISSUER = "https://worker.nexus-reussite.invalid";
export const API_KEY_ISSUER = "https://api-keys.nexus-reussite.invalid";
export const SERVICE_AUDIENCE = "convex";
export const SERVICE_ALGORITHM = "ES256";

/** Lifetimes stay far below the one-day ceiling the runtime enforces. */
export const WORKER_TOKEN_TTL_S = 10 * 60;
export const API_KEY_TOKEN_TTL_S = 15 * 60;

export interface ServiceKeyPair {
  /** Private JWK (with `d`): stays with whoever signs. */
  privateJwk: JWK;
  /** Public JWKS: what a verifier needs. */
  publicJwks: { keys: JWK[] };
}

export async function generateServiceKeyPair(
  kid: string = crypto.randomUUID(),
): Promise<ServiceKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(SERVICE_ALGORITHM, { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SERVICE_ALGORITHM, use: "sig" };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SERVICE_ALGORITHM, use: "sig" };
  return { privateJwk, publicJwks: { keys: [publicJwk] } };
}

/** Parses a private JWK from configuration, with a message that says what is wrong. */
export function parsePrivateJwk(text: string, variable: string): JWK {
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw new Error(`${variable} n'est pas un JSON valide (clé privée JWK attendue).`);
  }
  const candidate = jwk as JWK;
  if (candidate?.kty !== "EC" || candidate.crv !== "P-256" || typeof candidate.d !== "string") {
    throw new Error(
      `${variable} doit être une clé privée JWK EC P-256 (ES256) avec son champ « d ».`,
    );
  }
  return candidate;
}

/** The public JWKS of a private JWK (EC: drop `d`). */
export function publicJwksOf(privateJwk: JWK): { keys: JWK[] } {
  const { d: _private, ...publicJwk } = privateJwk;
  return { keys: [publicJwk] };
}

/**
 * One JWKS holding the public keys of several sets, each kid once (first wins). During a
 * rotation of the worker key, WORKER_JWKS holds the old and the new public key: Convex picks
 * the key by the token's `kid`, so workers signing with either are accepted until the old
 * key is removed.
 */
export function mergeJwks(...sets: { keys: JWK[] }[]): { keys: JWK[] } {
  const keys: JWK[] = [];
  const seen = new Set<string>();
  for (const set of sets) {
    for (const key of set.keys) {
      if (typeof key.d === "string")
        throw new Error("mergeJwks: a private key has no place in a JWKS.");
      if (!key.kid) throw new Error("mergeJwks: every key needs a kid to be told apart.");
      if (seen.has(key.kid)) continue;
      seen.add(key.kid);
      keys.push(key);
    }
  }
  return { keys };
}

/** A `data:` URI carrying a JWKS, the form Convex accepts for a customJwt provider. */
export function jwksDataUri(jwks: { keys: JWK[] }): string {
  const bytes = new TextEncoder().encode(JSON.stringify(jwks));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `data:text/plain;charset=utf-8;base64,${btoa(binary)}`;
}

export async function signServiceToken(options: {
  privateJwk: JWK;
  issuer: string;
  subject: string;
  ttlSeconds: number;
  now?: number;
}): Promise<{ token: string; expiresAt: number }> {
  const key = await importJWK(options.privateJwk, SERVICE_ALGORITHM);
  const issuedAt = Math.floor((options.now ?? Date.now()) / 1000);
  const expiresAt = issuedAt + options.ttlSeconds;
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: SERVICE_ALGORITHM, kid: options.privateJwk.kid, typ: "JWT" })
    .setIssuer(options.issuer)
    .setAudience(SERVICE_AUDIENCE)
    .setSubject(options.subject)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(key);
  return { token, expiresAt: expiresAt * 1000 };
}

export function signWorkerToken(privateJwk: JWK, workerId: string) {
  return signServiceToken({
    privateJwk,
    issuer: WORKER_ISSUER,
    subject: `worker:${workerId}`,
    ttlSeconds: WORKER_TOKEN_TTL_S,
  });
}
