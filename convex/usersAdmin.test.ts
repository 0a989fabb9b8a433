// The staff console's people functions: deactivating an account (admin only, audited, refused
// everywhere afterwards), and the bounded searches of users and students.
import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import { DEACTIVATED_MESSAGE } from "./model/access";
import { as, errorOf, freshWorld } from "./world.fixtures";

describe("users.setActive", () => {
  it("deactivates an account: every function refuses it in French, then reactivates it", async () => {
    const { t, world } = await freshWorld();
    const admin = as(t, "admin");
    const summary = await admin.mutation(api.users.setActive, {
      userId: world.users.parent,
      active: false,
    });
    expect(summary.deactivatedAt).toBeTypeOf("number");

    const parent = as(t, "parent");
    for (const call of [
      () => parent.query(api.students.listMine, { paginationOpts: { numItems: 5, cursor: null } }),
      () => parent.mutation(api.users.ensureCurrent, {}),
      () => parent.query(api.users.me, {}),
      () => parent.query(api.students.get, { studentId: world.students.own }),
    ]) {
      expect(await errorOf(call())).toEqual({ code: "FORBIDDEN", message: DEACTIVATED_MESSAGE });
    }

    await admin.mutation(api.users.setActive, { userId: world.users.parent, active: true });
    const page = await parent.query(api.students.listMine, {
      paginationOpts: { numItems: 5, cursor: null },
    });
    expect(page.page.map((s) => s._id)).toEqual([world.students.own]);

    const actions = await t.run(async (ctx) =>
      (await ctx.db.query("auditLogs").collect())
        .filter((row) => row.targetId === world.users.parent)
        .map((row) => row.action),
    );
    expect(actions).toEqual(["user.deactivate", "user.reactivate"]);
  });

  it("is a no-op (not audited twice) when the state is unchanged", async () => {
    const { t, world } = await freshWorld();
    const admin = as(t, "admin");
    await admin.mutation(api.users.setActive, { userId: world.users.coach, active: true });
    const count = await t.run(
      async (ctx) =>
        (await ctx.db.query("auditLogs").collect()).filter((r) => r.targetId === world.users.coach)
          .length,
    );
    expect(count).toBe(0);
  });

  it("refuses an admin deactivating themself, and the assistante", async () => {
    const { t, world } = await freshWorld();
    expect(
      await errorOf(
        as(t, "admin").mutation(api.users.setActive, { userId: world.users.admin, active: false }),
      ),
    ).toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringContaining("propre compte"),
    });
    expect(
      await errorOf(
        as(t, "assistante").mutation(api.users.setActive, {
          userId: world.users.parent,
          active: false,
        }),
      ),
    ).toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("users.search and students.search", () => {
  it("finds users by name or e-mail prefix, optionally of one role", async () => {
    const { t, world } = await freshWorld();
    await t.run(async (ctx) => {
      await ctx.db.patch(world.users.spareParent, { name: "Sophie Moreau" });
      await ctx.db.patch(world.users.spareCoach, { name: "Sophie Laurent" });
    });
    const staff = as(t, "assistante");
    const byName = await staff.query(api.users.search, { text: "sophie" });
    expect(byName.map((u) => u._id).sort()).toEqual(
      [world.users.spareParent, world.users.spareCoach].sort(),
    );
    const parents = await staff.query(api.users.search, { text: "Sophie", role: "parent" });
    expect(parents.map((u) => u._id)).toEqual([world.users.spareParent]);
    const byEmail = await staff.query(api.users.search, { text: "Coach.Libre@" });
    expect(byEmail.map((u) => u._id)).toEqual([world.users.spareCoach]);
    expect(await staff.query(api.users.search, { text: "   " })).toEqual([]);
  });

  it("finds students by first or last name", async () => {
    const { t, world } = await freshWorld();
    const staff = as(t, "admin");
    const id = await staff.mutation(api.students.create, {
      firstName: "Lucas",
      lastName: "Fontaine",
      niveau: "premiere",
      statut: "scolarise",
      specialites: ["Mathématiques"],
    });
    expect(
      (await staff.query(api.students.search, { text: "fontaine" })).map((s) => s._id),
    ).toEqual([id]);
    expect((await staff.query(api.students.search, { text: "Luc" })).map((s) => s._id)).toEqual([
      id,
    ]);
    expect((await staff.query(api.students.search, { text: "Alice" })).map((s) => s._id)).toEqual([
      world.students.own,
    ]);
  });
});
