// Finds and loads the modules of a Convex functions folder the way the Convex
// CLI bundles them: every .ts/.js file, except `_generated` sources and files
// with more than one dot in their name (tests, auth.config.ts, *.d.ts…).
import { existsSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";

const MODULE_EXTENSIONS = [".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts"];

/** Whether a path relative to the functions folder is a deployable function module. */
export function isFunctionModulePath(relativePath: string): boolean {
  const parts = relativePath.split(/[\\/]/);
  const name = parts[parts.length - 1] ?? "";
  if (parts.some((part) => part === "node_modules" || part.startsWith("."))) return false;
  if (parts[0] === "_generated") return false;
  if (name.startsWith("#")) return false;
  const extension = MODULE_EXTENSIONS.find((ext) => name.endsWith(ext));
  if (extension === undefined) return false;
  const stem = name.slice(0, -extension.length);
  return stem.length > 0 && !stem.includes(".");
}

/** "lib/notes.ts" → "lib/notes" (the module path used in function names). */
export function modulePathOf(relativePath: string): string {
  return relativePath
    .split(sep)
    .join("/")
    .replace(/\.[^./]+$/, "");
}

function walk(dir: string, root: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, root, out);
    else if (entry.isFile()) out.push(relative(root, full));
  }
}

export interface FunctionsFolder {
  dir: string;
  /** Module path ("messages", "lib/notes") → absolute file. */
  files: Map<string, string>;
  /** What convex-test expects: file path → loader, including a `_generated` entry. */
  convexTestModules: Record<string, () => Promise<unknown>>;
  load(modulePath: string): Promise<Record<string, unknown>>;
}

export function scanFunctionsFolder(dir: string): FunctionsFolder {
  if (!existsSync(dir)) throw new Error(`The functions folder ${dir} does not exist.`);
  const all: string[] = [];
  walk(dir, dir, all);
  const files = new Map<string, string>();
  for (const rel of all.sort()) {
    if (isFunctionModulePath(rel)) files.set(modulePathOf(rel), join(dir, rel));
  }
  const cache = new Map<string, Promise<Record<string, unknown>>>();
  const load = (modulePath: string): Promise<Record<string, unknown>> => {
    const file = files.get(modulePath);
    if (file === undefined) {
      return Promise.reject(new Error(`Could not find module for: "${modulePath}"`));
    }
    let loaded = cache.get(modulePath);
    if (loaded === undefined) {
      loaded = import(pathToFileURL(file).href) as Promise<Record<string, unknown>>;
      cache.set(modulePath, loaded);
    }
    return loaded;
  };
  const convexTestModules: Record<string, () => Promise<unknown>> = {};
  const root = dir.endsWith(sep) ? dir : `${dir}${sep}`;
  for (const [modulePath, file] of files) {
    convexTestModules[file] = () => load(modulePath);
  }
  // convex-test locates the folder root through a path containing "_generated".
  convexTestModules[`${root}_generated/server.js`] = () =>
    Promise.reject(new Error("_generated modules are not function modules"));
  return { dir, files, convexTestModules, load };
}

/** Loads a module that is not a function module (auth.config.ts), if present. */
export async function loadOptionalModule(
  dir: string,
  fileStem: string,
): Promise<Record<string, unknown> | undefined> {
  for (const ext of [".ts", ".js", ".mjs"]) {
    const file = join(dir, `${fileStem}${ext}`);
    if (existsSync(file))
      return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  }
  return undefined;
}
