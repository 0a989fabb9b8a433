import { describe, expect, it } from "vitest";
import { cleanText, TextFieldError, type TextRule } from "./text";

const name: TextRule = { label: "Le prénom de l'élève", max: 15, required: true };

describe("cleanText", () => {
  it.each([
    ["keeps an ordinary name", "Zoé", "Zoé"],
    ["trims and collapses spaces", "  Jean   Baptiste ", "Jean Baptiste"],
    ["turns tabs and line breaks into one space", "Jean\t\r\nMarc", "Jean Marc"],
    ["normalises to NFC", "Ze\u0301lie", "Zélie"],
    ["strips a right-to-left override", "Eve\u202Egnp.exe", "Evegnp.exe"],
    ["strips bidi isolates and marks", "\u2067Léa\u2069\u200F", "Léa"],
    ["strips zero-width characters and the BOM", "Lé\u200Ba\u200D\uFEFF", "Léa"],
    ["strips a soft hyphen", "Ma\u00ADrie", "Marie"],
    ["strips NUL, escape and DEL", "A\u0000n\u001Bn\u007Fa", "Anna"],
    ["strips C1 controls", "Ré\u009Bmi", "Rémi"],
    ["turns a non-breaking space into a space", "Anne\u00A0Sophie", "Anne Sophie"],
    ["collapses line and paragraph separators", "Anne\u2028\u2029Lise", "Anne Lise"],
    ["accepts exactly the maximum", "abcdefghijklmno", "abcdefghijklmno"],
    [
      "counts characters, not UTF-16 units",
      "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
      "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
    ],
    ["checks the length after cleaning", ` ${"\u200B".repeat(50)}Marie `, "Marie"],
  ])("%s", (_case, input, expected) => {
    expect(cleanText(input, name)).toBe(expected);
  });

  it.each([
    ["an empty text", "", "Le prénom de l'élève est obligatoire."],
    ["spaces only", "   ", "Le prénom de l'élève est obligatoire."],
    ["format characters only", "\u202E\u200B", "Le prénom de l'élève est obligatoire."],
    [
      "one character too many",
      "abcdefghijklmnop",
      "Le prénom de l'élève ne doit pas dépasser 15 caractères (16 saisis).",
    ],
    [
      "a megabyte",
      "a".repeat(1_000_000),
      "Le prénom de l'élève ne doit pas dépasser 15 caractères (1000000 saisis).",
    ],
  ])("refuses %s in French", (_case, input, message) => {
    expect(() => cleanText(input, name)).toThrow(TextFieldError);
    expect(() => cleanText(input, name)).toThrow(message);
  });

  it.each([
    ["an optional empty text", "  ", { ...name, required: false }, ""],
    [
      "truncates instead of refusing",
      "abcdefghijklmnopq",
      { ...name, overflow: "truncate" },
      "abcdefghijklmno",
    ],
    [
      "truncates without a trailing space",
      "abcd efghij",
      { ...name, max: 5, overflow: "truncate" },
      "abcd",
    ],
    ["truncates between characters", "😀😀😀", { ...name, max: 2, overflow: "truncate" }, "😀😀"],
  ] as [string, string, TextRule, string][])("%s", (_case, input, rule, expected) => {
    expect(cleanText(input, rule)).toBe(expected);
  });
});
