// The audit log as staff read it: newest first, paginated, filtered by action or by person,
// with the actor's name and role and whether an API key was used.
import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { as, freshWorld, insertApiKey, outcomeOf, type T } from "./world.fixtures";

async function insertRows(
  t: T,
  rows: { action: string; actorId?: Id<"users">; at: number; apiKeyId?: Id<"apiKeys"> }[],
) {
  await t.run(async (ctx) => {
    for (const row of rows) {
      await ctx.db.insert("auditLogs", {
        actorKind: row.actorId ? "user" : "worker",
        ...row,
        targetTable: "bilans",
        targetId: "b1",
      });
    }
  });
}

describe("audit.list", () => {
  it("lists newest first with the actor's name and role, page by page", async () => {
    const { t, world } = await freshWorld();
    await t.run(async (ctx) => {
      for (const row of await ctx.db.query("auditLogs").collect()) await ctx.db.delete(row._id);
    });
    await insertRows(t, [
      { action: "bilan.approve", actorId: world.users.coach, at: 3_000 },
      { action: "seed.run", at: 1_000 },
      { action: "user.setRole", actorId: world.users.admin, at: 2_000 },
    ]);
    const client = as(t, "assistante");
    const first = await client.query(api.audit.list, {
      paginationOpts: { numItems: 2, cursor: null },
    });
    expect(first.page.map((e) => e.action)).toEqual(["bilan.approve", "user.setRole"]);
    expect(first.page[0]!.actor).toMatchObject({ name: "coach", role: "coach" });
    expect(first.page[0]!.target).toEqual({ table: "bilans", id: "b1" });
    expect(first.isDone).toBe(false);
    const second = await client.query(api.audit.list, {
      paginationOpts: { numItems: 2, cursor: first.continueCursor },
    });
    expect(second.page.map((e) => e.action)).toEqual(["seed.run"]);
    expect(second.page[0]!.actor).toBeNull();
    expect(second.page[0]!.actorKind).toBe("worker");
  });

  it("filters by action and by person", async () => {
    const { t, world } = await freshWorld();
    await insertRows(t, [
      { action: "bilan.approve", actorId: world.users.coach, at: 10_000_000_000_003 },
      { action: "bilan.approve", actorId: world.users.admin, at: 10_000_000_000_002 },
      { action: "user.setRole", actorId: world.users.admin, at: 10_000_000_000_001 },
    ]);
    const client = as(t, "admin");
    const paginationOpts = { numItems: 10, cursor: null };
    const byAction = await client.query(api.audit.list, {
      paginationOpts,
      action: "bilan.approve",
    });
    expect(byAction.page.map((e) => e.actor?.name)).toEqual(["coach", "admin"]);
    const byPerson = await client.query(api.audit.list, {
      paginationOpts,
      actorId: world.users.admin,
    });
    expect(byPerson.page.slice(0, 2).map((e) => e.action)).toEqual([
      "bilan.approve",
      "user.setRole",
    ]);
    expect(byPerson.page.every((e) => e.actor?.id === world.users.admin)).toBe(true);
    const both = await client.query(api.audit.list, {
      paginationOpts,
      action: "user.setRole",
      actorId: world.users.admin,
    });
    expect(both.page.map((e) => e.action)).toEqual(["user.setRole"]);
  });

  it("says when an API key was used, and caps the page size", async () => {
    const { t, world } = await freshWorld();
    const keyId = await insertApiKey(t, world.users.admin);
    await insertRows(t, [
      { action: "apiKey.use", actorId: world.users.admin, at: 10_000_000_000_009, apiKeyId: keyId },
    ]);
    const page = await as(t, "admin").query(api.audit.list, {
      paginationOpts: { numItems: 1, cursor: null },
    });
    expect(page.page[0]!.viaApiKey).toBe(true);
    const big = await as(t, "admin").query(api.audit.list, {
      paginationOpts: { numItems: 10_000, cursor: null },
    });
    expect(big.page.length).toBeLessThanOrEqual(50);
  });

  it("is refused to coaches, parents and élèves", async () => {
    const { t } = await freshWorld();
    for (const caller of ["coach", "parent", "eleve"] as const) {
      expect(
        await outcomeOf(
          as(t, caller).query(api.audit.list, { paginationOpts: { numItems: 5, cursor: null } }),
        ),
      ).toBe("FORBIDDEN");
    }
  });
});
