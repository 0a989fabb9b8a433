import { describe, expect, it } from "vitest";
import {
  type CheckPage,
  type ConsistencyPart,
  formatConsistency,
  runConsistency,
} from "./consistency-command.ts";

/** A fake check: two pages of wallets (one drift on the second), one page of everything else. */
function fakePages(drift: boolean) {
  const calls: [ConsistencyPart, string | null][] = [];
  const fetch = async (part: ConsistencyPart, cursor: string | null): Promise<CheckPage> => {
    calls.push([part, cursor]);
    if (part === "wallets" && cursor === null) {
      return { checked: 20, problems: [], continueCursor: "c1", isDone: false };
    }
    const problems =
      drift && part === "wallets"
        ? [
            {
              kind: "balance_drift",
              message: "Portefeuille w1 : solde 13, somme des écritures 10.",
              ref: "w1",
            },
          ]
        : [];
    return { checked: 3, problems, continueCursor: "end", isDone: true };
  };
  return { fetch, calls };
}

describe("nexus-worker consistency", () => {
  it("walks every page of every part and says all is well in French", async () => {
    const { fetch, calls } = fakePages(false);
    const result = await runConsistency(fetch);
    expect(calls).toEqual([
      ["wallets", null],
      ["wallets", "c1"],
      ["sessions", null],
      ["debits", null],
      ["payments", null],
      ["purchases", null],
    ]);
    expect(result.counts.wallets).toBe(23);
    const text = formatConsistency(result);
    expect(text).toContain("23 portefeuilles (solde = somme des écritures)");
    expect(text).toContain("Aucune anomalie");
  });

  it("lists each problem", async () => {
    const { fetch } = fakePages(true);
    const text = formatConsistency(await runConsistency(fetch));
    expect(text).toContain("1 anomalie :");
    expect(text).toContain("  - Portefeuille w1 : solde 13, somme des écritures 10.");
  });
});
