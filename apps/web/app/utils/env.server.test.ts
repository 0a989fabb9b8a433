import { afterEach, describe, expect, it, vi } from "vitest";

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
