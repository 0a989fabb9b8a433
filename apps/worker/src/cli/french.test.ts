// The CLI speaks French: the help of every command (commander's titles and default texts
// included), its parse errors, and the exit codes (2 for a usage error). In-process: no
// runtime is needed to parse arguments.
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { englishWordsIn } from "./english-words.test-helpers.ts";
import { frenchError } from "./french-commander.ts";
import { buildProgram, type CliIo, runCli } from "./program.ts";

function memoryIo() {
  const out = { stdout: "", stderr: "" };
  const io: CliIo = {
    env: {},
    stdout: (t) => {
      out.stdout += t;
    },
    stderr: (t) => {
      out.stderr += t;
    },
    isTTY: false,
    confirm: async () => false,
    startWorker: async () => 0,
  };
  return { io, out };
}

/** Every command path: ["jobs", "list"], ["students", "show"], … */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [path, ...commandPaths(sub, path)];
  });
}

const program = buildProgram(memoryIo().io);
const paths = commandPaths(program);
const commandWords = [...new Set(paths.flat())];

describe("French CLI", () => {
  it("knows the operator's commands", () => {
    const names = paths.map((p) => p.join(" "));
    for (const expected of [
      "students list",
      "students show",
      "bilans list",
      "bilans show",
      "jobs list",
      "jobs pause",
      "jobs resume",
      "jobs paused",
      "search",
    ]) {
      expect(names).toContain(expected);
    }
  });

  it.each(["", ...paths.map((p) => p.join(" "))])(
    "help of « nexus-worker %s » is in French",
    async (line) => {
      const { io, out } = memoryIo();
      const path = line ? line.split(" ") : [];
      expect(await runCli([...path, "--help"], io)).toBe(0);
      expect(out.stdout).toMatch(/^Utilisation : nexus-worker/);
      expect(englishWordsIn(out.stdout, commandWords)).toEqual([]);
    },
  );

  it.each([
    [["jobs", "lst"], /commande inconnue « lst »\n\(Vouliez-vous dire list \?\)/],
    [["jobs", "list", "--bogus"], /option inconnue « --bogus »/],
    [["jobs", "list", "--status", "bogus"], /valeur « bogus » refusée pour l’option/],
    [["jobs", "list", "--limit"], /l’option « --limit <n> » attend une valeur/],
    [["jobs", "show"], /argument obligatoire manquant « id »/],
    [["jobs", "show", "a", "b"], /trop d’arguments pour « show »/],
    [["jobs", "enqueue", "system.echo"], /l’option obligatoire « --payload <json> » est absente/],
    [["jobs", "pause", "nimporte"], /type inconnu « nimporte »/],
    [["students", "list", "--limit", "0"], /entier de 1 à 1000 attendu/],
    [["bilans", "list", "--status", "fini"], /statut de bilan inconnu/],
    [["jobs", "list", "--since", "hier"], /date invalide « hier »/],
  ])("%j is a usage error (exit 2) said in French", async (args, message) => {
    const { io, out } = memoryIo();
    expect(await runCli(args, io)).toBe(2);
    expect(out.stderr).toMatch(message);
    expect(englishWordsIn(out.stderr, commandWords)).toEqual([]);
  });

  it("the word list catches commander's English", () => {
    // The checker itself: English help would fail the tests above.
    expect(
      englishWordsIn("Usage: nexus-worker [options]\n  -h, --help  display help for command"),
    ).toEqual(expect.arrayContaining(["usage", "display", "for"]));
    expect(frenchError("error: unknown option '--x'")).toBe("erreur : option inconnue « --x »");
  });
});
