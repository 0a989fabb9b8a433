// Staff wallets list (/admin/paiements): read page by page past the former 100-row cap — every
// wallet once, pages of at most the asked size (usePaginatedQuery's contract).
import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import { as, freshWorld } from "./world.fixtures";

describe("credits.listWallets", () => {
  it("pages through 130 wallets, each once", async () => {
    const { t } = await freshWorld();
    await t.run(async (ctx) => {
      for (let i = 0; i < 130; i++) {
        const studentId = await ctx.db.insert("students", {
          firstName: `Élève${i}`,
          lastName: "Page",
          niveau: "premiere",
          statut: "scolarise",
          specialites: [],
          createdAt: 0,
          updatedAt: 0,
        });
        await ctx.db.insert("wallets", { studentId, balance: 0, createdAt: 0, updatedAt: 0 });
      }
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (;;) {
      const page: { page: { walletId: string }[]; isDone: boolean; continueCursor: string } =
        await as(t, "assistante").query(api.credits.listWallets, {
          paginationOpts: { numItems: 50, cursor },
        });
      expect(page.page.length).toBeLessThanOrEqual(50);
      seen.push(...page.page.map((w) => w.walletId));
      pages += 1;
      if (page.isDone) break;
      cursor = page.continueCursor;
    }
    expect(seen).toHaveLength(130);
    expect(new Set(seen).size).toBe(130);
    expect(pages).toBeGreaterThanOrEqual(3);
  });
});
