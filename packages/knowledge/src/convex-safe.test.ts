import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// Modules the Convex side (search action, upload mutations) may import: they
// must not pull Node built-ins, directly or through a local import.
const CONVEX_SAFE = [
  "sniff.ts",
  "errors.ts",
  "rank.ts",
  "embedder.ts",
  "embed.ts",
  "local-embedder.ts",
  "openai-embedder.ts",
  "text-features.ts",
  "tokenizer.ts",
  "scope-key.ts",
];

function imports(file: string): string[] {
  const source = readFileSync(new URL(`./${file}`, import.meta.url), "utf8");
  return [...source.matchAll(/^import[^"']*["']([^"']+)["']/gm)].map((m) => m[1]!);
}

describe("Convex-safe modules", () => {
  it.each(CONVEX_SAFE)("%s imports no Node built-in and only Convex-safe local modules", (file) => {
    for (const specifier of imports(file)) {
      expect(specifier).not.toMatch(/^node:|^(fs|path|os|crypto|child_process|module|url)$/);
      if (specifier.startsWith("./")) expect(CONVEX_SAFE).toContain(specifier.slice(2));
    }
  });
});
