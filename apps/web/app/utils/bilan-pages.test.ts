import { roles } from "@nexus/shared/domain";
import { describe, expect, it } from "vitest";
import { bilanPagePath, bilanReportPath } from "./bilan-pages";

describe("bilan pages", () => {
  it("gives every role a page of its own space, the id escaped", () => {
    for (const role of roles) {
      expect(bilanPagePath(role, "12bilans")).toMatch(/^\/(eleve|parent|coach)\/bilans\/12bilans$/);
    }
    expect(bilanPagePath("parent", "a/b")).toBe("/parent/bilans/a%2Fb");
    expect(bilanReportPath("12bilans")).toBe("/rapport/12bilans");
  });
});
