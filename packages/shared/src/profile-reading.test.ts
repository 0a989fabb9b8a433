import { describe, expect, it } from "vitest";
import { computeProfile } from "./profile";
import { readingLevelFor, readingThresholds, readProfile } from "./profile-reading";
import { getSurvey } from "./questionnaires";

const survey = getSurvey();

/** Every Likert item answered `value` (1–5), every choice item left blank. */
function likertAll(value: number) {
  return Object.fromEntries(
    survey.items.filter((i) => i.kind === "likert").map((i) => [i.id, value]),
  );
}

describe("reversed scales", () => {
  it("turns the stress score so that higher always reads better", () => {
    const profile = computeProfile(survey, { "str-angoisse": 5, "str-moyens": 5, "str-calme": 1 });
    const stress = profile.dimensions.find((d) => d.id === "stress")!;
    expect(stress.score).toBe(100); // stored: very stressed
    const read = readProfile(profile).find((d) => d.id === "stress")!;
    expect(read).toMatchObject({
      label: "Sérénité face aux évaluations",
      score: 0,
      rawScore: 100,
      reversed: true,
      level: "attention",
    });
  });

  it("keeps reverse-scored survey items (« je me décourage vite ») in the higher-is-better direction", () => {
    // Agreeing with every statement: the reverse items pull motivation, organisation and
    // autonomy down, the direct ones up; the reading never shows a raw, unturned value.
    const agree = readProfile(computeProfile(survey, likertAll(5)));
    const disagree = readProfile(computeProfile(survey, likertAll(1)));
    const motivation = (r: typeof agree) => r.find((d) => d.id === "motivation")!.score;
    // 2 direct + 1 reverse item: agreeing with all gives (100 + 100 + 0) / 3.
    expect(motivation(agree)).toBe(67);
    expect(motivation(disagree)).toBe(33);
    // Stress: 2 direct + 1 reverse; agreeing with all = stressed = low serenity.
    expect(agree.find((d) => d.id === "stress")!.score).toBe(33);
    for (const d of agree) if (!d.reversed) expect(d.score).toBe(d.rawScore);
  });

  it("gives every dimension a level and a sentence on one scale", () => {
    expect(readingLevelFor(readingThresholds.appui)).toBe("appui");
    expect(readingLevelFor(readingThresholds.solide)).toBe("solide");
    expect(readingLevelFor(readingThresholds.fragile)).toBe("fragile");
    expect(readingLevelFor(readingThresholds.fragile - 1)).toBe("attention");
    const read = readProfile(computeProfile(survey, likertAll(3)));
    expect(read).toHaveLength(5);
    for (const d of read) expect(d.meaning).toMatch(/^\p{Lu}.*\.$/u);
  });
});
