// The coaching e-mail handlers against the real Convex functions (convex-test): a booking's
// confirmation goes to the élève, the parent and the coach (host link) with the .ics; a retried
// job sends nothing twice; a moved or cancelled session's reminder sends nothing; a paid
// payment's receipt carries its PDF. Mutants this catches: the startsAt check removed from
// coachingMail.sessionMail (a moved session reminded at its old time), beginEmail not skipping
// a sent row (second send).
import type { EmailSender, OutgoingEmail } from "@nexus/email/email-sender";
import { describe, expect, it } from "vitest";
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
});
