// The notification helper and the centre's functions: notify() writes for one person, who
// alone lists, counts and marks them; bad input is refused in French; an erased or
// deactivated account is never notified.
import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { notify, notifyMany, UNREAD_CAP } from "./model/notifications";
import { as, errorOf, freshWorld, type T } from "./world.fixtures";

const page = { numItems: 20, cursor: null };

async function send(t: T, userId: Id<"users">, title = "Bilan à relire") {
  return await t.run(async (ctx) =>
    notify(ctx, {
      userId,
      kind: "bilan_review",
      title,
      body: "Le bilan d’Alice est prêt pour votre relecture.",
      link: "/coach/bilans/abc",
    }),
  );
}

describe("notifications", () => {
  it("notify() reaches only its recipient, newest first, with a live unread count", async () => {
    const { t, world } = await freshWorld();
    await send(t, world.users.coach, "Premier");
    await send(t, world.users.coach, "Second");
    await send(t, world.users.parent, "Pour le parent");
    const coach = as(t, "coach");
    const list = await coach.query(api.notifications.list, { paginationOpts: page });
    expect(list.page.map((n) => n.title)).toEqual(["Second", "Premier"]);
    expect(list.page[0]).toMatchObject({ kind: "bilan_review", link: "/coach/bilans/abc" });
    expect(await coach.query(api.notifications.unreadCount, {})).toBe(2);
    expect(await as(t, "parent").query(api.notifications.unreadCount, {})).toBe(1);
    expect(await as(t, "admin").query(api.notifications.unreadCount, {})).toBe(0);
  });

  it("marks one read (only one's own) and all read", async () => {
    const { t, world } = await freshWorld();
    const mine = (await send(t, world.users.coach))!;
    await send(t, world.users.coach);
    const theirs = (await send(t, world.users.parent))!;
    const coach = as(t, "coach");
    expect(
      await errorOf(coach.mutation(api.notifications.markRead, { notificationId: theirs })),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await as(t, "parent").query(api.notifications.unreadCount, {})).toBe(1);
    await coach.mutation(api.notifications.markRead, { notificationId: mine });
    expect(await coach.query(api.notifications.unreadCount, {})).toBe(1);
    const read = await coach.query(api.notifications.list, { paginationOpts: page });
    expect(read.page.find((n) => n._id === mine)?.readAt).toEqual(expect.any(Number));
    expect(await coach.mutation(api.notifications.markAllRead, {})).toBe(0);
    expect(await as(t, "parent").query(api.notifications.unreadCount, {})).toBe(1);
  });

  it("caps the unread count (the badge says 99+) and notifies each person once", async () => {
    const { t, world } = await freshWorld();
    await t.run(async (ctx) => {
      for (let i = 0; i < UNREAD_CAP + 5; i++) {
        await notify(ctx, {
          userId: world.users.coach,
          kind: "job_failed",
          title: `É${i}`,
          body: "",
        });
      }
      await notifyMany(ctx, [world.users.admin, world.users.admin, world.users.assistante], {
        kind: "job_failed",
        title: "Échec",
        body: "Un traitement a échoué.",
      });
    });
    expect(await as(t, "coach").query(api.notifications.unreadCount, {})).toBe(UNREAD_CAP + 1);
    expect(await as(t, "admin").query(api.notifications.unreadCount, {})).toBe(1);
  });

  it("refuses an external link or an empty title, and skips a deactivated account", async () => {
    const { t, world } = await freshWorld();
    for (const bad of [
      { title: "Titre", link: "https://ailleurs.example/x" },
      { title: "Titre", link: "//ailleurs.example/x" },
      { title: "  " },
    ]) {
      const error = await errorOf(
        t.run(async (ctx) =>
          notify(ctx, { userId: world.users.coach, kind: "legal", body: "Texte", ...bad }),
        ),
      );
      expect(error).toMatchObject({ code: "INVALID_ARGUMENT" });
      expect(error.message).toMatch(/Notification invalide/);
    }
    await t.run(async (ctx) => ctx.db.patch(world.users.coach, { deactivatedAt: 1 }));
    expect(await send(t, world.users.coach)).toBeNull();
    expect(await t.run(async (ctx) => (await ctx.db.query("notifications").collect()).length)).toBe(
      0,
    );
  });
});

describe("pipeline notifications", () => {
  it("tells the assigned coaches a bilan is ready, and the family its report was sent", async () => {
    const { t, world } = await freshWorld();
    const { notifyReportSent, notifyReviewReady } = await import("./model/bilanNotifications");
    await t.run(async (ctx) => {
      const bilan = (await ctx.db.get(world.bilans.own))!;
      await notifyReviewReady(ctx, bilan);
      await notifyReportSent(ctx, bilan);
    });
    const titles = async (caller: "coach" | "parent" | "eleve" | "admin") =>
      (await as(t, caller).query(api.notifications.list, { paginationOpts: page })).page.map(
        (n) => `${n.kind}: ${n.title}`,
      );
    expect(await titles("coach")).toEqual(["bilan_review: Bilan à relire : Alice Test"]);
    expect(await titles("parent")).toEqual(["report_sent: Rapport envoyé : Alice Test"]);
    expect(await titles("eleve")).toEqual(["report_sent: Ton rapport de bilan est disponible"]);
    // Nobody else: not the other family's coach, not staff.
    expect(await titles("admin")).toEqual([]);
    const foreignCoach = await t.run((ctx) =>
      ctx.db
        .query("notifications")
        .withIndex("by_userId_and_createdAt", (q) => q.eq("userId", world.users.foreignCoach))
        .collect(),
    );
    expect(foreignCoach).toEqual([]);
  });
});
