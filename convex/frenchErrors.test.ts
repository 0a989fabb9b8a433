// Messages people read come out of Convex functions in French, zod's included: the
// shared schemas set zod's French locale (packages/shared/src/zod-fr.ts).
import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import { as, countRows, errorOf, freshWorld } from "./world.fixtures";

describe("jobs.enqueue with an invalid payload", () => {
  it.each([
    [
      { sleepMs: -1 },
      "Contenu (payload) invalide pour une tâche « system.echo » :\n- sleepMs : Trop petit : nombre doit être >=0",
    ],
    [
      { sleepMs: "vite" },
      "Contenu (payload) invalide pour une tâche « system.echo » :\n- sleepMs : Entrée invalide : nombre attendu, chaîne de caractères reçu",
    ],
  ])("refuses %j in French and writes nothing", async (payload, message) => {
    const { t } = await freshWorld();
    const before = await countRows(t);
    const error = await errorOf(
      as(t, "admin").mutation(api.jobs.enqueue, { kind: "system.echo", payload }),
    );
    expect(error).toEqual({ code: "INVALID_ARGUMENT", message });
    expect(await countRows(t)).toEqual(before);
  });
});
