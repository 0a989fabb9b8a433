import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { isFunctionModulePath, modulePathOf, scanFunctionsFolder } from "./functions-folder.ts";

describe("function modules", () => {
  test.each([
    ["messages.ts", true],
    ["lib/notes.ts", true],
    ["http.js", true],
    ["auth.config.ts", false],
    ["messages.test.ts", false],
    ["types.d.ts", false],
    ["_generated/api.js", false],
    ["README.md", false],
    [".hidden.ts", false],
    ["node_modules/x/index.js", false],
  ])("%s → %s", (path, expected) => {
    expect(isFunctionModulePath(path)).toBe(expected);
  });

  test("module paths drop the extension", () => {
    expect(modulePathOf("lib/notes.ts")).toBe("lib/notes");
  });

  test("the fixture folder lists its function modules only", () => {
    const folder = scanFunctionsFolder(join(import.meta.dirname, "../test/fixture/convex"));
    expect([...folder.files.keys()].sort()).toEqual([
      "articles",
      "counters",
      "crons",
      "files",
      "http",
      "messages",
      "samples",
      "schema",
      "settings",
    ]);
    expect(Object.keys(folder.convexTestModules).some((key) => key.includes("_generated"))).toBe(
      true,
    );
  });

  test("a missing folder is a clear error", () => {
    expect(() => scanFunctionsFolder("/nonexistent/convex")).toThrow(/does not exist/);
  });
});
