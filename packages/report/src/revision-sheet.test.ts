// The revision sheet: key points read from the answer (no citation numbers, no closing
// invitation), and always one page, however long the answer.
import { extractText, getDocumentProxy } from "unpdf";
import { describe, expect, it } from "vitest";
import { keyPoints, renderRevisionSheet } from "./revision-sheet";

const base = {
  centreName: "Nexus Réussite",
  student: { firstName: "Théo", lastName: "Lambert" },
  subject: "maths" as const,
  question: "Quelle est l'équation de la tangente ?",
  sources: [{ title: "La dérivation", pageStart: 2, pageEnd: 3 }],
  date: Date.UTC(2026, 11, 1, 9),
};

describe("keyPoints", () => {
  it("keeps the content lines, without Markdown, [n] or ARIA's invitation", () => {
    expect(
      keyPoints(
        "D'après ta fiche « La dérivation » (p. 2) :\n- **y = f'(a)(x − a) + f(a)** [1]\n\nSi un point reste flou, dis-moi lequel.",
      ),
    ).toEqual(["y = f'(a)(x − a) + f(a)"]);
    expect(keyPoints("La dérivée de x² est 2x [1].\nRetiens : on dérive terme à terme.")).toEqual([
      "La dérivée de x² est 2x.",
      "Retiens : on dérive terme à terme.",
    ]);
  });
});

describe("renderRevisionSheet", () => {
  it("fits a long answer on one page, with the name, the date and the source pages", async () => {
    const long = Array.from(
      { length: 30 },
      (_, i) =>
        `Point ${i + 1} : ${"une phrase assez longue pour occuper toute une ligne de la fiche, et même un peu plus que cela. ".repeat(4)}`,
    ).join("\n");
    const bytes = await renderRevisionSheet({ ...base, answer: long });
    const pdf = await getDocumentProxy(bytes);
    expect(pdf.numPages).toBe(1);
    const { text } = await extractText(pdf, { mergePages: true });
    const flat = text.replace(/\s+/g, " ");
    expect(flat).toContain("Théo Lambert · 1er décembre 2026");
    expect(flat).toContain("La dérivation, p. 2–3");
    expect(flat).toContain("Point 1 :");
    // The key points that do not fit are left out, never a second page.
    expect(flat).not.toContain("Point 8 :");
  });

  it("refuses an empty answer with a French message", async () => {
    await expect(renderRevisionSheet({ ...base, answer: "  " })).rejects.toThrow(
      /Fiche de révision impossible/,
    );
  });
});
