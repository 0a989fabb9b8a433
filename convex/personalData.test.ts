// The personal-data registry covers the schema: every table with a v.id("users") or
// v.id("students") field (at any depth: nested objects, arrays, unions, records) has an
// entry, and every such field is declared with what erasure does to it. A table added with a
// person reference and no entry fails here — export and erasure would silently miss it.

import { TABLE_LABELS_FR } from "@nexus/shared/table-labels";
import type { GenericValidator } from "convex/values";
import { describe, expect, it } from "vitest";
import { PERSONAL_DATA, type PersonTable, personRefs } from "./model/personalData";
import schema from "./schema";

function schemaRefs(): Map<string, Map<string, PersonTable>> {
  const tables = new Map<string, Map<string, PersonTable>>();
  for (const [name, table] of Object.entries(schema.tables)) {
    const refs = personRefs((table as unknown as { validator: GenericValidator }).validator);
    if (refs.size > 0) tables.set(name, refs);
  }
  return tables;
}

describe("personal-data registry", () => {
  it("names every table in French for the dry run staff read, and no table that does not exist", () => {
    expect(Object.keys(TABLE_LABELS_FR).sort()).toEqual(Object.keys(schema.tables).sort());
  });

  it("finds the references it is meant to find (the walker itself)", () => {
    const refs = schemaRefs();
    // Nested object, array element and plain fields are all reached.
    expect(refs.get("bilans")?.get("review.approvedBy")).toBe("users");
    expect(refs.get("invitations")?.get("studentIds[]")).toBe("students");
    expect(refs.get("guardianships")?.get("parentId")).toBe("users");
    // An id of another table is not a person reference.
    expect(refs.get("bilanRevisions")?.has("bilanId")).toBe(false);
  });

  it("has an entry for every table with a user or student reference, and every such field", () => {
    const registered = new Map(PERSONAL_DATA.map((e) => [e.table as string, e]));
    const missing: string[] = [];
    for (const [table, refs] of schemaRefs()) {
      const entry = registered.get(table);
      if (!entry) {
        missing.push(`${table} (table: ${[...refs.keys()].join(", ")})`);
        continue;
      }
      for (const [path, to] of refs) {
        const declared = entry.refs[path];
        if (!declared) missing.push(`${table}.${path}`);
        else expect(`${table}.${path} → ${declared.to}`).toBe(`${table}.${path} → ${to}`);
      }
    }
    expect(missing, "add these to convex/model/personalData.ts").toEqual([]);
  });

  it("declares no table or field the schema does not have", () => {
    const refs = schemaRefs();
    for (const entry of PERSONAL_DATA) {
      expect(Object.keys(schema.tables)).toContain(entry.table);
      for (const path of Object.keys(entry.refs)) {
        expect(`${entry.table}.${path}: ${refs.get(entry.table)?.has(path) ?? false}`).toBe(
          `${entry.table}.${path}: true`,
        );
      }
    }
    // The people tables themselves are always there (they hold no reference to a person).
    expect(PERSONAL_DATA.map((e) => e.table)).toEqual(
      expect.arrayContaining(["users", "students"]),
    );
    expect(new Set(PERSONAL_DATA.map((e) => e.table)).size).toBe(PERSONAL_DATA.length);
  });

  it("can reach every row it deletes or anonymises, and knows how to anonymise", () => {
    const tables = new Set<string>(PERSONAL_DATA.map((e) => e.table));
    for (const entry of PERSONAL_DATA) {
      for (const [path, ref] of Object.entries(entry.refs)) {
        const label = `${entry.table}.${path}`;
        if (ref.onErase === "keep") {
          expect(ref.why ?? ref.cascade?.why, `${label}: say why it is kept`).toBeTruthy();
          continue;
        }
        // Reached by an index of its own, or deleted by a parent entry's cascade.
        expect(Boolean(ref.find) || Boolean(ref.cascade), `${label}: find or cascade`).toBe(true);
        if (ref.cascade) expect(tables.has(ref.cascade.from), label).toBe(true);
        if (ref.onErase === "anonymise") {
          expect(typeof entry.anonymise, `${label}: anonymise()`).toBe("function");
        }
      }
      // Exported tables are reachable from the person (the users row is read by id).
      if (entry.export && entry.table !== "users") {
        expect(
          Object.values(entry.refs).some((r) => r.find),
          `${entry.table}: exported but no find()`,
        ).toBe(true);
      }
    }
  });
});
