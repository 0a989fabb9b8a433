import { describe, expect, it } from "vitest";
import {
  expiryFr,
  type InvitationEmailProps,
  listFr,
  renderInvitationEmail,
} from "./render-invitation-email";

// Monday 7 December 2026, 15:30 in Paris (14:30 UTC).
const EXPIRES = Date.UTC(2026, 11, 7, 14, 30);

const parent: InvitationEmailProps = {
  role: "parent",
  inviterName: "Nadia Benali",
  students: [{ firstName: "Théo", lastName: "Lambert" }],
  acceptUrl: "https://app.nexus-reussite.fr/invitation/AbC_123-xyz",
  expiresAt: EXPIRES,
  centre: { name: "Nexus Réussite", contact: "contact@nexus-reussite.fr" },
};

describe("renderInvitationEmail", () => {
  it("says who invites, as what, for which child, with the link and its expiry", async () => {
    const email = await renderInvitationEmail(parent);
    expect(email.subject).toBe("Invitation à suivre les bilans de Théo – Nexus Réussite");
    for (const body of [email.html, email.text]) {
      expect(body).toContain(
        "Nadia Benali vous invite à rejoindre l’espace en ligne de Nexus Réussite.",
      );
      expect(body).toContain("en tant que parent de Théo Lambert");
      expect(body).toContain("expire le lundi 7 décembre 2026 à 15 h 30");
      expect(body).toContain("L’équipe Nexus Réussite");
    }
    expect(email.html).toContain('href="https://app.nexus-reussite.fr/invitation/AbC_123-xyz"');
    expect(email.text).toContain("https://app.nexus-reussite.fr/invitation/AbC_123-xyz");
    expect(email.html).toContain('lang="fr"');
    expect(email.text).not.toMatch(/<[a-z/!]/i);
    expect(email.text).not.toContain("undefined");
  });

  it("speaks to an élève with tu, and names a coach’s students", async () => {
    const eleve = await renderInvitationEmail({ ...parent, role: "eleve" });
    expect(eleve.subject).toBe("Invitation à rejoindre Nexus Réussite");
    expect(eleve.text).toContain("Nadia Benali t’invite");
    expect(eleve.text).toContain("Connecte-toi avec cette adresse e-mail");
    const coach = await renderInvitationEmail({
      ...parent,
      role: "coach",
      students: [
        { firstName: "Théo", lastName: "Lambert" },
        { firstName: "Inès", lastName: "Moreau" },
      ],
    });
    expect(coach.text).toContain("en tant que coach, pour suivre Théo Lambert et Inès Moreau.");
    const assistante = await renderInvitationEmail({ ...parent, role: "assistante", students: [] });
    expect(assistante.text).toContain("en tant qu’assistante");
  });

  it("refuses a link that is not http(s)", async () => {
    const error = await renderInvitationEmail({
      ...parent,
      acceptUrl: "javascript:alert(1)",
    }).catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String(error.message)).toContain("acceptUrl");
  });
});

describe("French helpers", () => {
  it("lists names and writes the expiry", () => {
    expect(listFr([])).toBe("");
    expect(listFr(["Lucas"])).toBe("Lucas");
    expect(listFr(["Lucas", "Emma", "Jade"])).toBe("Lucas, Emma et Jade");
    expect(expiryFr(EXPIRES)).toBe("le lundi 7 décembre 2026 à 15 h 30");
  });
});
