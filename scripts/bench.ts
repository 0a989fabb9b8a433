#!/usr/bin/env bun
// `bun run bench`: runs every `apps/*/bench/*.bench.ts` and `packages/*/bench/*.bench.ts`
// with Bun, one after the other (2-core machine), and writes each one's JSON result
// (its last stdout line) to bench-results/, plus bench-results/summary.json.
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

const root = join(import.meta.dir, "..");
const outDir = join(root, "bench-results");
mkdirSync(outDir, { recursive: true });
const filter = process.argv[2];

const files: string[] = [];
for (const parent of ["apps", "packages"]) {
  for (const workspace of readdirSync(join(root, parent))) {
    const dir = join(root, parent, workspace, "bench");
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => n.endsWith(".bench.ts")).sort()) {
      const file = join(dir, name);
      if (!filter || file.includes(filter)) files.push(file);
    }
  }
}

const summary: Record<string, unknown> = {};
let crashed = 0;
for (const file of files) {
  const id = `${basename(join(file, "../.."))}-${basename(file, ".bench.ts")}`;
  console.log(`\n▶ ${id}`);
  const proc = Bun.spawn(["bun", file], { cwd: root, stdout: "pipe", stderr: "inherit" });
  const output = await new Response(proc.stdout).text();
  const code = await proc.exited;
  process.stdout.write(output);
  const last = output.trim().split("\n").at(-1) ?? "";
  try {
    if (code !== 0) throw new Error(`exit code ${code}`);
    const result = JSON.parse(last);
    summary[id] = result;
    writeFileSync(join(outDir, `${id}.json`), `${JSON.stringify(result, null, 2)}\n`);
  } catch (error) {
    crashed++;
    summary[id] = { error: error instanceof Error ? error.message : String(error) };
  }
}
writeFileSync(join(outDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
console.log(`\n${files.length} benchmarks, ${crashed} crashed. Results in bench-results/.`);
process.exit(crashed === 0 ? 0 : 1);
