// Benchmark: JavaScript shipped to each dashboard route, gzipped. Builds the app
// (`remix vite:build`), reads Remix's browser manifest and, per route, adds up the entry,
// root and route modules with every chunk they import (what a first visit downloads).
// Target (issue 10): ≤ 150 KB gzipped per dashboard route. Last stdout line: one JSON object.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const TARGET_KB = 150;
const webDir = join(import.meta.dir, "..");
const clientDir = join(webDir, "build", "client");

const build = Bun.spawnSync(["bunx", "remix", "vite:build"], {
  cwd: webDir,
  stdout: "ignore",
  stderr: "inherit",
});
if (build.exitCode !== 0) throw new Error(`remix vite:build exited with ${build.exitCode}`);

interface ManifestEntry {
  module: string;
  imports?: string[];
}
const manifestFile = readdirSync(join(clientDir, "assets")).find((f) => f.startsWith("manifest-"));
if (!manifestFile) throw new Error("no Remix browser manifest in build/client/assets");
const manifestText = readFileSync(join(clientDir, "assets", manifestFile), "utf8");
const manifest = JSON.parse(
  manifestText.slice(manifestText.indexOf("{"), manifestText.lastIndexOf("}") + 1),
) as { entry: ManifestEntry; routes: Record<string, ManifestEntry> };

const gzipCache = new Map<string, number>();
function gzipBytes(asset: string): number {
  let size = gzipCache.get(asset);
  if (size === undefined) {
    size = gzipSync(readFileSync(join(clientDir, asset))).byteLength;
    gzipCache.set(asset, size);
  }
  return size;
}

/** Everything a first visit to `routeId` downloads: entry, root, the route, their imports. */
function routeBytes(routeId: string): number {
  const assets = new Set<string>();
  for (const entry of [manifest.entry, manifest.routes.root, manifest.routes[routeId]]) {
    if (!entry) throw new Error(`route ${routeId} is not in the manifest`);
    assets.add(entry.module);
    for (const asset of entry.imports ?? []) assets.add(asset);
  }
  return [...assets].reduce((sum, asset) => sum + gzipBytes(asset), 0);
}

const dashboards = Object.keys(manifest.routes).filter((id) =>
  /^routes\/(eleve|parent|coach|admin)[._]/.test(id),
);
const routes = Object.fromEntries(
  dashboards.sort().map((id) => [id, Math.round((routeBytes(id) / 1024) * 10) / 10]),
);
const worstKb = Math.max(...Object.values(routes));
console.log(
  JSON.stringify({
    bench: "web bundle size (gzipped JS per dashboard route)",
    routesKb: routes,
    worstKb,
    targets: { maxKb: TARGET_KB },
    ok: worstKb <= TARGET_KB,
  }),
);
