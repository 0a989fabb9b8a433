import { afterEach, describe, expect, it, vi } from "vitest";
import { authMode, parseEnv, publicEnv } from "./env.server";

const SECRET = "s".repeat(32);

describe("getEnv", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("defaults CONVEX_URL to the local runtime", async () => {
    vi.stubEnv("CONVEX_URL", undefined as unknown as string);
    const { getEnv } = await import("./env.server");
    expect(getEnv().CONVEX_URL).toBe("http://127.0.0.1:3210");
  });

  it("refuses an invalid CONVEX_URL with a message naming it", async () => {
    vi.stubEnv("CONVEX_URL", "not a url");
    const { getEnv } = await import("./env.server");
    expect(() => getEnv()).toThrow(/CONVEX_URL/);
  });
});

describe("parseEnv", () => {
  it("requires SESSION_SECRET in production", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(/SESSION_SECRET/);
    expect(parseEnv({ NODE_ENV: "production", SESSION_SECRET: SECRET }).SESSION_SECRET).toBe(
      SECRET,
    );
  });

  it("refuses a short SESSION_SECRET", () => {
    expect(() => parseEnv({ SESSION_SECRET: "court" })).toThrow(/SESSION_SECRET/);
  });

  it("refuses half a Clerk configuration", () => {
    expect(() => parseEnv({ CLERK_PUBLISHABLE_KEY: "pk_test_x" })).toThrow(/CLERK_SECRET_KEY/);
  });

  it("treats empty variables as unset", () => {
    const env = parseEnv({ CLERK_PUBLISHABLE_KEY: "", CLERK_SECRET_KEY: "", CONVEX_URL: "" });
    expect(authMode(env)).toBe("dev");
    expect(env.CONVEX_URL).toBe("http://127.0.0.1:3210");
  });
});

describe("authMode", () => {
  it("is Clerk with both keys, else the dev sign-in", () => {
    expect(authMode(parseEnv({}))).toBe("dev");
    expect(
      authMode(parseEnv({ CLERK_PUBLISHABLE_KEY: "pk_live_x", CLERK_SECRET_KEY: "sk_live_x" })),
    ).toBe("clerk");
  });
});

describe("publicEnv", () => {
  it("never gives the browser a secret", () => {
    const env = parseEnv({
      SESSION_SECRET: SECRET,
      CLERK_PUBLISHABLE_KEY: "pk_live_x",
      CLERK_SECRET_KEY: "sk_live_secret",
    });
    const exposed = JSON.stringify(publicEnv(env));
    expect(exposed).not.toContain("sk_live_secret");
    expect(exposed).not.toContain(SECRET);
    expect(Object.keys(publicEnv(env)).sort()).toEqual([
      "AUTH_MODE",
      "CLERK_PUBLISHABLE_KEY",
      "CONVEX_URL",
    ]);
  });
});
