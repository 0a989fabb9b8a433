import { describe, expect, it } from "vitest";
import {
  bilanStepTitle,
  formatConfidenceFr,
  formatCountFr,
  formatDurationFr,
  targetPath,
} from "./provenance";

describe("provenance wording", () => {
  it("formats durations in French", () => {
    expect(formatDurationFr(850)).toBe("850\u00A0ms");
    expect(formatDurationFr(4200)).toBe("4,2\u00A0s");
    expect(formatDurationFr(125_000)).toBe("2\u00A0min 05\u00A0s");
  });

  it("formats counts and OCR confidence", () => {
    expect(formatCountFr(1200)).toBe("1\u202F200");
    expect(formatConfidenceFr(91.54)).toBe("91,5\u00A0%");
    expect(formatConfidenceFr(undefined)).toBe("—");
  });

  it("titles each step", () => {
    expect(bilanStepTitle({ kind: "generation", status: "failed" })).toBe("Génération en échec");
    expect(bilanStepTitle({ kind: "pdf", final: true, version: 2 })).toBe("PDF final (version 2)");
    expect(bilanStepTitle({ kind: "pdf", final: false, version: 1 })).toBe(
      "PDF provisoire (version 1)",
    );
    expect(bilanStepTitle({ kind: "email", to: "a@b.fr", recipientName: "Paul" })).toBe(
      "E-mail à Paul",
    );
  });

  it("links a job's target to its provenance page", () => {
    expect(targetPath({ table: "bilans", id: "b1" })).toBe("/bilans/b1/historique");
    expect(targetPath({ table: "documents", id: "d1" })).toBe("/admin/documents/d1");
    expect(targetPath({ table: "autre", id: "x" })).toBeNull();
  });
});
