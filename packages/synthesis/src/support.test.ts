// Small pure helpers: French formatting, templates, JSON schema, retry timing.
import { describe, expect, it } from "vitest";
import { buildBilanPrompt } from "./bilan-prompt";
import { elide, formatHours, formatPercent, joinList, quote } from "./french";
import { frenchDefects } from "./french-defects";
import { synthesisJsonSchema } from "./json-schema";
import { renderTemplate } from "./prompt-template";
import { defaultRetryPolicy, parseRetryAfter, retryDelay } from "./retry";
import { makeInput } from "./test-fixtures";

describe("French helpers", () => {
  it("formats percentages one way only", () => {
    expect(formatPercent(62)).toBe("62\u00a0%");
    expect(() => formatPercent(62.5)).toThrow(RangeError);
  });
  it("elides, quotes, joins and writes hours", () => {
    expect(elide("de", "Inès")).toBe("d’Inès");
    expect(elide("de", "Hugo")).toBe("d’Hugo");
    expect(elide("de", "Léa")).toBe("de Léa");
    expect(elide("que", "Adam")).toBe("qu’Adam");
    expect(quote("Algèbre")).toBe("«\u00a0Algèbre\u00a0»");
    expect(joinList(["a", "b", "c"])).toBe("a, b et c");
    expect(formatHours(2.5)).toBe("2,5\u00a0h");
  });
  it("spots obvious defects", () => {
    expect(frenchDefects("Le bilan de Inès")).not.toEqual([]);
    expect(frenchDefects("La reussite est bonne.")).not.toEqual([]);
    expect(frenchDefects("Score : undefined")).not.toEqual([]);
    expect(frenchDefects("Deux  espaces")).not.toEqual([]);
    expect(frenchDefects("Une virgule , mal placée")).not.toEqual([]);
    expect(frenchDefects("Le cours de le domaine")).not.toEqual([]);
    expect(frenchDefects("Le bilan d’Inès montre 62\u00a0% de réussite.")).toEqual([]);
  });
});

describe("prompt templates", () => {
  it("substitutes values and conditional blocks", () => {
    expect(renderTemplate("A {{x}}\n{{#if y}}\nB {{y}}\n{{/if}}C", { x: "1", y: "" })).toBe(
      "A 1\nC",
    );
    expect(renderTemplate("{{#if y}}B {{y}}{{/if}}", { y: "2" })).toBe("B 2");
    expect(() => renderTemplate("{{missing}}", {})).toThrow(/missing/);
  });
  it("renders the versioned bilan prompt with the exact figures", () => {
    const input = makeInput({
      subject: "maths",
      masteries: ["en_cours"],
      instructions: "Insister sur les suites",
    });
    const p = buildBilanPrompt(input, []);
    expect(p.version).toBe("bilan-v1");
    expect(p.user).toContain(`Réussite globale : ${input.scores.overall.percent}\u00a0%`);
    expect(p.user).toContain("Insister sur les suites");
    expect(p.user).toContain("Aucune offre retenue");
    expect(p.user).not.toMatch(/\{\{|undefined/);
    const lines = p.user.split("\n");
    const header = lines.indexOf("| domainId | domaine | réussite | niveau de maîtrise |");
    expect(header).toBeGreaterThan(0);
    expect(lines.slice(header + 2, header + 2 + input.scores.domains.length)).toEqual(
      input.scores.domains.map(
        (d) =>
          `| ${d.domainId} | ${d.label} | ${d.percent}\u00a0% | ${d.mastery === "en_cours" ? "En cours d'acquisition" : d.mastery === "non_acquis" ? "Non acquis" : d.mastery === "acquis" ? "Acquis" : "Maîtrisé"} |`,
      ),
    );
  });
});

describe("strict JSON schema", () => {
  it("requires every property and forbids extra ones at every level", () => {
    const visit = (node: any): void => {
      if (node?.type === "object") {
        expect(node.additionalProperties).toBe(false);
        expect([...node.required].sort()).toEqual(Object.keys(node.properties).sort());
      }
      expect(node).not.toHaveProperty("minLength");
      expect(node).not.toHaveProperty("$schema");
      for (const v of Object.values(node ?? {})) if (v && typeof v === "object") visit(v);
    };
    const schema = synthesisJsonSchema();
    expect(schema.type).toBe("object");
    visit(schema);
  });
});

describe("retry timing", () => {
  it("reads retry-after in seconds, milliseconds or as a date", () => {
    expect(parseRetryAfter(new Headers({ "retry-after": "3" }))).toBe(3000);
    expect(parseRetryAfter(new Headers({ "retry-after-ms": "250", "retry-after": "3" }))).toBe(250);
    const now = Date.parse("2025-01-06T09:00:00Z");
    expect(
      parseRetryAfter(new Headers({ "retry-after": "Mon, 06 Jan 2025 09:00:05 GMT" }), now),
    ).toBe(5000);
    expect(parseRetryAfter(new Headers())).toBeUndefined();
  });
  it("backs off exponentially with bounded jitter and honours retry-after up to the cap", () => {
    const policy = { ...defaultRetryPolicy, random: () => 0.5 };
    expect(
      [1, 2, 3].map((n) => retryDelay(n, { retryable: true, description: "" }, policy)),
    ).toEqual([1000, 2000, 4000]);
    expect(retryDelay(1, { retryable: true, description: "", retryAfterMs: 120_000 }, policy)).toBe(
      30_000,
    );
    const low = retryDelay(1, { retryable: true, description: "" }, { ...policy, random: () => 0 });
    const high = retryDelay(
      1,
      { retryable: true, description: "" },
      { ...policy, random: () => 1 },
    );
    expect([low, high]).toEqual([800, 1200]);
  });
});
