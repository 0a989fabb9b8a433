import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { apiKeyHint, generateApiKey, hashApiKey, looksLikeApiKey } from "./api-keys.ts";
import {
  generateServiceKeyPair,
  jwksDataUri,
  mergeJwks,
  parsePrivateJwk,
  publicJwksOf,
  SERVICE_AUDIENCE,
  signWorkerToken,
  WORKER_ISSUER,
  WORKER_TOKEN_TTL_S,
} from "./service-tokens.ts";

describe("service tokens", () => {
  it("a worker token verifies against the public JWKS only, with issuer, audience and a short expiry", async () => {
    const { privateJwk, publicJwks } = await generateServiceKeyPair();
    expect(publicJwks.keys[0]).not.toHaveProperty("d");
    const { token, expiresAt } = await signWorkerToken(privateJwk, "vps-1");
    const { payload } = await jwtVerify(token, createLocalJWKSet(publicJwks), {
      issuer: WORKER_ISSUER,
      audience: SERVICE_AUDIENCE,
    });
    expect(payload.sub).toBe("worker:vps-1");
    expect(payload.exp! - payload.iat!).toBe(WORKER_TOKEN_TTL_S);
    expect(expiresAt).toBe(payload.exp! * 1000);
  });

  it("a token signed by another key is refused", async () => {
    const mine = await generateServiceKeyPair();
    const theirs = await generateServiceKeyPair(mine.privateJwk.kid);
    const { token } = await signWorkerToken(theirs.privateJwk, "intrus");
    await expect(jwtVerify(token, createLocalJWKSet(mine.publicJwks))).rejects.toThrow();
  });

  it("derives the same public JWKS from the private key and encodes it as a data: URI", async () => {
    const { privateJwk, publicJwks } = await generateServiceKeyPair();
    expect(publicJwksOf(privateJwk)).toEqual(publicJwks);
    const uri = jwksDataUri(publicJwks);
    const [meta, payload] = uri.slice(5).split(",");
    expect(meta).toBe("text/plain;charset=utf-8;base64");
    expect(JSON.parse(atob(payload!))).toEqual(publicJwks);
  });

  it("refuses configuration that is not an ES256 private key, in French", async () => {
    const { publicJwks, privateJwk } = await generateServiceKeyPair();
    expect(() => parsePrivateJwk("pas du json", "WORKER_PRIVATE_KEY")).toThrow(/JSON valide/);
    expect(() => parsePrivateJwk(JSON.stringify(publicJwks.keys[0]), "WORKER_PRIVATE_KEY")).toThrow(
      /clé privée JWK EC P-256/,
    );
    expect(parsePrivateJwk(JSON.stringify(privateJwk), "X")).toEqual(privateJwk);
    expect(decodeJwt((await signWorkerToken(privateJwk, "a")).token).iss).toBe(WORKER_ISSUER);
  });
});

describe("API keys", () => {
  it("are random, well formed, hashed to 64 hex characters and hinted without the secret", async () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a).not.toBe(b);
    expect(looksLikeApiKey(a)).toBe(true);
    expect(looksLikeApiKey(`${a}x`)).toBe(false);
    expect(looksLikeApiKey("nxr_court")).toBe(false);
    const hash = await hashApiKey(a);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await hashApiKey(a)).toBe(hash);
    expect(await hashApiKey(b)).not.toBe(hash);
    expect(apiKeyHint(a)).toBe(`${a.slice(0, 10)}…`);
  });
});

describe("mergeJwks (worker key rotation)", () => {
  it("holds each kid once, in order, and refuses private keys and keys without kid", async () => {
    const a = await generateServiceKeyPair("a");
    const b = await generateServiceKeyPair("b");
    expect(mergeJwks(a.publicJwks, b.publicJwks, a.publicJwks).keys.map((k) => k.kid)).toEqual([
      "a",
      "b",
    ]);
    expect(() => mergeJwks({ keys: [a.privateJwk] })).toThrow(/private key/);
    const { kid: _kid, ...noKid } = b.publicJwks.keys[0] ?? {};
    expect(() => mergeJwks({ keys: [noKid] })).toThrow(/kid/);
  });
});
