import { describe, expect, it } from "vitest";
import { fakeMeasurer } from "./fake-measurer";
import { wrapCell, wrapRuns, wrapText } from "./wrap";

// With the fake measurer at size 10, a regular character is exactly 5 pt wide.
const SIZE = 10;
const lineWidth = (line: string) => fakeMeasurer.width(line, "regular", SIZE);

const sample =
  "Zoé montre de réelles qualités en algèbre : le calcul est sûr et les raisonnements sont bien rédigés. La dérivation reste fragile.";

describe("wrapText", () => {
  it.each([40, 60, 100, 150, 333])("never exceeds a %i pt column", (width) => {
    const lines = wrapText(sample, width, "regular", SIZE, fakeMeasurer);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(lineWidth(line)).toBeLessThanOrEqual(width);
    // Breaking loses no character except the spaces it breaks at.
    const squash = (s: string) => s.replace(/ /g, "");
    expect(squash(lines.join(""))).toBe(squash(sample));
    expect(lines.every((l) => l === l.trim())).toBe(true);
  });

  it("breaks between words when every word fits", () => {
    const lines = wrapText(sample, 150, "regular", SIZE, fakeMeasurer);
    expect(lines.join(" ")).toBe(sample);
  });

  it("fills lines greedily", () => {
    expect(wrapText("aa bb cc dd", 25, "regular", SIZE, fakeMeasurer)).toEqual(["aa bb", "cc dd"]);
  });

  it("cuts an over-long word without a hyphen and keeps every character", () => {
    const word = "anticonstitutionnellement";
    const lines = wrapText(`Mot ${word} fin`, 50, "regular", SIZE, fakeMeasurer);
    expect(lines).toEqual(["Mot", "anticonsti", "tutionnell", "ement fin"]);
    expect(lines.some((l) => l.includes("-"))).toBe(false);
  });

  it("honours explicit newlines and keeps empty lines", () => {
    expect(wrapText("un\n\ndeux", 200, "regular", SIZE, fakeMeasurer)).toEqual(["un", "", "deux"]);
  });

  it("never breaks at a non-breaking space", () => {
    const text = "aaaa bbbb\u00A0:\u00A0cccc";
    expect(wrapText(text, 60, "regular", SIZE, fakeMeasurer)).toEqual([
      "aaaa",
      "bbbb\u00A0:\u00A0cccc",
    ]);
  });

  it("returns one empty line for empty text", () => {
    expect(wrapText("", 100, "regular", SIZE, fakeMeasurer)).toEqual([""]);
  });
});

describe("wrapRuns", () => {
  it("measures each run in its own font and glues pieces not separated by a space", () => {
    const lines = wrapRuns(
      [
        { text: "Algèbre", font: "bold" },
        { text: "s : très bien", font: "regular" },
      ],
      60,
      SIZE,
      fakeMeasurer,
    );
    // "Algèbres" is one word (bold + regular pieces): 7 × 6 + 5 = 47 pt.
    expect(lines[0]!.fragments.map((f) => f.text)).toEqual(["Algèbre", "s :"]);
    expect(lines[0]!.fragments[1]!.x).toBe(42);
    for (const line of lines) expect(line.width).toBeLessThanOrEqual(60);
    expect(lines.map((l) => l.fragments.map((f) => f.text).join("")).join(" ")).toBe(
      "Algèbres : très bien",
    );
  });
});

describe("wrapCell", () => {
  it("hangs bullet continuation lines under the bullet text", () => {
    const lines = wrapCell("• aaaa bbbb cccc\nfin", 50, "regular", SIZE, fakeMeasurer);
    const hang = fakeMeasurer.width("• ", "regular", SIZE);
    expect(lines.map((l) => l.fragments.map((f) => f.text).join(""))).toEqual([
      "• aaaa",
      "bbbb",
      "cccc",
      "fin",
    ]);
    expect(lines[1]!.fragments[0]!.x).toBe(hang);
    expect(lines[3]!.fragments[0]!.x).toBe(0);
    for (const line of lines) expect(line.width).toBeLessThanOrEqual(50);
  });
});
