import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { receiptPdf } from "./receipt-pdf";
import { renderReceiptEmail, renderSessionEmail } from "./render-coaching-email";
import { sessionIcs } from "./session-ics";

const startsAt = Date.UTC(2026, 9, 26, 16); // lundi 26 octobre 2026, 17 h à Paris (CET)

const session = {
  kind: "confirm" as const,
  recipientName: "Claire Martin",
  asCoach: false,
  studentName: "Alice Martin",
  coachName: "Nathalie Benali",
  subject: "maths" as const,
  startsAt,
  durationMinutes: 60,
  joinUrl: "https://meet.jit.si/nexus-abc",
  sessionsUrl: "http://localhost:3000/seances",
  noticeHours: 24,
  centre: { name: "Nexus Réussite" },
};

describe("coaching e-mails", () => {
  it("confirms a booking in French at the Paris time, with the visio link and the policy", async () => {
    const email = await renderSessionEmail(session);
    expect(email.subject).toBe(
      "Séance réservée : Mathématiques, lundi 26 octobre 2026 à 17\u00a0h",
    );
    expect(email.text).toContain("La séance de Alice Martin avec Nathalie Benali est réservée");
    expect(email.text).toContain("au moins 24 h avant rend les crédits");
    expect(email.html).toContain('href="https://meet.jit.si/nexus-abc"');
  });

  it("reminds the coach an hour before, as host", async () => {
    const email = await renderSessionEmail({ ...session, kind: "remind1h", asCoach: true });
    expect(email.subject).toMatch(/^Rappel : séance à 17\u00a0h/);
    expect(email.text).toContain("La séance avec Alice Martin commence dans une heure");
    expect(email.text).toContain("en tant qu’animateur");
    expect(email.text).not.toContain("rend les crédits");
  });

  it("puts the RGPD footer on every message and the unsubscribe link on reminders only", async () => {
    const links = {
      privacyUrl: "https://app.test/confidentialite",
      unsubscribeUrl: "https://app.test/desabonnement/tok",
    };
    const reminder = await renderSessionEmail({ ...session, kind: "remind24h", ...links });
    expect(reminder.html).toContain('href="https://app.test/desabonnement/tok"');
    expect(reminder.text).toContain("Ne plus recevoir les rappels de séance par e-mail");
    expect(reminder.text).toContain("conformément au RGPD");
    const confirmation = await renderSessionEmail({ ...session, ...links });
    expect(confirmation.html).not.toContain("desabonnement");
    expect(confirmation.html).toContain('href="https://app.test/confidentialite"');
    expect(confirmation.text).toContain("conformément au RGPD");
  });

  it("refuses bad props in French", async () => {
    await expect(
      renderSessionEmail({ ...session, joinUrl: "javascript:alert(1)" }),
    ).rejects.toThrow(/Paramètres de l’e-mail de séance invalides/);
  });

  it("writes an .ics in UTC with a stable UID", () => {
    const ics = new TextDecoder().decode(
      sessionIcs({
        sessionId: "s1",
        startsAt,
        durationMinutes: 60,
        title: "Séance de mathématiques",
        description: "Avec Nathalie Benali",
        joinUrl: session.joinUrl,
        organizerName: "Nexus Réussite",
        sequence: 1,
      }),
    );
    expect(ics).toContain("BEGIN:VEVENT");
    expect(ics).toContain("UID:s1@nexus-reussite");
    expect(ics).toContain("DTSTART:20261026T160000Z");
    expect(ics).toContain("SEQUENCE:1");
    expect(ics).toContain("DURATION:PT60M");
  });

  it("writes the receipt e-mail and its PDF", async () => {
    const props = {
      recipientName: "Claire Martin",
      studentName: "Alice Martin",
      productName: "Pack 10 crédits",
      credits: 10,
      amountCents: 25_000,
      method: "cash" as const,
      reference: "NXR-7K2M9QXA",
      paidAt: startsAt,
      centre: { name: "Nexus Réussite" },
    };
    const email = await renderReceiptEmail(props);
    expect(email.subject).toBe("Reçu de paiement NXR-7K2M9QXA – Nexus Réussite");
    expect(email.text).toContain("10 crédits sont ajoutés au portefeuille de Alice Martin");
    expect(email.text).toContain("250,00\u00a0€");
    const pdf = await receiptPdf({
      ...props,
      centreName: "Nexus Réussite",
      payerName: "Claire Martin",
    });
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getTitle()).toBe("Reçu NXR-7K2M9QXA");
  });
});
