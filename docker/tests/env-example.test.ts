// .env.example (root) lists every variable the code reads, each with a comment, and nothing
// else; docker/.env.example lists every variable the compose files and deploy.ts use.
// "Reads" is found in the sources of apps/, packages/, convex/ and scripts/ (tests, benchmarks
// and generated code aside): process.env.X and process.env["X"], env.X on an environment
// record, the keys of zod schemas of the environment, envNumber("X")-style helpers and
// fromEnvOrFile(env, "X") (X and X_FILE).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REQUIRED_ENV } from "../scripts/deploy-plan.ts";

const root = join(import.meta.dirname, "../..");
const SKIPPED_DIRS = new Set([
  "node_modules",
  "_generated",
  "build",
  "dist",
  "tests",
  "test",
  "bench",
  "e2e",
]);

/** Names that look like variables but are not: a field of publicEnv, CI's own flag. */
const NOT_VARIABLES = new Set(["AUTH_MODE", "CI"]);
/** In .env.example though no source file names them: read by a library (Clerk's SDK). */
const READ_BY_LIBRARIES = new Set(["CLERK_JWT_KEY", "CLERK_API_URL"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIPPED_DIRS.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    if (!/\.tsx?$/.test(name) || /\.test\.tsx?$/.test(name)) return [];
    if (/test-helpers|fixtures|test\.setup/.test(name)) return [];
    return [path];
  });
}

function variablesRead(text: string): Set<string> {
  const names = new Set<string>();
  const patterns = [
    /process\.env(?:\.([A-Z][A-Z0-9_]+)|\[\s*["'`]([A-Z][A-Z0-9_]+)["'`]\s*\])/g,
    /\benv(?:\.([A-Z][A-Z0-9_]+)|\[\s*["'`]([A-Z][A-Z0-9_]+)["'`]\s*\])/g,
    /\b\w*[eE]nv\w*\(\s*"([A-Z][A-Z0-9_]{2,})"/g,
  ];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) names.add((match[1] ?? match[2]) as string);
  }
  if (/z\.object\(/.test(text)) {
    for (const match of text.matchAll(/^\s+([A-Z][A-Z0-9_]{2,}):\s/gm))
      names.add(match[1] as string);
  }
  for (const match of text.matchAll(/fromEnvOrFile\(\s*\w+,\s*"([A-Z][A-Z0-9_]+)"/g)) {
    names.add(match[1] as string);
    names.add(`${match[1]}_FILE`);
  }
  for (const name of NOT_VARIABLES) names.delete(name);
  return names;
}

/** NAME= lines of an example file, each with the comment block just above it (or null). */
function exampleEntries(text: string): Map<string, string | null> {
  const entries = new Map<string, string | null>();
  let comment: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const variable = /^#?\s*([A-Z][A-Z0-9_]+)=/.exec(line);
    if (variable && !/^#\s*-{2,}/.test(line)) {
      entries.set(variable[1] as string, comment.length > 0 ? comment.join(" ") : null);
      continue;
    }
    if (line.startsWith("#") && !/^#\s*-{2,}/.test(line)) comment.push(line.replace(/^#\s*/, ""));
    else if (line === "" || /^#\s*-{2,}/.test(line)) comment = [];
  }
  return entries;
}

const readInCode = new Set(
  ["apps", "packages", "convex", "scripts"].flatMap((dir) =>
    sourceFiles(join(root, dir)).flatMap((file) => [...variablesRead(readFileSync(file, "utf8"))]),
  ),
);
const rootExample = exampleEntries(readFileSync(join(root, ".env.example"), "utf8"));

describe(".env.example", () => {
  it("finds the variables the code reads (the scanner works)", () => {
    for (const name of ["CONVEX_URL", "WORKER_PRIVATE_KEY_FILE", "LLM_TPM", "ALERT_MIN_FAILURES"]) {
      expect(readInCode.has(name), name).toBe(true);
    }
    expect(variablesRead('const x = process.env["A_B"]; env.C_D; envNumber("E_F");')).toEqual(
      new Set(["A_B", "C_D", "E_F"]),
    );
  });

  it("lists every variable the code reads", () => {
    const missing = [...readInCode].filter((name) => !rootExample.has(name)).sort();
    expect(missing).toEqual([]);
  });

  it("lists nothing the code does not read", () => {
    const stale = [...rootExample.keys()]
      .filter((name) => !readInCode.has(name) && !READ_BY_LIBRARIES.has(name))
      .sort();
    expect(stale).toEqual([]);
  });

  it("explains every variable with a comment", () => {
    const bare = [...rootExample].filter(([, comment]) => !comment).map(([name]) => name);
    expect(bare).toEqual([]);
  });
});

describe("docker/.env.example", () => {
  const dockerExample = exampleEntries(readFileSync(join(root, "docker/.env.example"), "utf8"));

  it("lists every variable the compose files interpolate and deploy.ts requires", () => {
    const used = new Set<string>();
    for (const file of ["docker-compose.yml", "docker-compose.cloud.yml"]) {
      const text = readFileSync(join(root, "docker", file), "utf8");
      for (const match of text.matchAll(/\$\{([A-Z][A-Z0-9_]+)/g)) used.add(match[1] as string);
    }
    for (const name of [
      ...REQUIRED_ENV["self-hosted"],
      ...REQUIRED_ENV.cloud,
      "ADMIN_EMAIL",
      "WORKER_REPLICAS",
    ]) {
      used.add(name);
    }
    expect([...used].filter((name) => !dockerExample.has(name)).sort()).toEqual([]);
  });
});
