import { describe, expect, it } from "vitest";
import { renderAlertEmail } from "./render-alert-email";
import { type BilanEmailProps, renderBilanEmail } from "./render-bilan-email";

const base: BilanEmailProps = {
  recipient: {
    name: "Hélène Lefèvre",
    role: "parent",
    salutation: { style: "civilite", civility: "Madame", lastName: "Lefèvre" },
  },
  student: { firstName: "Zoé", lastName: "Lefèvre-Garçon", niveau: "premiere" },
  subject: "maths",
  parentSummary:
    "Zoé a de bonnes bases ; la dérivation est à consolider avec un travail régulier sur trois semaines.",
  dashboardUrl: "https://app.nexus-reussite.fr/bilans/b_123?version=2",
  pdfFilename: "bilan-zoe-lefevre-garcon-maths-v2.pdf",
  coachName: "Mme Côté",
  centre: {
    name: "Nexus Réussite",
    contact: "contact@nexus-reussite.fr · 01 23 45 67 89",
    address: "12 rue des Écoles, 75005 Paris",
    phone: "01 23 45 67 89",
    email: "contact@nexus-reussite.fr",
    privacyUrl: "https://nexus-reussite.fr/confidentialite",
  },
};

describe("renderBilanEmail for a parent", () => {
  it("greets the parent and names the student, subject and niveau", async () => {
    const email = await renderBilanEmail(base);
    expect(email.subject).toBe("Bilan de Mathématiques de Zoé Lefèvre-Garçon – Nexus Réussite");
    for (const body of [email.html, email.text]) {
      expect(body).toContain("Bonjour Madame Lefèvre,");
      expect(body).toContain("Zoé Lefèvre-Garçon");
      expect(body).toContain("Mathématiques (Première)");
      expect(body).toContain("validé par Mme Côté");
      expect(body).toContain("la dérivation est à consolider");
      expect(body).toContain("bilan-zoe-lefevre-garcon-maths-v2.pdf");
      expect(body).toContain("L’équipe Nexus Réussite");
    }
    expect(email.html).toContain('lang="fr"');
  });

  it("links to the dashboard in both alternatives", async () => {
    const email = await renderBilanEmail(base);
    expect(email.html).toContain('href="https://app.nexus-reussite.fr/bilans/b_123?version=2"');
    expect(email.text).toContain("https://app.nexus-reussite.fr/bilans/b_123?version=2");
    expect(email.text).toContain("Voir le bilan sur le tableau de bord");
  });

  it("produces a plain-text alternative without markup", async () => {
    const { text } = await renderBilanEmail(base);
    expect(text).not.toMatch(/<[a-z/!]/i);
    expect(text).not.toContain("undefined");
    expect(text).toContain("Le rapport complet est joint à ce message au format PDF");
  });
});

describe("greeting, footer and progress", () => {
  it("greets as the family prefers, never with the full account name", async () => {
    const greet = async (salutation?: BilanEmailProps["recipient"]["salutation"]) =>
      (await renderBilanEmail({ ...base, recipient: { ...base.recipient, salutation } })).text;
    expect(await greet({ style: "prenom", firstName: "Hélène" })).toContain("Bonjour Hélène,");
    expect(await greet({ style: "civilite", civility: "Monsieur", lastName: "Garçon" })).toContain(
      "Bonjour Monsieur Garçon,",
    );
    const plain = await greet(undefined);
    expect(plain).toContain("Bonjour,");
    expect(plain).not.toContain("Bonjour Hélène Lefèvre");
  });

  it("ends with the centre's address, how to reach the coach and the RGPD notice", async () => {
    const email = await renderBilanEmail(base);
    for (const body of [email.html, email.text]) {
      expect(body).toContain("Nexus Réussite – 12 rue des Écoles, 75005 Paris");
      expect(body).toContain(
        "Pour joindre Mme Côté, répondez simplement à ce message ou contactez le centre (01 23 45 67 89 · contact@nexus-reussite.fr).",
      );
      expect(body).toContain("conformément au RGPD");
    }
    expect(email.html).toContain('href="https://nexus-reussite.fr/confidentialite"');
    expect(email.text).toContain("https://nexus-reussite.fr/confidentialite");
  });

  it("says the progress since the previous bilan in one sentence, when there is one", async () => {
    const progress =
      "Depuis le bilan du 8 octobre 2026, la réussite globale passe de 48\u00a0% à 63\u00a0% (+15\u00a0points).";
    const email = await renderBilanEmail({ ...base, progress });
    expect(email.text).toContain(progress);
    expect(email.html).toContain("la réussite globale passe de 48");
    expect((await renderBilanEmail(base)).text).not.toContain("Depuis le bilan");
  });

  it("names the student and the subject in the subject line", async () => {
    const { subject } = await renderBilanEmail(base);
    expect(subject).toContain("Zoé Lefèvre-Garçon");
    expect(subject).toContain("Mathématiques");
  });
});

