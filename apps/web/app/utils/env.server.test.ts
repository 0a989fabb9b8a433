import { afterEach, describe, expect, it, vi } from "vitest";
import { authMode, convexMode, describeModes, parseEnv, publicEnv } from "./env.server";

const SECRET = "s".repeat(32);

/** A complete production environment: each test removes one variable. */
const PRODUCTION: Record<string, string | undefined> = {
  NODE_ENV: "production",
  CONVEX_URL: "https://convex.nexus-reussite.fr",
  SESSION_SECRET: SECRET,
  CLERK_PUBLISHABLE_KEY: "pk_live_Y2xlcmsubmV4dXMtcmV1c3NpdGUuZnIk",
  CLERK_SECRET_KEY: "sk_live_secret",
};

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
    expect(() => parseEnv({ ...PRODUCTION, SESSION_SECRET: undefined })).toThrow(/SESSION_SECRET/);
    expect(parseEnv(PRODUCTION).SESSION_SECRET).toBe(SECRET);
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

describe("production environment", () => {
  it("accepts a complete one", () => {
    expect(authMode(parseEnv(PRODUCTION))).toBe("clerk");
  });

  it.each([
    ["CONVEX_URL", /^Invalid web environment: CONVEX_URL: required in production$/],
    ["SESSION_SECRET", /^Invalid web environment: SESSION_SECRET: SESSION_SECRET is required/],
    ["CLERK_SECRET_KEY", /^Invalid web environment: CLERK_SECRET_KEY: CLERK_PUBLISHABLE_KEY and/],
  ])("without %s: one line naming it", (name, line) => {
    const error = (() => {
      try {
        parseEnv({ ...PRODUCTION, [name]: undefined });
      } catch (caught) {
        return caught as Error;
      }
      throw new Error("parseEnv accepted it");
    })();
    expect(error.message).toMatch(line);
    expect(error.message).not.toContain("\n");
  });

  it("refuses the dev sign-in (no Clerk keys) with NODE_ENV=production", () => {
    expect(() =>
      parseEnv({ ...PRODUCTION, CLERK_PUBLISHABLE_KEY: undefined, CLERK_SECRET_KEY: undefined }),
    ).toThrow(
      /^Invalid web environment: CLERK_PUBLISHABLE_KEY: required in production \(the dev sign-in is refused/,
    );
  });

  it("never puts a secret in the modes it logs", () => {
    const modes = JSON.stringify(describeModes(parseEnv(PRODUCTION)));
    expect(modes).not.toContain(SECRET);
    expect(modes).not.toContain("sk_live_secret");
    expect(describeModes(parseEnv(PRODUCTION))).toMatchObject({
      convex: "self-hosted",
      auth: "clerk",
    });
    expect(convexMode("https://happy-otter-123.convex.cloud")).toBe("cloud");
    expect(convexMode("http://127.0.0.1:3210")).toBe("local");
  });

  it("gives browsers CONVEX_PUBLIC_URL when set", () => {
    const env = parseEnv({
      ...PRODUCTION,
      CONVEX_URL: "http://backend:3210",
      CONVEX_PUBLIC_URL: "https://api.nexus.fr",
    });
    expect(publicEnv(env).CONVEX_URL).toBe("https://api.nexus.fr");
  });
});
