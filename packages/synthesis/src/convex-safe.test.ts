import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// Modules the Convex side may import (the demo seed writes its syntheses with
// generateSynthesis + LocalWriterProvider): no Node built-in, directly or
// through a local import, or a real Convex deployment would refuse to bundle.
const CONVEX_SAFE = [
  "generate.ts",
  "contracts.ts",
  "errors.ts",
  "grounding.ts",
  "domain-status.ts",
  "french.ts",
  "offers.ts",
  "local-writer-provider.ts",
  "local-writer.ts",
  "local-phrases.ts",
  "seeded-choice.ts",
  "study-plan.ts",
];

function imports(file: string): string[] {
  const source = readFileSync(new URL(`./${file}`, import.meta.url), "utf8");
  return [...source.matchAll(/^(?:import|export)[^"';]*?from\s+["']([^"']+)["']/gm)].map(
    (m) => m[1]!,
  );
}

describe("Convex-safe modules", () => {
  it.each(CONVEX_SAFE)("%s imports no Node built-in and only Convex-safe local modules", (file) => {
    const specifiers = imports(file);
    for (const specifier of specifiers) {
      expect(specifier).not.toMatch(/^node:|^(fs|path|os|crypto|child_process|module|url)$/);
      if (specifier.startsWith("./")) expect(CONVEX_SAFE).toContain(`${specifier.slice(2)}.ts`);
    }
  });

  it("catches a prompt module that reads files", () => {
    expect(imports("bilan-prompt.ts")).toContain("node:fs");
    expect(imports("local-provider.ts")).toContain("./bilan-prompt");
  });
});
