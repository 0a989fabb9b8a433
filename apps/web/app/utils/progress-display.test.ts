import { compareBilans } from "@nexus/shared/progress";
import type { BilanScores } from "@nexus/shared/results";
import { describe, expect, it } from "vitest";
import { changeText, deltaText } from "./progress-display";

function scores(percents: Record<string, number>): BilanScores {
  const domains = Object.entries(percents).map(([domainId, percent]) => ({
    domainId,
    label: domainId,
    earned: percent,
    max: 100,
    percent,
    mastery: "en_cours" as const,
    answered: 1,
    total: 1,
  }));
  return {
    questionnaireId: "maths-premiere",
    questionnaireVersion: 1,
    domains,
    overall: { earned: 50, max: 100, percent: 50, mastery: "en_cours" },
    unanswered: 0,
  };
}

describe("deltaText", () => {
  it("shows the report's arrow and « +12 points » and says it in words", () => {
    expect(deltaText(12)).toEqual({
      shown: "↑ +12\u00a0points",
      spoken: "en hausse de 12\u00a0points",
      tone: "up",
    });
    expect(deltaText(-5)).toEqual({
      shown: "↓ \u22125\u00a0points",
      spoken: "en baisse de 5\u00a0points",
      tone: "down",
    });
    expect(deltaText(0)).toEqual({ shown: "→ stable", spoken: "stable", tone: "stable" });
    expect(deltaText(1)).toEqual({
      shown: "→ stable (+1)",
      spoken: "stable (hausse de 1\u00a0point)",
      tone: "stable",
    });
    expect(deltaText(-2).spoken).toBe("stable (baisse de 2\u00a0points)");
  });
});

describe("changeText over compareBilans", () => {
  it("names domains added or no longer assessed instead of inventing a change", () => {
    const progress = compareBilans(
      { date: 1, scores: scores({ suites: 40, geometrie: 70 }) },
      scores({ suites: 52, probabilites: 30 }),
    );
    expect(progress.domains.map((d) => [d.domainId, changeText(d).shown])).toEqual([
      ["suites", "↑ +12\u00a0points"],
      ["probabilites", "nouveau domaine"],
      ["geometrie", "plus évalué"],
    ]);
    expect(progress.domains.map((d) => changeText(d).tone)).toEqual(["up", "added", "removed"]);
  });
});
