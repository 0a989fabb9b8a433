import { describe, expect, it } from "vitest";
import {
  auditActionLabel,
  auditActorLabel,
  auditDetailsText,
  auditFiltersSearch,
  auditTarget,
  parseAuditFilters,
} from "./audit-console";

describe("audit console", () => {
  it("translates known actions and leaves unknown ones to the raw name", () => {
    expect(auditActionLabel("bilan.approve")).toBe("Bilan validé");
    expect(auditActionLabel("seed.run")).toBe("Données de démonstration créées");
    expect(auditActionLabel("something.new")).toBeNull();
    expect(auditActionLabel("toString")).toBeNull();
  });

  it("reads the filters of the URL and ignores malformed values", () => {
    expect(
      parseAuditFilters(new URLSearchParams("action=bilan.approve&personne=k57abcdef0123456789")),
    ).toEqual({ action: "bilan.approve", actorId: "k57abcdef0123456789" });
    expect(parseAuditFilters(new URLSearchParams("action=<script>&personne=x y"))).toEqual({});
    expect(auditFiltersSearch({ action: "seed.run" })).toBe("?action=seed.run");
    expect(auditFiltersSearch({})).toBe("");
  });

  it("says who acted in French", () => {
    expect(
      auditActorLabel({ actorKind: "user", actor: { name: "Nadia Benali", role: "assistante" } }),
    ).toBe("Nadia Benali (assistante)");
    expect(auditActorLabel({ actorKind: "user", actor: { name: "Léa", role: "eleve" } })).toBe(
      "Léa (élève)",
    );
    expect(auditActorLabel({ actorKind: "worker", actor: null })).toBe("Le worker");
    expect(auditActorLabel({ actorKind: "system", actor: null })).toBe("Le système");
  });

  it("links targets that have a page and shortens details", () => {
    expect(auditTarget({ table: "bilans", id: "b1" })).toEqual({
      label: "Bilan",
      id: "b1",
      href: "/coach/bilans/b1",
    });
    expect(auditTarget({ table: "apiKeys", id: "k1" })).toEqual({
      label: "Clé d'API",
      id: "k1",
      href: null,
    });
    expect(auditTarget(null)).toBeNull();
    expect(auditDetailsText({ created: 3 })).toBe('{"created":3}');
    expect(auditDetailsText(undefined)).toBeNull();
    expect(auditDetailsText("x".repeat(300), 10)).toHaveLength(10);
  });
});

describe("invitations in the journal", () => {
  it("labels their actions and links to the invitations page", () => {
    expect(auditActionLabel("invitation.accept")).toBe("Invitation acceptée");
    expect(auditTarget({ table: "invitations", id: "k1" })).toEqual({
      label: "Invitation",
      id: "k1",
      href: "/admin/invitations",
    });
  });
});
