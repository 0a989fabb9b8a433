import {
  API_KEY_ISSUER,
  generateServiceKeyPair,
  WORKER_ISSUER,
} from "@nexus/service-auth/service-tokens";
import { afterEach, describe, expect, it, vi } from "vitest";

async function providersWith(env: Record<string, string>) {
  vi.resetModules();
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  return (await import("./auth.config")).default.providers;
}

describe("auth.config", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("accepts dev sign-in tokens from a loopback issuer", async () => {
    const providers = await providersWith({
      DEV_AUTH_ISSUER: "http://127.0.0.1:3000/dev-auth",
      DEV_AUTH_JWKS_URL: "http://127.0.0.1:3000/dev-auth/jwks.json",
    });
    expect(providers).toEqual([
      expect.objectContaining({ type: "customJwt", issuer: "http://127.0.0.1:3000/dev-auth" }),
    ]);
  });

  it.each([
    [
      "a public issuer",
      "https://nexus-reussite.fr/dev-auth",
      "https://nexus-reussite.fr/jwks.json",
    ],
    ["a public JWKS", "http://localhost:3000/dev-auth", "https://evil.example/jwks.json"],
  ])("never enables dev sign-in with %s", async (_label, issuer, jwks) => {
    expect(await providersWith({ DEV_AUTH_ISSUER: issuer, DEV_AUTH_JWKS_URL: jwks })).toEqual([]);
  });

  it("configures Clerk from its issuer domain", async () => {
    const providers = await providersWith({
      CLERK_JWT_ISSUER_DOMAIN: "https://clerk.nexus-reussite.fr",
    });
    expect(providers).toEqual([
      { domain: "https://clerk.nexus-reussite.fr", applicationID: "convex" },
    ]);
  });

  it("verifies worker tokens and API-key sessions with public keys only, from data: URIs", async () => {
    const worker = await generateServiceKeyPair();
    const signing = await generateServiceKeyPair();
    const providers = await providersWith({
      WORKER_JWKS: JSON.stringify(worker.publicJwks),
      API_KEY_SIGNING_KEY: JSON.stringify(signing.privateJwk),
    });
    const jwksOf = (issuer: string) => {
      const provider = providers.find((p) => "issuer" in p && p.issuer === issuer) as
        | { jwks: string; algorithm: string; applicationID: string }
        | undefined;
      expect(provider).toMatchObject({ algorithm: "ES256", applicationID: "convex" });
      const uri = provider!.jwks;
      expect(uri.startsWith("data:text/plain;charset=utf-8;base64,")).toBe(true);
      return JSON.parse(atob(uri.slice(uri.indexOf(",") + 1)));
    };
    expect(jwksOf(WORKER_ISSUER)).toEqual(worker.publicJwks);
    const apiKeyJwks = jwksOf(API_KEY_ISSUER);
    expect(apiKeyJwks).toEqual(signing.publicJwks);
    expect(JSON.stringify(apiKeyJwks)).not.toContain(signing.privateJwk.d);
  });

  it("ignores malformed service keys instead of trusting anything", async () => {
    expect(await providersWith({ WORKER_JWKS: "{oops", API_KEY_SIGNING_KEY: "nope" })).toEqual([]);
  });
});
