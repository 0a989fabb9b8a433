// JWT providers Convex accepts:
// - Clerk in production (CLERK_JWT_ISSUER_DOMAIN);
// - the dev sign-in of apps/web (RS256, DEV_AUTH_ISSUER + DEV_AUTH_JWKS_URL). It can never be
//   enabled in production: its issuer and JWKS must be loopback URLs, anything else is ignored;
// - the worker's service tokens (ES256), verified with WORKER_JWKS: the worker holds the
//   private key, the deployment only the public one;
// - API-key session tokens, minted by the /auth/api-key/token HTTP action with
//   API_KEY_SIGNING_KEY and verified with its public half.
// Service JWKS are `data:` URIs, so verifying them never needs the network.
import {
  API_KEY_ISSUER,
  jwksDataUri,
  publicJwksOf,
  SERVICE_ALGORITHM,
  SERVICE_AUDIENCE,
  WORKER_ISSUER,
} from "@nexus/service-auth/service-tokens";
import type { AuthConfig } from "convex/server";

function isLoopbackUrl(value: string): boolean {
  try {
    const { hostname } = new URL(value);
    return hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]";
  } catch {
    return false;
  }
}

/** A JWKS from an env var (JSON), or null when unset or malformed: a bad value disables the provider. */
function jwksFromEnv(text: string | undefined, privateKey: boolean) {
  if (!text) return null;
  try {
    const parsed = JSON.parse(text);
    return privateKey ? publicJwksOf(parsed) : parsed;
  } catch {
    return null;
  }
}

const providers: AuthConfig["providers"] = [];

if (process.env.CLERK_JWT_ISSUER_DOMAIN) {
  providers.push({ domain: process.env.CLERK_JWT_ISSUER_DOMAIN, applicationID: "convex" });
}

const devIssuer = process.env.DEV_AUTH_ISSUER;
const devJwks = process.env.DEV_AUTH_JWKS_URL;
if (devIssuer && devJwks && isLoopbackUrl(devIssuer) && isLoopbackUrl(devJwks)) {
  providers.push({
    type: "customJwt",
    issuer: devIssuer,
    jwks: devJwks,
    algorithm: "RS256",
    applicationID: "convex",
  });
}

const serviceProviders: [issuer: string, jwks: ReturnType<typeof jwksFromEnv>][] = [
  [WORKER_ISSUER, jwksFromEnv(process.env.WORKER_JWKS, false)],
  [API_KEY_ISSUER, jwksFromEnv(process.env.API_KEY_SIGNING_KEY, true)],
];
for (const [issuer, jwks] of serviceProviders) {
  if (!jwks) continue;
  providers.push({
    type: "customJwt",
    issuer,
    jwks: jwksDataUri(jwks),
    algorithm: SERVICE_ALGORITHM,
    applicationID: SERVICE_AUDIENCE,
  });
}

export default { providers } satisfies AuthConfig;
