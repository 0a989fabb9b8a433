// JWT providers Convex accepts. Clerk in production (CLERK_JWT_ISSUER_DOMAIN); the dev
// sign-in of apps/web issues RS256 tokens verified as a custom JWT (DEV_AUTH_ISSUER +
// DEV_AUTH_JWKS_URL). Dev sign-in can never be enabled in production: its issuer and JWKS
// must be loopback URLs (a developer's machine), anything else is ignored.
import type { AuthConfig } from "convex/server";

function isLoopbackUrl(value: string): boolean {
  try {
    const { hostname } = new URL(value);
    return hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]";
  } catch {
    return false;
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

export default { providers } satisfies AuthConfig;
