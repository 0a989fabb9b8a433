import { describe, expect, it } from "vitest";
import { readableScopeModelKeys, scopeKey, scopeModelKey } from "./scope-key.ts";

describe("scope keys", () => {
  it("builds the combined filter values stored on chunks", () => {
    expect(scopeKey({ kind: "global" })).toBe("global");
    expect(scopeKey({ kind: "student", studentId: "abc" })).toBe("student:abc");
    expect(scopeModelKey("student:abc", "local-hash-v1")).toBe("student:abc|local-hash-v1");
    expect(readableScopeModelKeys(["a", "b"], "m")).toEqual([
      "global|m",
      "student:a|m",
      "student:b|m",
    ]);
  });
});
