import { describe, expect, it } from "vitest";
import { createProgressDisplay, plainLine, progressBar, progressLine } from "./ingest-progress.ts";

describe("ingestion progress", () => {
  it("draws a bar proportional to the percentage, clamped to 0–100", () => {
    expect(progressBar(50, 10)).toBe("[█████░░░░░]  50 %");
    expect(progressBar(-5, 4)).toBe("[░░░░]   0 %");
    expect(progressBar(140, 4)).toBe("[████] 100 %");
  });

  it("shows the stage message, the failure reason, and 100 % once indexed", () => {
    expect(progressLine("doc", { status: "ocr", percent: 40, message: "OCR (1/2)" }, 5)).toBe(
      "doc    [████████░░░░░░░░░░░░]  40 %  OCR (1/2)",
    );
    expect(progressLine("doc", { status: "indexed", percent: 92 }, 3)).toContain("100 %  indexé");
    expect(plainLine("doc", { status: "failed", error: "Le fichier est vide." })).toBe(
      "doc : échec : Le fichier est vide.",
    );
  });

  it("without a TTY prints one plain line per status change, never escape codes", () => {
    const out: string[] = [];
    const display = createProgressDisplay(["a", "b"], { isTTY: false, write: (t) => out.push(t) });
    display.update(0, { status: "extracting", percent: 0 });
    display.update(0, { status: "extracting", percent: 20 });
    display.update(1, { status: "uploaded" });
    display.update(0, { status: "indexed", percent: 100 });
    display.finish();
    expect(out).toEqual([
      "a : extraction du texte (0 %)\n",
      "b : en attente du worker\n",
      "a : indexé\n",
    ]);
  });

  it("on a TTY redraws every bar in place, within the terminal width", () => {
    const out: string[] = [];
    const display = createProgressDisplay(["premier", "second"], {
      isTTY: true,
      write: (t) => out.push(t),
      columns: 40,
    });
    display.update(0, { status: "chunking", percent: 65, message: "Découpage en extraits (1/2)" });
    display.update(1, { status: "indexed" });
    expect(out[0]!.startsWith("\x1b[2K")).toBe(true);
    expect(out[1]!.startsWith("\x1b[2F")).toBe(true);
    const lines = out[1]!.split("\n").filter(Boolean);
    expect(lines).toHaveLength(2);
    for (const line of lines)
      expect(line.replace("\x1b[2F", "").replace("\x1b[2K", "").length).toBeLessThanOrEqual(40);
    expect(lines[1]).toContain("100 %");
  });
});
