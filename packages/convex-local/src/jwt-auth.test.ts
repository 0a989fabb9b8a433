import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { describe, expect, test } from "vitest";
import {
  AUTH_FAILURE_MESSAGE,
  AuthFailure,
  identityFromClaims,
  parseAuthConfig,
  TokenVerifier,
} from "./jwt-auth.ts";

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

  test("custom claims cannot override tokenIdentifier, subject, issuer or standard attributes", () => {
    expect(
      identityFromClaims({
        iss: "https://i",
        sub: "u1",
        tokenIdentifier: "https://i|admin",
        subject: "admin",
        issuer: "https://evil",
        email: "real@b.fr",
        pictureUrl: "https://custom",
        picture: "https://standard",
      }),
    ).toEqual({
      tokenIdentifier: "https://i|u1",
      subject: "u1",
      issuer: "https://i",
      email: "real@b.fr",
      pictureUrl: "https://standard",
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

  const refusal = async (token: string) =>
    verifier.verify(token).then(
      () => null,
      (error: unknown) => error,
    );

  test("refuses expired and foreign tokens: generic message, the reason in `detail`", async () => {
    const expired = await refusal(await sign("https://inline", Math.floor(Date.now() / 1000) - 60));
    expect(expired).toBeInstanceOf(AuthFailure);
    expect((expired as AuthFailure).message).toBe(AUTH_FAILURE_MESSAGE);
    expect((expired as AuthFailure).detail).toMatch(/Token expired/);
    const foreign = await refusal(await sign("https://other", "10m"));
    expect((foreign as AuthFailure).message).toBe(AUTH_FAILURE_MESSAGE);
    expect((foreign as AuthFailure).detail).toMatch(/No auth provider/);
  });

  test("refuses tokens without exp, or living longer than a day", async () => {
    const noExp = await new SignJWT({})
      .setProtectedHeader({ alg: "ES256", kid: "k" })
      .setIssuer("https://inline")
      .setSubject("s")
      .setIssuedAt()
      .sign(privateKey);
    expect(((await refusal(noExp)) as AuthFailure).detail).toMatch(/no `exp`/);
    expect(((await refusal(await sign("https://inline", "2d"))) as AuthFailure).detail).toMatch(
      /lifetime/,
    );
    // Without iat, the lifetime counts from now.
    const noIat = await new SignJWT({})
      .setProtectedHeader({ alg: "ES256", kid: "k" })
      .setIssuer("https://inline")
      .setSubject("s")
      .setExpirationTime("25h")
      .sign(privateKey);
    expect(((await refusal(noIat)) as AuthFailure).detail).toMatch(/lifetime/);
    expect((await verifier.verify(await sign("https://inline", "23h"))).expiresAt).toBeGreaterThan(
      Date.now() / 1000,
    );
  });

  test("claims named tokenIdentifier, subject or issuer do not change the identity", async () => {
    const forged = await new SignJWT({
      tokenIdentifier: "https://inline|admin",
      subject: "admin",
      issuer: "https://elsewhere",
    })
      .setProtectedHeader({ alg: "ES256", kid: "k" })
      .setIssuer("https://inline")
      .setSubject("s")
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(privateKey);
    const { identity } = await verifier.verify(forged);
    expect(identity.tokenIdentifier).toBe("https://inline|s");
    expect(identity.subject).toBe("s");
    expect(identity.issuer).toBe("https://inline");
  });
});
