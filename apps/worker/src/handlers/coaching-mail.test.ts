// The coaching e-mail handlers against the real Convex functions (convex-test): a booking's
// confirmation goes to the élève, the parent and the coach (host link) with the .ics; a retried
// job sends nothing twice; a moved or cancelled session's reminder sends nothing; a paid
// payment's receipt carries its PDF. Mutants this catches: the startsAt check removed from
// coachingMail.sessionMail (a moved session reminded at its old time), beginEmail not skipping
// a sent row (second send); the preference check or the List-Unsubscribe headers removed from
// reminders; the in-app reminder without its key (twice on a retry) or not withdrawn on cancel.
import type { EmailSender, OutgoingEmail } from "@nexus/email/email-sender";
import { afterEach, describe, expect, it, vi } from "vitest";
import { api } from "../../../../convex/_generated/api";
import type { Id } from "../../../../convex/_generated/dataModel";
import { coachingWorld } from "../../../../convex/coaching.fixtures";
import { as, freshWorld, type T } from "../../../../convex/world.fixtures";
import { workerConvexOf } from "../convex-test.test-helpers.ts";
import type { JobHelpers } from "../handler.ts";
import { createLogger } from "../logger.ts";
import type { PipelineServices } from "../pipeline/services.ts";
import {
  paymentReceiptHandler,
  sessionConfirmHandler,
  sessionRemindHandler,
} from "./coaching-mail.ts";

afterEach(() => {
  vi.unstubAllEnvs();
});

function setup(t: T) {
  const sent: OutgoingEmail[] = [];
  const sender: EmailSender = {
    provider: "outbox",
    async send(email) {
      sent.push(email);
      return { provider: "outbox", providerId: `m${sent.length}`, deduplicated: false };
    },
  };
  const services = {
    appUrl: "https://app.test",
    centre: { name: "Nexus Réussite", email: "contact@nexus-reussite.fr" },
    emailSender: async () => sender,
  } as unknown as PipelineServices;
  const helpers = {
    job: { id: "j1", kind: "session.confirm", attempt: 1, maxAttempts: 5, createdAt: 0 },
    signal: new AbortController().signal,
    log: createLogger({ level: "error" }),
    progress: () => {},
    convex: workerConvexOf(t),
  } as JobHelpers;
  return {
    sent,
    confirm: (sessionId: Id<"coachingSessions">, startsAt: number) =>
      sessionConfirmHandler(services).run({ sessionId, startsAt }, helpers),
    remind: (sessionId: Id<"coachingSessions">, startsAt: number) =>
      sessionRemindHandler(services).run({ sessionId, startsAt, lead: "24h" }, helpers),
    receipt: (paymentId: Id<"payments">) =>
      paymentReceiptHandler(services).run({ paymentId }, helpers),
  };
}

