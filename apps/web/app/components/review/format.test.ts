import { describe, expect, it } from "vitest";
import {
  formatDateFr,
  formatDateTimeFr,
  joinNamesFr,
  othersPresentLabel,
  pagesLabel,
  revisionLabel,
} from "./format";
import { writtenAt } from "./queue-list";

describe("coach pages wording", () => {
  it("joins names the French way", () => {
    expect(joinNamesFr([])).toBe("");
    expect(joinNamesFr(["Claire"])).toBe("Claire");
    expect(joinNamesFr(["Claire", "Julien"])).toBe("Claire et Julien");
    expect(joinNamesFr(["Claire", "Julien", "Nadia"])).toBe("Claire, Julien et Nadia");
  });

  it("names the others on the page, never the caller, once each", () => {
    expect(othersPresentLabel([{ name: "Julien Moreau", isMe: true }])).toBeNull();
    expect(
      othersPresentLabel([
        { name: "Julien Moreau", isMe: true },
        { name: "Claire Lefèvre", isMe: false },
        { name: "Claire Lefèvre", isMe: false },
      ]),
    ).toBe("Également sur cette page : Claire Lefèvre");
  });

  it("dates in Paris time, the same on the server and in the browser", () => {
    // 2026-12-03 13:05 UTC is 14:05 in Paris (winter time).
    expect(formatDateTimeFr(Date.UTC(2026, 11, 3, 13, 5))).toBe(
      "3 décembre 2026 à 14\u00a0h\u00a005",
    );
    expect(formatDateTimeFr(Date.UTC(2026, 11, 1, 8, 0))).toBe("1er décembre 2026 à 9\u00a0h");
    // Summer time, and midnight as 0 h.
    expect(formatDateTimeFr(Date.UTC(2026, 5, 14, 22, 30))).toBe("15 juin 2026 à 0\u00a0h\u00a030");
    expect(formatDateFr(Date.UTC(2026, 10, 1, 12))).toBe("1er novembre 2026");
  });

  it("labels pages and revisions", () => {
    expect(pagesLabel(4)).toBe("p. 4");
    expect(pagesLabel(4, 5)).toBe("p. 4-5");
    expect(revisionLabel({ source: "generated" }, "u1")).toBe("Générée automatiquement");
    const julien = { name: "Julien Moreau", role: "coach" as const };
    expect(revisionLabel({ source: "edited", authorId: "u1", author: julien }, "u1")).toBe(
      "Modifiée par vous",
    );
    expect(revisionLabel({ source: "edited", authorId: "u2", author: julien }, "u1")).toBe(
      "Modifiée par Julien Moreau (coach)",
    );
    expect(
      revisionLabel(
        { source: "edited", authorId: "u3", author: { name: "Sophie Martin", role: "admin" } },
        "u1",
      ),
    ).toBe("Modifiée par Sophie Martin (administration)");
    expect(
      revisionLabel({ source: "edited", authorId: "u4", author: { name: "Léa Petit" } }, "u1"),
    ).toBe("Modifiée par Léa Petit");
    // An author whose account no longer exists.
    expect(revisionLabel({ source: "edited", authorId: "u5" }, "u1")).toBe(
      "Modifiée par un membre de l'équipe",
    );
  });

  it("dates a queued bilan by its newest generation", () => {
    expect(writtenAt({ updatedAt: 5 })).toBe(5);
    expect(
      writtenAt({
        updatedAt: 9,
        generation: {
          provider: "local",
          model: "m",
          promptVersion: "p",
          inputTokens: 1,
          outputTokens: 1,
          durationMs: 1,
          generatedAt: 7,
        },
      }),
    ).toBe(7);
  });
});
