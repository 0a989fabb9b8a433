#!/usr/bin/env bun
// `bun run build`: the production artefacts, exactly what the Docker images run.
// - apps/web/build: the Remix app (`remix vite:build`) and its server build/server.js
//   (apps/web/server.ts bundled; npm packages stay in node_modules);
// - apps/worker/dist: the worker and CLI in one Bun bundle (dist/bin/nexus-worker.js) plus the
//   files it reads beside itself (dist/prompts, the synthesis prompts). Packages that load files
//   or native code from their own folder at run time stay external and come from node_modules:
//   tesseract.js (spawns its worker script, reads its WASM core), the @tesseract.js-data language
//   packs (fra, eng), @napi-rs/canvas (native), unpdf (pdf.js) and dejavu-fonts-ttf.
// `--only web|worker` builds one. Prints the time and the size of each artefact.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const only = process.argv.includes("--only")
  ? process.argv[process.argv.indexOf("--only") + 1]
  : null;

/** Resolved at run time from node_modules (see above); the Dockerfile installs them. */
export const WORKER_EXTERNALS = [
  "tesseract.js",
  "@tesseract.js-data/*",
  "@napi-rs/canvas",
  "unpdf",
  "dejavu-fonts-ttf",
] as const;

function sizeOf(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((total, name) => total + sizeOf(join(path, name)), 0);
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

async function step(label: string, run: () => Promise<void>) {
  const started = performance.now();
  await run();
  console.log(`✔ ${label} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

async function buildWeb() {
  const proc = Bun.spawn(["bunx", "remix", "vite:build"], {
    cwd: join(root, "apps/web"),
    stdout: "inherit",
    stderr: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if ((await proc.exited) !== 0) throw new Error("remix vite:build failed");
  // The server (apps/web/server.ts) beside the build; npm packages come from node_modules.
  const server = await Bun.build({
    entrypoints: [join(root, "apps/web/server.ts")],
    outdir: join(root, "apps/web/build"),
    naming: "server.js",
    target: "bun",
    packages: "external",
  });
  if (!server.success) {
    for (const log of server.logs) console.error(log);
    throw new Error("bun build of apps/web/server.ts failed");
  }
  const build = join(root, "apps/web/build");
  console.log(
    `  apps/web/build: client ${mb(sizeOf(join(build, "client")))}, server ${mb(sizeOf(join(build, "server")))}`,
  );
}

async function buildWorker() {
  const dist = join(root, "apps/worker/dist");
  rmSync(dist, { recursive: true, force: true });
  const result = await Bun.build({
    entrypoints: [join(root, "apps/worker/bin/nexus-worker.ts")],
    outdir: join(dist, "bin"),
    target: "bun",
    minify: { syntax: true, whitespace: true },
    // Identifiers are kept (no name mangling), so stacks in job errors stay readable without maps.
    external: [...WORKER_EXTERNALS],
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    throw new Error("bun build of the worker failed");
  }
  // bilan-prompt.ts reads `../prompts/<version>.<part>.md` relative to the module: beside the bundle.
  mkdirSync(join(dist, "prompts"), { recursive: true });
  cpSync(join(root, "packages/synthesis/prompts"), join(dist, "prompts"), { recursive: true });
  // dist/package.json: the externals at the exact versions built against. The worker image
  // installs only these (`bun install --production` in dist/), not the whole workspace.
  writeFileSync(
    join(dist, "package.json"),
    `${JSON.stringify({ name: "nexus-worker-dist", private: true, type: "module", dependencies: externalVersions() }, null, 2)}\n`,
  );
  lockExternals(dist);
  const bundle = join(dist, "bin", "nexus-worker.js");
  if (!existsSync(bundle)) throw new Error(`${bundle} was not written`);
  console.log(`  apps/worker/dist: bundle ${mb(statSync(bundle).size)}, total ${mb(sizeOf(dist))}`);
}

/** "@tesseract.js-data/*" → every installed package of that scope, each at its installed version. */
export function externalVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  const modules = join(root, "node_modules");
  for (const pattern of WORKER_EXTERNALS) {
    const names = pattern.endsWith("/*")
      ? readdirSync(join(modules, pattern.slice(0, -2))).map((n) => `${pattern.slice(0, -2)}/${n}`)
      : [pattern];
    for (const name of names) {
      const manifest = JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8"));
      out[name] = manifest.version;
    }
  }
  return out;
}

/**
 * dist/bun.lock: the externals' whole dependency tree, resolved once here so that the image
 * (`bun install --production --frozen-lockfile`) and the production test install the same
 * packages. Resolved in a temporary folder: bun must not see the workspace around dist/.
 */
function lockExternals(dist: string) {
  const scratch = mkdtempSync(join(tmpdir(), "nexus-worker-lock-"));
  try {
    cpSync(join(dist, "package.json"), join(scratch, "package.json"));
    const lock = Bun.spawnSync(["bun", "install", "--lockfile-only", "--save-text-lockfile"], {
      cwd: scratch,
      stdout: "pipe",
      stderr: "pipe",
    });
    if (lock.exitCode !== 0) {
      throw new Error(`bun install --lockfile-only failed: ${lock.stderr.toString()}`);
    }
    cpSync(join(scratch, "bun.lock"), join(dist, "bun.lock"));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const started = performance.now();
if (!only || only === "web") await step("web (apps/web/build)", buildWeb);
if (!only || only === "worker") await step("worker (apps/worker/dist)", buildWorker);
console.log(`build done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
