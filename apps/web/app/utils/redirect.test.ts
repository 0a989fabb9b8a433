import { describe, expect, it } from "vitest";
import { safeRedirect, signInUrlFor } from "./redirect";

describe("safeRedirect", () => {
  it.each([
    ["/eleve/bilans/abc?onglet=rapport", "/eleve/bilans/abc?onglet=rapport"],
    ["//evil.example", "/app"],
    ["https://evil.example", "/app"],
    ["/\\evil.example", "/app"],
    [null, "/app"],
  ])("%s → %s", (input, expected) => {
    expect(safeRedirect(input)).toBe(expected);
  });
});

describe("signInUrlFor", () => {
  it("keeps the requested path and query", () => {
    expect(signInUrlFor(new Request("http://x/parent/bilans/b1?v=2"))).toBe(
      "/connexion?redirectTo=%2Fparent%2Fbilans%2Fb1%3Fv%3D2",
    );
  });
});
