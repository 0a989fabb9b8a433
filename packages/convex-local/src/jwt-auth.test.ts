import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { describe, expect, test } from "vitest";
import { AuthFailure, identityFromClaims, parseAuthConfig, TokenVerifier } from "./jwt-auth.ts";

describe("auth.config.ts parsing", () => {
  test("both provider kinds, and a missing config", () => {
    expect(
      parseAuthConfig({
        providers: [
          { domain: "https://clerk.example", applicationID: "convex" },
          { type: "customJwt", issuer: "https://i", jwks: "https://i/jwks", algorithm: "RS256" },
        ],
      }),
    ).toEqual([
      { kind: "oidc", domain: "https://clerk.example", applicationID: "convex" },
      { kind: "customJwt", issuer: "https://i", jwks: "https://i/jwks", algorithm: "RS256" },
    ]);
    expect(parseAuthConfig(undefined)).toEqual([]);
  });

  test("an invalid provider is refused with a clear message", () => {
    expect(() =>
      parseAuthConfig({
        providers: [{ type: "customJwt", issuer: "x", jwks: "y", algorithm: "HS256" }],
      }),
    ).toThrow(/Invalid auth.config.ts/);
  });
});

describe("identity from claims", () => {
  test("standard claims map to UserIdentity names; custom claims are kept", () => {
    expect(
      identityFromClaims({
        iss: "https://i",
        sub: "u1",
        aud: "convex",
        exp: 1,
        email: "a@b.fr",
        email_verified: true,
        given_name: "Léa",
        picture: "https://p",
        role: "coach",
      }),
    ).toEqual({
      tokenIdentifier: "https://i|u1",
      subject: "u1",
      issuer: "https://i",
      email: "a@b.fr",
      emailVerified: true,
      givenName: "Léa",
      pictureUrl: "https://p",
      role: "coach",
    });
  });

  test("a token without subject is refused", () => {
    expect(() => identityFromClaims({ iss: "https://i" })).toThrow(AuthFailure);
  });
});

describe("TokenVerifier with an inline (data: URI) JWKS", async () => {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), alg: "ES256", kid: "k" }] };
  const verifier = new TokenVerifier(
    parseAuthConfig({
      providers: [
        {
          type: "customJwt",
          issuer: "https://inline",
          jwks: `data:text/plain;charset=utf-8;base64,${Buffer.from(JSON.stringify(jwks)).toString("base64")}`,
          algorithm: "ES256",
        },
      ],
    }),
  );
  const sign = (issuer: string, exp: number | string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: "ES256", kid: "k" })
      .setIssuer(issuer)
      .setSubject("s")
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(privateKey);

  test("accepts a valid token", async () => {
    const verified = await verifier.verify(await sign("https://inline", "10m"));
    expect(verified.identity.tokenIdentifier).toBe("https://inline|s");
    expect(verified.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });

  test("refuses expired and foreign tokens", async () => {
    await expect(
      verifier.verify(await sign("https://inline", Math.floor(Date.now() / 1000) - 60)),
    ).rejects.toThrow(/Token expired/);
    await expect(verifier.verify(await sign("https://other", "10m"))).rejects.toThrow(
      /No auth provider/,
    );
  });
});