describe("renderBilanEmail for the student", () => {
  it("speaks to the student directly", async () => {
    const email = await renderBilanEmail({
      ...base,
      recipient: { name: "Zoé", role: "eleve" },
      coachName: undefined,
    });
    expect(email.subject).toBe("Ton bilan de Mathématiques est disponible – Nexus Réussite");
    expect(email.text).toContain("Bonjour Zoé,");
    expect(email.text).toContain("Ton bilan pédagogique en Mathématiques (Première) est prêt.");
    expect(email.text).not.toContain("validé par");
    expect(email.html).toContain("Voir mon bilan");
  });

  it("uses the default centre name when none is given", async () => {
    const { centre: _centre, ...rest } = base;
    const email = await renderBilanEmail(rest);
    expect(email.text).toContain("L’équipe Nexus Réussite");
    expect(email.text).not.toContain("01 23 45 67 89");
  });
});

describe("renderBilanEmail input checks", () => {
  it.each([
    [
      "a dashboard URL that is not http(s)",
      { dashboardUrl: "javascript:alert(1)" },
      "dashboardUrl",
    ],
    ["an empty parent summary", { parentSummary: "  " }, "parentSummary"],
    ["an unknown subject", { subject: "latin" }, "subject"],
  ])("refuses %s", async (_name, patch, field) => {
    const error = await renderBilanEmail({ ...base, ...patch } as BilanEmailProps).catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/^Paramètres de l'e-mail de bilan invalides/);
    expect(error.message).toContain(field);
  });
});

describe("renderAlertEmail", () => {
  it("renders a short French alert for administrators", async () => {
    const email = await renderAlertEmail({
      title: "Génération de PDF en échec",
      message: "Le job bilan.pdf a échoué 5 fois de suite ; il reste en attente d'une relance.",
      details: [
        { label: "File", value: "bilan.pdf" },
        { label: "Tentatives", value: 5 },
      ],
      occurredAt: Date.UTC(2026, 10, 21, 9, 30),
      adminUrl: "https://app.nexus-reussite.fr/admin/jobs",
    });
    expect(email.subject).toBe("[Nexus Réussite] Alerte : Génération de PDF en échec");
    expect(email.text).toContain("Génération de PDF en échec");
    expect(email.text).toContain("Tentatives : 5");
    expect(email.text).toContain("21 novembre 2026 à 10:30");
    expect(email.text).toContain("https://app.nexus-reussite.fr/admin/jobs");
    expect(email.html).toContain('href="https://app.nexus-reussite.fr/admin/jobs"');
  });

  it("refuses an alert without a message", async () => {
    const error = await renderAlertEmail({ title: "x", message: "", occurredAt: 1 }).catch(
      (e) => e,
    );
    expect(error.message).toMatch(/^Paramètres de l'alerte invalides/);
  });
});
