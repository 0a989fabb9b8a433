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
});
