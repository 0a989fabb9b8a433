// JWT providers Convex accepts. Clerk in production (CLERK_JWT_ISSUER_DOMAIN);
// the dev sign-in of apps/web issues RS256 tokens verified as a custom JWT
// (DEV_AUTH_ISSUER + DEV_AUTH_JWKS_URL), and only when those are configured.
import type { AuthConfig } from "convex/server";

const providers: AuthConfig["providers"] = [];

if (process.env.CLERK_JWT_ISSUER_DOMAIN) {
  providers.push({ domain: process.env.CLERK_JWT_ISSUER_DOMAIN, applicationID: "convex" });
}

if (process.env.DEV_AUTH_ISSUER && process.env.DEV_AUTH_JWKS_URL) {
  providers.push({
    type: "customJwt",
    issuer: process.env.DEV_AUTH_ISSUER,
    jwks: process.env.DEV_AUTH_JWKS_URL,
    algorithm: "RS256",
    applicationID: "convex",
  });
}

export default { providers } satisfies AuthConfig;
