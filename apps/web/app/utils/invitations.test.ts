import { describe, expect, it } from "vitest";
import {
  displayStatus,
  invitableRoles,
  invitationPurpose,
  invitationTokenOf,
  listFr,
} from "./invitations";

describe("invitations (web helpers)", () => {
  it("derives « expirée » from expiresAt with the page's clock", () => {
    expect(displayStatus({ status: "pending", expiresAt: 10 }, 9)).toBe("pending");
    expect(displayStatus({ status: "pending", expiresAt: 10 }, 10)).toBe("expired");
    expect(displayStatus({ status: "accepted", expiresAt: 10 }, 20)).toBe("accepted");
    expect(displayStatus({ status: "revoked", expiresAt: 10 }, 20)).toBe("revoked");
  });

  it("offers the assistante role to admins only", () => {
    expect(invitableRoles("admin")).toContain("assistante");
    expect(invitableRoles("assistante")).toEqual(["parent", "eleve", "coach"]);
  });

  it("says what the invitation is for, in French", () => {
    expect(listFr(["Lucas", "Emma", "Jade"])).toBe("Lucas, Emma et Jade");
    expect(invitationPurpose("parent", ["Théo"])).toBe(
      "en tant que parent de Théo, pour suivre ses bilans",
    );
    expect(invitationPurpose("parent", ["Théo", "Léa"])).toBe(
      "en tant que parent de Théo et Léa, pour suivre leurs bilans",
    );
    expect(invitationPurpose("coach", [])).toBe("en tant que coach");
  });

  it("finds the token of an invitation path only", () => {
    const token = "A".repeat(43);
    expect(invitationTokenOf(`/invitation/${token}`)).toBe(token);
    expect(invitationTokenOf(`/invitation/${token}/x`)).toBeUndefined();
    expect(invitationTokenOf("/invitation/court")).toBeUndefined();
    expect(invitationTokenOf("/parent")).toBeUndefined();
  });
});
