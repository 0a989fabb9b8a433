import { ConvexError } from "convex/values";
import { describe, expect, it } from "vitest";
import { genericMessages, messageForStatus, toUserError } from "./errors";

const NOW = Date.UTC(2026, 10, 12, 9, 0, 0);

describe("toUserError", () => {
  it.each([
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "NOT_FOUND",
    "NO_ROLE",
    "INVALID_ARGUMENT",
    "INVALID_STATE",
  ] as const)("gives the generic French line for %s without a server message", (code) => {
    expect(toUserError(new ConvexError({ code }), NOW)).toEqual({
      code,
      message: genericMessages[code],
    });
  });

  it("prefers the French message the function wrote", () => {
    const error = new ConvexError({ code: "NOT_FOUND", message: "Ce bilan n'existe pas." });
    expect(toUserError(error, NOW).message).toBe("Ce bilan n'existe pas.");
  });

  it("keeps retryAfterMs and says when to retry for RATE_LIMITED", () => {
    const error = new ConvexError({ code: "RATE_LIMITED", retryAfterMs: 6_000 });
    const result = toUserError(error, NOW);
    expect(result.code).toBe("RATE_LIMITED");
    expect(result.retryAfterMs).toBe(6_000);
    expect(result.message).toMatch(
      /^Trop de demandes en peu de temps : réessayez dans 6\ssecondes\.$/,
    );
  });

  it("keeps the version to reload for CONFLICT", () => {
    const error = new ConvexError({
      code: "CONFLICT",
      message: "Julien Moreau a modifié la synthèse à 10 h 02.",
      currentVersion: 4,
    });
    expect(toUserError(error, NOW)).toEqual({
      code: "CONFLICT",
      message: "Julien Moreau a modifié la synthèse à 10 h 02.",
      currentVersion: 4,
    });
    expect(toUserError(new ConvexError({ code: "CONFLICT" }), NOW).message).toBe(
      genericMessages.CONFLICT,
    );
  });

  it("hides anything unexpected behind one French line", () => {
    expect(toUserError(new Error("TypeError at line 12"), NOW)).toEqual({
      code: "UNEXPECTED",
      message: genericMessages.UNEXPECTED,
    });
    expect(toUserError(new ConvexError({ code: "LEASE_LOST" }), NOW).code).toBe("UNEXPECTED");
    expect(toUserError(new ConvexError("texte"), NOW).code).toBe("UNEXPECTED");
  });
});

describe("messageForStatus", () => {
  it("has French titles for 404, 403 and the rest", () => {
    expect(messageForStatus(404).title).toBe("Page introuvable");
    expect(messageForStatus(403).title).toBe("Accès refusé");
    expect(messageForStatus(500).title).toBe("Une erreur s'est produite");
  });
});
