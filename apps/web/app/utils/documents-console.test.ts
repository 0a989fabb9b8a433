import { describe, expect, it } from "vitest";
import {
  documentStatusTone,
  fileRefusal,
  formatBytesFr,
  formatScoreFr,
  overallPercent,
  pagesLabelFr,
  titleFromFileName,
  uploadCaption,
  uploadMimeType,
} from "./documents-console";

const nbsp = /\u202f|\u00a0/g;

describe("uploadMimeType", () => {
  it.each([
    [{ name: "a.pdf", type: "application/pdf" }, "application/pdf"],
    [{ name: "a.PNG", type: "" }, "image/png"],
    [{ name: "scan.jpeg", type: "application/octet-stream" }, "image/jpeg"],
    [{ name: "a.webp", type: "image/webp" }, "image/webp"],
    [{ name: "a.docx", type: "application/vnd.openxmlformats" }, null],
    [{ name: "a.txt", type: "" }, null],
    [{ name: "a.pdf", type: "text/plain" }, null],
  ])("%o → %s", (file, expected) => {
    expect(uploadMimeType(file)).toBe(expected);
  });
});

describe("fileRefusal", () => {
  it("accepts a PDF under the limit", () => {
    expect(fileRefusal({ name: "a.pdf", type: "application/pdf", size: 1000 })).toBeNull();
  });
  it("refuses other formats, empty and oversized files in French", () => {
    expect(fileRefusal({ name: "a.txt", type: "text/plain", size: 10 })).toMatch(
      /Format non accepté/,
    );
    expect(fileRefusal({ name: "a.pdf", type: "application/pdf", size: 0 })).toBe(
      "Ce fichier est vide.",
    );
    expect(
      fileRefusal(
        { name: "a.pdf", type: "application/pdf", size: 3 * 1024 * 1024 },
        1024 * 1024,
      )?.replace(nbsp, " "),
    ).toBe("Fichier trop volumineux (3 Mo) : 1 Mo au plus.");
  });
});

describe("titleFromFileName", () => {
  it.each([
    ["cours_maths-suites.pdf", "cours maths suites"],
    ["Fiche  méthode.v2.PNG", "Fiche méthode.v2"],
    [".pdf", ".pdf"],
  ])("%s → %s", (name, title) => {
    expect(titleFromFileName(name)).toBe(title);
  });
});

describe("French formatting", () => {
  it.each([
    [1, "1 octet"],
    [512, "512 octets"],
    [1536, "1,5 Ko"],
    [20 * 1024 * 1024, "20 Mo"],
  ])("%d bytes → %s", (bytes, text) => {
    expect(formatBytesFr(bytes).replace(nbsp, " ")).toBe(text);
  });
  it("pages and scores", () => {
    expect(pagesLabelFr(3, 3)).toBe("page 3");
    expect(pagesLabelFr(3, 4)).toBe("pages 3 à 4");
    expect(formatScoreFr(0.03279)).toBe("0,033");
  });
  it("status tones", () => {
    expect(documentStatusTone("indexed")).toBe("success");
    expect(documentStatusTone("failed")).toBe("danger");
    expect(documentStatusTone("ocr")).toBe("progress");
    expect(documentStatusTone("uploaded")).toBe("neutral");
  });
});

describe("overallPercent and uploadCaption", () => {
  it.each([
    [{ phase: "sending", sent: 0, total: 0 }, 0],
    [{ phase: "sending", sent: 50, total: 100 }, 15],
    [{ phase: "sending", sent: 200, total: 100 }, 30],
    [{ phase: "registering", sent: 100, total: 100 }, 30],
    [{ phase: "refused", sent: 100, total: 100 }, 30],
    [{ phase: "ingesting", sent: 100, total: 100, status: "uploaded" }, 30],
    [{ phase: "ingesting", sent: 100, total: 100, status: "ocr", percent: 50 }, 65],
    [{ phase: "ingesting", sent: 100, total: 100, status: "embedding", percent: 140 }, 100],
    [{ phase: "ingesting", sent: 100, total: 100, status: "indexed", percent: 0 }, 100],
  ] as const)("%o → %d %%", (progress, percent) => {
    expect(overallPercent(progress)).toBe(percent);
  });
  it("captions each phase in French", () => {
    expect(uploadCaption({ phase: "sending", sent: 1024, total: 2048 }).replace(nbsp, " ")).toBe(
      "Envoi : 1 Ko sur 2 Ko",
    );
    expect(uploadCaption({ phase: "registering", sent: 1, total: 1 })).toBe(
      "Vérification du fichier…",
    );
    expect(uploadCaption({ phase: "ingesting", sent: 1, total: 1, status: "indexed" })).toBe(
      "Indexé",
    );
    expect(uploadCaption({ phase: "ingesting", sent: 1, total: 1 })).toBe(
      "En attente de traitement",
    );
  });
});
