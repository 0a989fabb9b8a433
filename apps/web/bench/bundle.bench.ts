// Benchmark: JavaScript shipped to each dashboard route, gzipped. Builds the app
// (`remix vite:build`), reads Remix's browser manifest and, per route, adds up the entry,
// root and route modules with every chunk they reach, static or lazy (`import()`, e.g. the
// score chart): everything a visit ends up downloading. Clerk's lazy chunk is left out: it
// loads only when the app runs with Clerk (components/clerk/clerk-lazy.tsx), never offline.
// Target (issue 10): ≤ 150 KB gzipped per dashboard route. Last stdout line: one JSON object.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const TARGET_KB = 150;
const CLERK_ONLY = /\/clerk-parts-[^/]+\.js$/;
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

/** Chunks a built module imports, statically or lazily (relative specifiers, minified code). */
function importsOf(asset: string): string[] {
  const code = readFileSync(join(clientDir, asset), "utf8");
  const dir = asset.slice(0, asset.lastIndexOf("/") + 1);
  const found: string[] = [];
  for (const match of code.matchAll(/(?:from|import)\s*\(?\s*["'](\.\.?\/[^"']+\.js)["']/g)) {
    found.push(new URL(match[1]!, `http://x${dir}`).pathname);
  }
  return found;
}

/** Everything a visit to `routeId` downloads: entry, root, the route, all they reach. */
function routeBytes(routeId: string): number {
  const assets = new Set<string>();
  const queue: string[] = [];
  for (const entry of [manifest.entry, manifest.routes.root, manifest.routes[routeId]]) {
    if (!entry) throw new Error(`route ${routeId} is not in the manifest`);
    queue.push(entry.module, ...(entry.imports ?? []));
  }
  for (let asset = queue.pop(); asset !== undefined; asset = queue.pop()) {
    if (assets.has(asset) || CLERK_ONLY.test(asset)) continue;
    assets.add(asset);
    queue.push(...importsOf(asset));
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
