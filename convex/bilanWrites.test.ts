// @vitest-environment node
// Every write of the bilans table goes through model/bilanHeads.ts (insertBilan, patchBilan,
// deleteBilan), which keeps each bilan's head in the same transaction: a source scan of
// convex/ (tests aside) and of the centre generator fails on any other write of a bilan.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SCANNED = [join(ROOT, "convex"), join(ROOT, "packages/convex-local/bench/centre")];
const HELPER = "convex/model/bilanHeads.ts";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "_generated" ? [] : sourceFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") ? [path] : [];
  });
}

/**
 * Direct writes of a bilan: an insert into "bilans", or a patch/replace/delete whose id is a
 * bilan's (named like one: bilanId, bilan._id, world.bilans.own, args.bilanId…).
 */
function directBilanWrites(source: string): string[] {
  const out: string[] = [];
  const insert = /\.insert\(\s*"bilans"/g;
  const write = /\bdb\.(patch|replace|delete)\(\s*("bilans"|[\w.!]*[bB]ilan[\w.!]*)\s*[,)]/g;
  for (const m of source.matchAll(insert)) out.push(m[0]);
  for (const m of source.matchAll(write)) out.push(m[0]);
  return out;
}

describe("writes of the bilans table", () => {
  it("the scan finds a direct write of each kind (and not a write of another table)", () => {
    expect(directBilanWrites('await ctx.db.insert("bilans", { studentId })')).toHaveLength(1);
    expect(directBilanWrites("await ctx.db.patch(bilanId, { status })")).toHaveLength(1);
    expect(directBilanWrites("await ctx.db.patch(bilan._id, { status })")).toHaveLength(1);
    expect(directBilanWrites("await ctx.db.delete(world.bilans.own)")).toHaveLength(1);
    expect(directBilanWrites("await ctx.db.replace(args.bilanId, doc)")).toHaveLength(1);
    expect(directBilanWrites("await ctx.db.patch(session._id, { notes })")).toEqual([]);
    expect(directBilanWrites('await ctx.db.insert("bilanRevisions", { bilanId })')).toEqual([]);
  });

  it("no file under convex/ (or the centre generator) writes bilans but through model/bilanHeads.ts", () => {
    const offenders: string[] = [];
    for (const file of SCANNED.flatMap(sourceFiles)) {
      const name = relative(ROOT, file);
      if (name === HELPER) continue;
      for (const hit of directBilanWrites(readFileSync(file, "utf8"))) {
        offenders.push(`${name}: ${hit}`);
      }
    }
    expect(offenders, "use insertBilan / patchBilan / deleteBilan (model/bilanHeads.ts)").toEqual(
      [],
    );
  });
});
