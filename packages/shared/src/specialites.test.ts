import { describe, expect, it } from "vitest";
import type { Niveau } from "./domain";
import { subjectOfSpecialite, subjectsForStudent } from "./specialites";

describe("subjectOfSpecialite", () => {
  it.each([
    ["Mathématiques", "maths"],
    ["mathematiques", "maths"],
    ["Maths expertes", "maths"],
    ["Mathématiques complémentaires", "maths"],
    ["NSI", "nsi"],
    ["Numérique et sciences informatiques", "nsi"],
    ["Physique-chimie", "physique-chimie"],
    ["physique chimie", "physique-chimie"],
    ["SVT", null],
    ["SES", null],
    ["HGGSP", null],
    ["Humanités, littérature et philosophie", null],
    ["", null],
  ])("%s → %s", (label, subject) => {
    expect(subjectOfSpecialite(label)).toBe(subject);
  });
});

describe("subjectsForStudent", () => {
  it.each<[string, Niveau, string[], string[]]>([
    [
      "première maths + NSI: maths only (no NSI questionnaire in première)",
      "premiere",
      ["Mathématiques", "NSI"],
      ["maths"],
    ],
    [
      "première maths + PC",
      "premiere",
      ["Mathématiques", "Physique-chimie", "SVT"],
      ["maths", "physique-chimie"],
    ],
    ["terminale NSI + maths", "terminale", ["NSI", "Mathématiques"], ["maths", "nsi"]],
    ["terminale without any matching spécialité", "terminale", ["SES", "HGGSP"], []],
    [
      "no spécialité on record: every questionnaire of the niveau",
      "premiere",
      [],
      ["maths", "physique-chimie"],
    ],
    ["seconde has no questionnaire yet", "seconde", [], []],
  ])("%s", (_case, niveau, specialites, expected) => {
    expect(subjectsForStudent({ niveau, specialites })).toEqual(expected);
  });
});
