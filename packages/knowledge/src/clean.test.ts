import { describe, expect, it } from "vitest";
import { cleanPages, dehyphenate, normalizeWhitespace, removeRepeatedEdges } from "./clean.ts";

describe("dehyphenate", () => {
  it("joins words cut at a line end and keeps the rest of the line", () => {
    expect(dehyphenate("C'est un point impor-\ntant pour la suite.")).toBe(
      "C'est un point important\npour la suite.",
    );
  });

  it("keeps real compounds at a line end", () => {
    expect(dehyphenate("Il faut peut-\nêtre revoir celui-\nci.")).toBe(
      "Il faut peut-être\nrevoir celui-ci.\n",
    );
    expect(dehyphenate("un sous-\nensemble de la demi-\ndroite")).toBe(
      "un sous-ensemble\nde la demi-droite\n",
    );
    expect(dehyphenate("à Saint-\nÉtienne")).toBe("à Saint-Étienne\n");
  });

  it("prefers the spelling the document uses elsewhere", () => {
    const known = new Set(["porte-monnaie", "autoévaluation"]);
    expect(dehyphenate("un porte-\nmonnaie", known)).toBe("un porte-monnaie\n");
    expect(dehyphenate("une auto-\névaluation", known)).toBe("une autoévaluation\n");
  });

  it("leaves hyphens that are not at a line end and dashes alone", () => {
    expect(dehyphenate("x − 5 et la dérivée - voir plus loin")).toBe(
      "x − 5 et la dérivée - voir plus loin",
    );
  });
});

describe("normalizeWhitespace", () => {
  it("applies NFC, unifies spaces and line ends, and limits blank lines", () => {
    const decomposed = "e\u0301le\u0300ve"; // "élève" with combining accents
    const text = `  ${decomposed}\u00a0:\tbien\r\n\r\n\r\n\r\nsuite\u202f!  \u00ad`;
    const out = normalizeWhitespace(text);
    expect(out).toBe("élève : bien\n\nsuite !");
    expect(out.normalize("NFC")).toBe(out);
  });
});

describe("removeRepeatedEdges", () => {
  const page = (n: number, body: string) => ({
    page: n,
    text: `Lycée Victor Hugo — Chapitre 2\n${body}\nPage ${n} / 4`,
  });

  it("removes a header and a numbered footer repeated on most pages", () => {
    const pages = [1, 2, 3, 4].map((n) => page(n, `Contenu propre à la page ${n}.`));
    const out = removeRepeatedEdges(pages);
    expect(out.map((p) => p.text)).toEqual(
      [1, 2, 3, 4].map((n) => `Contenu propre à la page ${n}.`),
    );
  });

  it("keeps lines that repeat on too few pages or only in the middle of pages", () => {
    const pages = [
      { page: 1, text: "Introduction\nDéfinition\nFin" },
      { page: 2, text: "Suite\nDéfinition\nAutre fin" },
      { page: 3, text: "Encore\nDéfinition\nDernière" },
      { page: 4, text: "Introduction\nBilan\nConclusion" },
    ];
    expect(removeRepeatedEdges(pages)).toEqual(pages);
  });

  it("does nothing on a single page", () => {
    const pages = [{ page: 1, text: "Titre\nTexte\nPage 1 / 1" }];
    expect(removeRepeatedEdges(pages)).toEqual(pages);
  });
});

describe("cleanPages", () => {
  it("runs every step and keeps page numbers and extra fields", () => {
    const pages = [1, 2, 3].map((n) => ({
      page: n,
      source: "text" as const,
      text: `Fiche Nexus\nLa dérivée est un outil impor-\ntant (page ${n}).\n${n}`,
    }));
    const out = cleanPages(pages);
    expect(out.map((p) => p.page)).toEqual([1, 2, 3]);
    expect(out[0]).toEqual({
      page: 1,
      source: "text",
      text: "La dérivée est un outil important\n(page 1).",
    });
  });
});
