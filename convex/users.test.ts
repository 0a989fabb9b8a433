import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import { makeConvexTest } from "./test.setup";
import { as, countRows, errorOf, freshWorld, identityFor } from "./world.fixtures";

describe("users.ensureCurrent", () => {
  it("creates the caller's row from the identity, without a role, once", async () => {
    const t = makeConvexTest();
    const client = t.withIdentity({ ...identityFor("Lea.Martin@Test.fr"), name: "Léa Martin" });
    expect(await client.query(api.users.me, {})).toBeNull();

    const first = await client.mutation(api.users.ensureCurrent, {});
    expect(first).toMatchObject({ email: "lea.martin@test.fr", name: "Léa Martin" });
    expect(first.role).toBeUndefined();
    expect(first.tokenIdentifier).toBe(identityFor("Lea.Martin@Test.fr").tokenIdentifier);

    const second = await client.mutation(api.users.ensureCurrent, {});
    expect(second._id).toBe(first._id);
    expect((await countRows(t)).users).toBe(1);
    expect(await client.query(api.users.me, {})).toEqual(second);
  });

  it("refreshes the name and email but never takes a role from the token", async () => {
    const t = makeConvexTest();
    const identity = identityFor("paul@test.fr");
    const created = await t.withIdentity(identity).mutation(api.users.ensureCurrent, {});
    const updated = await t
      .withIdentity({
        ...identity,
        name: "Paul Girard",
        email: "paul.girard@test.fr",
        role: "admin",
      })
      .mutation(api.users.ensureCurrent, {});
    expect(updated._id).toBe(created._id);
    expect(updated).toMatchObject({ name: "Paul Girard", email: "paul.girard@test.fr" });
    expect(updated.role).toBeUndefined();
  });

  it("keeps the role an admin assigned", async () => {
    const { t, world } = await freshWorld();
    const before = await t.run(async (ctx) => await ctx.db.get(world.users.coach));
    const after = await as(t, "coach").mutation(api.users.ensureCurrent, {});
    expect(after._id).toBe(world.users.coach);
    expect(after.role).toBe(before?.role);
  });

  it("refuses an identity without an email, writing nothing", async () => {
    const t = makeConvexTest();
    const { email: _email, ...identity } = identityFor("sans@test.fr");
    const error = await errorOf(t.withIdentity(identity).mutation(api.users.ensureCurrent, {}));
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toContain("adresse e-mail");
    expect((await countRows(t)).users).toBe(0);
  });
});

describe("users.setRole", () => {
  it("assigns a role and writes one audit row", async () => {
    const { t, world } = await freshWorld();
    const result = await as(t, "admin").mutation(api.users.setRole, {
      userId: world.users.noRole,
      role: "parent",
    });
    expect(result).toMatchObject({ _id: world.users.noRole, role: "parent" });
    expect(result).not.toHaveProperty("tokenIdentifier");
    const logs = await t.run(async (ctx) => await ctx.db.query("auditLogs").collect());
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      actorKind: "user",
      actorId: world.users.admin,
      action: "user.setRole",
      targetTable: "users",
      targetId: world.users.noRole,
      details: { from: null, to: "parent" },
    });
    // The new parent can now use role-gated functions.
    const mine = await as(t, "noRole").query(api.students.listMine, {
      paginationOpts: { numItems: 5, cursor: null },
    });
    expect(mine.page).toEqual([]);
  });

  it("withdraws a role with null, and an unchanged role writes nothing", async () => {
    const { t, world } = await freshWorld();
    const admin = as(t, "admin");
    await admin.mutation(api.users.setRole, { userId: world.users.coach, role: "coach" });
    expect((await countRows(t)).auditLogs).toBe(0);
    const withdrawn = await admin.mutation(api.users.setRole, {
      userId: world.users.coach,
      role: null,
    });
    expect(withdrawn.role).toBeUndefined();
    expect((await countRows(t)).auditLogs).toBe(1);
    expect(
      (await errorOf(as(t, "coach").query(api.students.get, { studentId: world.students.own })))
        .code,
    ).toBe("NO_ROLE");
  });

  it("forbids an admin to change their own role", async () => {
    const { t, world } = await freshWorld();
    const error = await errorOf(
      as(t, "admin").mutation(api.users.setRole, { userId: world.users.admin, role: "parent" }),
    );
    expect(error.code).toBe("INVALID_ARGUMENT");
    const admin = await t.run(async (ctx) => await ctx.db.get(world.users.admin));
    expect(admin?.role).toBe("admin");
  });

  it("rejects an unknown role and a non-user id by validation, writing nothing", async () => {
    const { t, world } = await freshWorld();
    const before = await countRows(t);
    await expect(
      as(t, "admin").mutation(api.users.setRole, {
        userId: world.users.noRole,
        role: "superadmin" as "admin",
      }),
    ).rejects.toThrow(/Validator error/);
    await expect(
      as(t, "admin").mutation(api.users.setRole, {
        userId: world.students.own as never,
        role: "parent",
      }),
    ).rejects.toThrow(/Validator error/);
    expect(await countRows(t)).toEqual(before);
  });
});

describe("users.list", () => {
  it("lists by role, page by page, without token identifiers", async () => {
    const { t } = await freshWorld();
    const staff = as(t, "assistante");
    const coaches = await staff.query(api.users.list, {
      role: "coach",
      paginationOpts: { numItems: 10, cursor: null },
    });
    expect(coaches.page.map((u) => u.email).sort()).toEqual([
      "coach.autre@test.fr",
      "coach.libre@test.fr",
      "coach@test.fr",
    ]);
    expect(coaches.page.every((u) => !("tokenIdentifier" in u))).toBe(true);

    const newcomers = await staff.query(api.users.list, {
      withoutRole: true,
      paginationOpts: { numItems: 10, cursor: null },
    });
    expect(newcomers.page.map((u) => u.email)).toEqual(["nouveau@test.fr"]);

    const first = await staff.query(api.users.list, {
      paginationOpts: { numItems: 4, cursor: null },
    });
    expect(first.page).toHaveLength(4);
    expect(first.isDone).toBe(false);
    const rest = await staff.query(api.users.list, {
      paginationOpts: { numItems: 100, cursor: first.continueCursor },
    });
    expect(first.page.length + rest.page.length).toBe(11);
  });
});