describe("coaching e-mails against Convex", () => {
  it("confirms a booking to the family and the coach with the .ics, once", async () => {
    const { t, world } = await freshWorld();
    const { sessions } = await coachingWorld(t, world);
    const session = await t.run(async (ctx) => (await ctx.db.get(sessions.own))!);
    const { sent, confirm } = setup(t);
    expect(await confirm(sessions.own, session.startsAt)).toEqual({ sent: 3 });
    expect(sent.map((m) => m.to.email).sort()).toEqual([
      "coach@test.fr",
      "eleve@test.fr",
      "parent@test.fr",
    ]);
    for (const m of sent) {
      expect(m.attachments?.[0]).toMatchObject({
        filename: "seance.ics",
        contentType: "text/calendar",
      });
      const ics = new TextDecoder().decode(m.attachments![0]!.content);
      expect(ics).toContain(`UID:${sessions.own}@nexus-reussite`);
    }
    const coachMail = sent.find((m) => m.to.email === "coach@test.fr")!;
    expect(coachMail.text).toContain("en tant qu’animateur");
    // a retried job: every message already went out
    expect(await confirm(sessions.own, session.startsAt)).toEqual({ sent: 0 });
    expect(sent).toHaveLength(3);
  });

  it("sends no reminder for a moved or cancelled session", async () => {
    const { t, world } = await freshWorld();
    const { sessions } = await coachingWorld(t, world);
    const session = await t.run(async (ctx) => (await ctx.db.get(sessions.own))!);
    const { sent, remind } = setup(t);
    await as(t, "parent").mutation(api.sessions.reschedule, {
      sessionId: sessions.own,
      startsAt: session.startsAt + 86_400_000,
    });
    expect(await remind(sessions.own, session.startsAt)).toEqual({ skipped: "séance déplacée" });
    await as(t, "parent").mutation(api.sessions.cancel, { sessionId: sessions.own });
    expect(await remind(sessions.own, session.startsAt + 86_400_000)).toEqual({
      skipped: "séance annulée ou passée",
    });
    expect(sent).toHaveLength(0);
  });

  it("sends the receipt of a paid payment with its PDF", async () => {
    const { t, world } = await freshWorld();
    const { pendingPayments } = await coachingWorld(t, world);
    const { sent, receipt } = setup(t);
    expect(await receipt(pendingPayments.own)).toEqual({ skipped: "paiement non payé" });
    await as(t, "assistante").mutation(api.payments.confirm, { paymentId: pendingPayments.own });
    expect(await receipt(pendingPayments.own)).toEqual({ sent: 1 });
    expect(sent[0]!.to.email).toBe("parent@test.fr");
    expect(sent[0]!.subject).toMatch(/^Reçu de paiement NXR-/);
    const pdf = sent[0]!.attachments![0]!;
    expect(pdf.contentType).toBe("application/pdf");
    expect(new TextDecoder().decode(pdf.content.slice(0, 5))).toBe("%PDF-");
  });

  it("reminds only who kept « Séances » e-mails, with a signed-out unsubscribe link and the List-Unsubscribe headers", async () => {
    vi.stubEnv("API_KEY_SIGNING_KEY", "clé-de-test-des-liens");
    const { t, world } = await freshWorld();
    const { sessions } = await coachingWorld(t, world);
    const session = await t.run(async (ctx) => (await ctx.db.get(sessions.own))!);
    await as(t, "parent").mutation(api.emailPreferences.set, { kind: "session", enabled: false });
    const { sent, remind, confirm } = setup(t);
    expect(await remind(sessions.own, session.startsAt)).toEqual({ sent: 2 });
    expect(sent.map((m) => m.to.email).sort()).toEqual(["coach@test.fr", "eleve@test.fr"]);
    for (const m of sent) {
      const url = m.headers?.["List-Unsubscribe"]?.slice(1, -1);
      expect(url).toMatch(/^https:\/\/app\.test\/desabonnement\/[^/]+$/);
      expect(m.headers?.["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
      expect(m.html).toContain(`href="${url}"`);
      expect(m.text).toContain("Ne plus recevoir les rappels de séance par e-mail");
      expect(m.html).toContain('href="https://app.test/confidentialite"');
    }
    // the link works signed out: the élève stops getting reminders
    const eleveMail = sent.find((m) => m.to.email === "eleve@test.fr")!;
    const token = decodeURIComponent(
      eleveMail.headers!["List-Unsubscribe"]!.slice(1, -1).split("/desabonnement/")[1]!,
    );
    expect(await t.mutation(api.emailPreferences.unsubscribe, { token })).toMatchObject({
      ok: true,
      kindLabel: "Séances",
    });
    const again = setup(t);
    expect(
      await sessionRemindHandler({
        appUrl: "https://app.test",
        centre: { name: "Nexus Réussite", email: "contact@nexus-reussite.fr" },
        emailSender: async () => ({
          provider: "outbox" as const,
          async send(email: OutgoingEmail) {
            again.sent.push(email);
            return { provider: "outbox" as const, providerId: "x", deduplicated: false };
          },
        }),
      } as unknown as PipelineServices).run(
        { sessionId: sessions.own, startsAt: session.startsAt, lead: "1h" },
        {
          job: { id: "j2", kind: "session.remind", attempt: 1, maxAttempts: 5, createdAt: 0 },
          signal: new AbortController().signal,
          log: createLogger({ level: "error" }),
          progress: () => {},
          convex: workerConvexOf(t),
        } as JobHelpers,
      ),
    ).toEqual({ sent: 1 });
    expect(again.sent.map((m) => m.to.email)).toEqual(["coach@test.fr"]);
    // a booking confirmation is transactional: sent to all, no unsubscribe link or header
    expect(await confirm(sessions.own, session.startsAt)).toEqual({ sent: 3 });
    const confirmations = sent.filter((m) => m.subject.startsWith("Séance réservée"));
    expect(confirmations).toHaveLength(3);
    for (const m of confirmations) {
      expect(m.headers).toBeUndefined();
      expect(m.text).not.toContain("Ne plus recevoir");
      expect(m.text).toContain("Données personnelles");
    }
  });

  it("records the reminder in the notification centre once, and withdraws it with the session", async () => {
    const { t, world } = await freshWorld();
    const { sessions } = await coachingWorld(t, world);
    const session = await t.run(async (ctx) => (await ctx.db.get(sessions.own))!);
    const { remind } = setup(t);
    const reminders = () =>
      t.run(async (ctx) =>
        (await ctx.db.query("notifications").collect()).filter((n) =>
          n.title.startsWith("Rappel : séance demain"),
        ),
      );
    await remind(sessions.own, session.startsAt);
    await remind(sessions.own, session.startsAt); // a retried job
    const rows = await reminders();
    expect(rows.map((n) => n.userId).sort()).toEqual(
      [world.users.eleve, world.users.parent, world.users.coach].sort(),
    );
    const parentView = await as(t, "parent").query(api.notifications.list, {
      paginationOpts: { numItems: 20, cursor: null },
    });
    expect(JSON.stringify(parentView)).toContain("Rappel : séance demain");
    await as(t, "parent").mutation(api.sessions.cancel, { sessionId: sessions.own });
    expect(await reminders()).toEqual([]);
    // and a reminder job that runs after the cancellation adds none
    await remind(sessions.own, session.startsAt);
    expect(await reminders()).toEqual([]);
  });
});
