import { describe, expect, it } from "vitest";
import {
  canManageAccount,
  familiesHref,
  listArgsFor,
  parseFamiliesQuery,
  parseSpecialites,
  studentFromForm,
} from "./families";

describe("parseFamiliesQuery", () => {
  it.each([
    ["", { view: "eleves", search: "", cursor: null, filter: { kind: "all" } }],
    [
      "vue=personnes&role=coach&q=%20sophie%20",
      {
        view: "personnes",
        search: "sophie",
        cursor: null,
        filter: { kind: "role", role: "coach" },
      },
    ],
    [
      "vue=personnes&role=sans-role&page=abc",
      { view: "personnes", search: "", cursor: "abc", filter: { kind: "noRole" } },
    ],
    [
      "vue=autre&role=pirate",
      { view: "eleves", search: "", cursor: null, filter: { kind: "all" } },
    ],
  ])("%s", (query, expected) => {
    expect(parseFamiliesQuery(new URLSearchParams(query))).toEqual(expected);
  });
});

describe("listArgsFor", () => {
  it("maps each filter to users.list arguments", () => {
    expect(listArgsFor({ kind: "all" })).toEqual({});
    expect(listArgsFor({ kind: "role", role: "parent" })).toEqual({ role: "parent" });
    expect(listArgsFor({ kind: "noRole" })).toEqual({ withoutRole: true });
  });
});

describe("familiesHref", () => {
  it("changes and removes parameters", () => {
    const current = new URLSearchParams("vue=personnes&page=xyz&q=a");
    expect(familiesHref(current, { page: null, q: "b" })).toBe("/admin/familles?vue=personnes&q=b");
    expect(familiesHref(new URLSearchParams("vue=x"), { vue: null })).toBe("/admin/familles");
  });
});

describe("student form", () => {
  it("splits spécialités on commas, semicolons and lines, without repeats", () => {
    expect(parseSpecialites(" Maths, NSI;\nMaths ,, ")).toEqual(["Maths", "NSI"]);
  });

  it("reads the fields, defaulting unknown choices and dropping an empty school", () => {
    const form = new FormData();
    form.set("firstName", "Lucas");
    form.set("lastName", "Fontaine");
    form.set("niveau", "terminale");
    form.set("statut", "candidat_libre");
    form.set("specialites", "Mathématiques, Physique-chimie");
    form.set("school", "  ");
    expect(studentFromForm(form)).toEqual({
      firstName: "Lucas",
      lastName: "Fontaine",
      niveau: "terminale",
      statut: "candidat_libre",
      specialites: ["Mathématiques", "Physique-chimie"],
    });
    form.set("niveau", "cm2");
    form.set("school", "Lycée Pasteur");
    expect(studentFromForm(form)).toMatchObject({ niveau: "seconde", school: "Lycée Pasteur" });
    expect(studentFromForm(form)).not.toHaveProperty("birthDate");
    form.set("birthDate", "2011-12-02");
    expect(studentFromForm(form)).toMatchObject({ birthDate: "2011-12-02" });
  });
});

describe("canManageAccount", () => {
  it("lets an admin manage others only", () => {
    expect(canManageAccount({ _id: "a", role: "admin" }, { _id: "b" })).toBe(true);
    expect(canManageAccount({ _id: "a", role: "admin" }, { _id: "a" })).toBe(false);
    expect(canManageAccount({ _id: "a", role: "assistante" }, { _id: "b" })).toBe(false);
  });
});
