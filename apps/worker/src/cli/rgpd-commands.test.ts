// `nexus-worker rgpd erase|export` and `retention run` with a fake staff API: French output,
// the dry run erases nothing, --yes confirms and waits for the job, flags are checked.
import { mkdtemp, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import type { AdminApi } from "./admin-api.ts";
import type { CommandDeps } from "./document-commands.ts";
import { registerRgpdCommands } from "./rgpd-commands.ts";

const ID = "k57abcdefabcdefabcdefabcdefabcd1";
const PLAN = {
  users: { deleted: 1, anonymised: 0, files: 0 },
  bilans: { deleted: 2, anonymised: 0, files: 1 },
  auditLogs: { deleted: 0, anonymised: 3, files: 0 },
};

function run(args: string[], fake: Partial<AdminApi["rgpd"]>) {
  const out: string[] = [];
  const calls: string[] = [];
  const rgpd = new Proxy(fake, {
    get(target, name: string) {
      calls.push(name);
      const fn = (target as Record<string, unknown>)[name];
      if (!fn) throw new Error(`appel inattendu : ${name}`);
      return fn;
    },
  });
  const deps = {
    io: {} as CommandDeps["io"],
    admin: () => ({ rgpd }) as unknown as AdminApi,
    print: (text: string) => out.push(text),
    printJson: (value: unknown) => out.push(JSON.stringify(value)),
  } satisfies CommandDeps;
  const program = new Command().exitOverride();
  registerRgpdCommands(program, deps);
  return {
    done: program.parseAsync(["node", "nexus-worker", ...args]),
    out,
    calls,
  };
}

describe("nexus-worker rgpd", () => {
  it("erase --dry-run prints the counts per table and erases nothing", async () => {
    const { done, out, calls } = run(["rgpd", "erase", ID, "--dry-run"], {
      planFor: async () => ({ subjectLabel: "Alice Martin (élève)", plan: PLAN }),
    });
    await done;
    expect(calls).toEqual(["planFor"]);
    expect(out[0]).toBe(
      "Simulation d’effacement pour Alice Martin (élève) (rien n’a été effacé) :",
    );
    expect(out[1]).toMatch(/DONNÉES\s+SUPPRIMÉES\s+ANONYMISÉES\s+FICHIERS/);
    // Tables under their French names, as /admin/rgpd shows them.
    expect(out[1]).toMatch(/Bilans\s+2\s+0\s+1/);
    expect(out[1]).not.toMatch(/^\s*bilans\s/m);
    expect(out[1]).toMatch(/total\s+3\s+3\s+1/);
  });

  it("erase --yes confirms, waits for the job and prints what it did", async () => {
    let reads = 0;
    const { done, out, calls } = run(["rgpd", "erase", ID, "--yes"], {
      requestErasure: async () => "req1" as never,
      confirmErasure: async () => "job1" as never,
      erasurePlan: async () =>
        ({
          request: {
            status: ++reads < 2 ? "running" : "done",
            subjectLabel: "personne-effacee-ab12",
          },
          plan: PLAN,
          done: PLAN,
        }) as never,
    });
    await done;
    expect(calls.slice(0, 2)).toEqual(["requestErasure", "confirmErasure"]);
    expect(out[0]).toBe(
      "Effacement terminé (pseudonyme dans le journal : personne-effacee-ab12) :",
    );
  });

  it("refuses erase without exactly one of --dry-run and --yes, and a malformed id", async () => {
    await expect(run(["rgpd", "erase", ID], {}).done).rejects.toThrow(/soit --dry-run/);
    await expect(run(["rgpd", "erase", ID, "--dry-run", "--yes"], {}).done).rejects.toThrow(
      /soit --dry-run/,
    );
    await expect(run(["rgpd", "erase", "x;y", "--dry-run"], {}).done).rejects.toThrow(
      /identifiant invalide/,
    );
  });

  it("retention run --dry-run prints each policy with what would go, outbox files included", async () => {
    const dir = await mkdtemp(join(tmpdir(), "outbox-"));
    const old = join(dir, "ancien.eml");
    await writeFile(old, "x");
    const longAgo = new Date(Date.now() - 31 * 24 * 60 * 60 * 1000);
    await utimes(old, longAgo, longAgo);
    await writeFile(join(dir, "recent.eml"), "y");
    const { done, out } = run(["retention", "run", "--dry-run", "--outbox", dir], {
      retentionOverview: async () =>
        ({
          policies: [
            { key: "auditLogs", label: "Journal d’audit", days: 365, after: "l’action" },
            { key: "outboxFiles", label: "Fichiers .eml", days: 30, after: "leur écriture" },
          ],
          preview: { auditLogs: 12 },
          runs: [],
        }) as never,
    });
    await done;
    expect(out[0]).toMatch(/^Simulation au .* \(rien n’a été supprimé\) :$/);
    expect(out[1]).toMatch(/Journal d’audit\s+365 j après l’action\s+12/);
    expect(out[1]).toMatch(/Fichiers \.eml\s+30 j après leur écriture\s+1/);
    // The dry run deleted nothing.
    const { readdir } = await import("node:fs/promises");
    expect((await readdir(dir)).sort()).toEqual(["ancien.eml", "recent.eml"]);
  });
});
