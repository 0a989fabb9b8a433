// @vitest-environment node
// Convex bundles every function module with esbuild for its own (non-Node) runtime: a Node
// built-in imported anywhere, even through a workspace package, would break `convex deploy`.
// esbuild on the browser platform refuses Node built-ins, as Convex's bundler does.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { expect, it } from "vitest";

const convexDir = fileURLToPath(new URL(".", import.meta.url));

/** Deployed modules: no two-dot names (tests, configs, fixtures). */
function functionModules(): string[] {
  return readdirSync(convexDir)
    .filter((name) => /^[A-Za-z0-9_]+\.ts$/.test(name))
    .map((name) => join(convexDir, name));
}

async function bundleErrors(entryPoints: string[]): Promise<string[]> {
  try {
    await build({
      entryPoints,
      bundle: true,
      write: false,
      platform: "browser",
      format: "esm",
      logLevel: "silent",
      outdir: "out",
    });
    return [];
  } catch (error) {
    return ((error as { errors?: { text: string }[] }).errors ?? [{ text: String(error) }]).map(
      (e) => e.text,
    );
  }
}

it("bundles every function module without Node built-ins", async () => {
  const modules = functionModules();
  expect(modules.length).toBeGreaterThan(10);
  expect(await bundleErrors(modules)).toEqual([]);
}, 60_000);

it("would catch a module that imports a Node built-in", async () => {
  // This very file imports node:fs and friends.
  const errors = await bundleErrors([fileURLToPath(import.meta.url)]);
  expect(errors.join("\n")).toMatch(/node:|built into node|Could not resolve/i);
}, 60_000);
