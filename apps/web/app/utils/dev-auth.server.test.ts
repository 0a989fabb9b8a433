import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  assertDevAuthAllowed,
  DEV_AUTH_REFUSED_IN_PRODUCTION,
  devJwks,
  issueDevToken,
} from "./dev-auth.server";

const ISSUER = "http://127.0.0.1:3000/dev-auth";

function keyDir() {
  return mkdtempSync(join(tmpdir(), "nxr-dev-auth-"));
}

describe("dev tokens", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("verify against the JWKS the web app serves, with every claim Convex needs", async () => {
    const dir = keyDir();
    vi.stubEnv("DEV_AUTH_KEY_DIR", dir);
    vi.stubEnv("NODE_ENV", "development");
    const { token, expiresAt } = await issueDevToken(
      { email: "camille.durand@demo.nexus-reussite.fr", name: "Camille Durand" },
      { issuer: ISSUER, keyDir: dir },
    );
    const { loader } = await import("~/routes/dev-auth.jwks[.]json");
    const served = await ((await loader()) as Response).json();
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(served), {
      issuer: ISSUER,
      audience: "convex",
      algorithms: ["RS256"],
    });
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload.sub).toBe("camille.durand@demo.nexus-reussite.fr");
    expect(payload.email).toBe("camille.durand@demo.nexus-reussite.fr");
    expect(payload.name).toBe("Camille Durand");
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(15 * 60);
    expect(payload.exp! * 1000).toBe(expiresAt);
    expect(JSON.stringify(served)).not.toMatch(/"d"|"p"|"q"/);
  });

  it("keeps one key pair per folder across restarts", async () => {
    const dir = keyDir();
    const first = await devJwks(dir);
    vi.resetModules();
    const again = await (await import("./dev-auth.server")).devJwks(dir);
    expect(again).toEqual(first);
  });

  it("refuses to start in production with one clear line", async () => {
    expect(() => assertDevAuthAllowed({ NODE_ENV: "production" })).toThrow(
      DEV_AUTH_REFUSED_IN_PRODUCTION,
    );
    expect(DEV_AUTH_REFUSED_IN_PRODUCTION).not.toContain("\n");
    expect(() => assertDevAuthAllowed({ NODE_ENV: "development" })).not.toThrow();
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("SESSION_SECRET", "x".repeat(32));
    vi.stubEnv("CONVEX_URL", "https://convex.nexus-reussite.fr");
    vi.stubEnv("DEV_AUTH_KEY_DIR", keyDir());
    const { loader } = await import("~/routes/dev-auth.jwks[.]json");
    // Refused before the route runs: production without Clerk keys is an invalid environment.
    await expect(loader()).rejects.toThrow(
      /CLERK_PUBLISHABLE_KEY: required in production \(the dev sign-in is refused with NODE_ENV=production\)/,
    );
  });

  it("issues tokens no older than their iat", async () => {
    const dir = keyDir();
    const now = Date.UTC(2026, 0, 5, 8, 0, 0);
    const { token } = await issueDevToken(
      { email: "a@b.fr" },
      { issuer: ISSUER, keyDir: dir, now },
    );
    expect(decodeJwt(token).iat).toBe(now / 1000);
  });
});
