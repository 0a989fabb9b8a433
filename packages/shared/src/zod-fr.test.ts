import { describe, expect, it } from "vitest";
import { z } from "zod";
import { zNiveau, zSubject } from "./domain";
import { JobPayloadError, parseJobPayload } from "./jobs";
import { zSynthesis } from "./synthesis";
import { formatIssues } from "./zod-fr";

const messages = (schema: z.ZodType, value: unknown) => {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error("expected a validation error");
  return parsed.error.issues.map((issue) => issue.message);
};

describe("zod speaks French once a shared schema is loaded", () => {
  it.each([
    [
      "an unknown subject",
      zSubject,
      "latin",
      'Option invalide : une valeur parmi "maths"|"nsi"|"physique-chimie" attendue',
    ],
    ["a number instead of a niveau", zNiveau, 3, expect.stringMatching(/^Option invalide/)],
    [
      "a plain zod schema of this process",
      z.object({ n: z.number() }),
      { n: "x" },
      "Entrée invalide : nombre attendu, chaîne de caractères reçu",
    ],
    ["an empty synthesis", zSynthesis, {}, expect.stringMatching(/^Entrée invalide : .* attendu/)],
  ])("%s", (_case, schema, value, message) => {
    expect(messages(schema as z.ZodType, value)[0]).toEqual(message);
  });

  it("formats issues as French lines with their path", () => {
    const parsed = z.object({ a: z.object({ b: z.string().min(2) }) }).safeParse({ a: { b: "x" } });
    expect(parsed.success).toBe(false);
    expect(formatIssues(parsed.error!)).toBe(
      "- a.b : Trop petit : chaîne de caractères doit avoir >=2 caractères",
    );
  });
});

describe("parseJobPayload errors", () => {
  it.each([
    [
      "a negative duration",
      "system.echo",
      { sleepMs: -1 },
      "Contenu (payload) invalide pour une tâche « system.echo » :\n- sleepMs : Trop petit : nombre doit être >=0",
    ],
    [
      "a missing bilan",
      "bilan.pdf",
      {},
      "Contenu (payload) invalide pour une tâche « bilan.pdf » :\n- bilanId : Entrée invalide : chaîne de caractères attendu, indéfini reçu",
    ],
    [
      "an unknown kind",
      "bilan.teleport",
      {},
      "Contenu (payload) invalide pour une tâche « bilan.teleport » :\n- type de tâche inconnu",
    ],
  ])("%s", (_case, kind, payload, message) => {
    const run = () => parseJobPayload(kind as "system.echo", payload);
    expect(run).toThrow(JobPayloadError);
    expect(run).toThrow(message);
  });
});
