import { greetingFor } from "@nexus/email/render-bilan-email";
import { describe, expect, it } from "vitest";
import {
  choiceFromForm,
  choiceOf,
  greetingOf,
  type SalutationChoice,
  salutationDefaults,
} from "./salutation";

function form(values: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(values)) data.set(key, value);
  return data;
}

describe("salutationDefaults", () => {
  it("starts from the stored preference, else neutral with the account's names", () => {
    expect(salutationDefaults("Isabelle Durand", undefined)).toEqual({
      style: "neutre",
      civility: "Madame",
      firstName: "Isabelle",
      lastName: "Durand",
    });
    expect(
      salutationDefaults("Karim Haddad", {
        style: "prenom",
        civility: "Monsieur",
        firstName: "Karim",
      }),
    ).toEqual({ style: "prenom", civility: "Monsieur", firstName: "Karim", lastName: "Haddad" });
    expect(salutationDefaults("Anne Marie de La Tour", undefined).lastName).toBe(
      "Marie de La Tour",
    );
  });
});

describe("choiceFromForm", () => {
  it("reads each style and refuses a missing name in French", () => {
    expect(
      choiceFromForm(form({ style: "civilite", civility: "Monsieur", lastName: " Haddad " })),
    ).toEqual({
      ok: true,
      choice: { style: "civilite", civility: "Monsieur", lastName: "Haddad" },
    });
    expect(choiceFromForm(form({ style: "prenom", firstName: "Karim" }))).toEqual({
      ok: true,
      choice: { style: "prenom", firstName: "Karim" },
    });
    expect(choiceFromForm(form({ style: "neutre", firstName: "" }))).toEqual({
      ok: true,
      choice: { style: "neutre" },
    });
    expect(choiceFromForm(form({ style: "civilite", lastName: "  " }))).toEqual({
      ok: false,
      message: "Indiquez votre nom pour « Civilité et nom ».",
    });
    expect(choiceFromForm(form({ style: "prenom" }))).toEqual({
      ok: false,
      message: "Indiquez votre prénom pour « Prénom ».",
    });
  });
});

describe("greetingOf", () => {
  it("says what the e-mail will say (@nexus/email's greetingFor on the stored row)", () => {
    const choices: SalutationChoice[] = [
      { style: "civilite", civility: "Madame", lastName: "Durand" },
      { style: "prenom", firstName: "Karim" },
      { style: "neutre" },
    ];
    // What users.setMySalutation stores for each choice.
    const stored = (c: SalutationChoice) => (c.style === "neutre" ? undefined : c);
    for (const choice of choices) {
      expect(greetingOf(choice)).toBe(greetingFor(stored(choice)));
      expect(choiceOf(stored(choice))).toEqual(choice);
    }
    expect(greetingOf(choices[0]!)).toBe("Bonjour Madame Durand,");
    expect(greetingOf(choices[2]!)).toBe("Bonjour,");
  });
});
