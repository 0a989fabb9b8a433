// The labelled set (aria-set.json, 30 questions): the offline tutor cites the expected page
// for at least 80 % of them, and no Socratic first reply contains an exercise's final answer
// (nor needs the Socratic guard, socratic-guard.ts, to take anything out).
// Measured figures are printed (and in bun run bench).
import { beforeAll, describe, expect, it } from "vitest";
import { type EvalPassage, evaluateTutor, loadAriaSet, starterPassages } from "./tutor-eval.ts";

describe("ARIA's offline tutor over the starter knowledge base", () => {
  let passages: EvalPassage[];
  beforeAll(async () => {
    passages = await starterPassages();
  }, 120_000);

  it("cites the right page for at least 80 % of the 30 labelled questions", () => {
    const set = loadAriaSet();
    expect(set.questions).toHaveLength(30);
    const report = evaluateTutor(set, passages);
    for (const o of report.outcomes.filter((x) => !x.right)) console.log("miss", JSON.stringify(o));
    console.log(JSON.stringify({ rightShare: report.rightShare, questions: report.questions }));
    expect(report.rightShare).toBeGreaterThanOrEqual(0.8);
  });

  it("never gives an exercise's final answer in a Socratic first reply", () => {
    const set = loadAriaSet();
    const exercises = set.questions.filter((q) => q.finalAnswer);
    expect(exercises.length).toBeGreaterThanOrEqual(10);
    const report = evaluateTutor(set, passages);
    const leaks = report.outcomes.filter((o) => o.socraticLeaks.length > 0);
    expect(leaks).toEqual([]);
    // The provider-independent guard has nothing to take out of the offline tutor's replies
    // (its own masking keeps the promise), so it never mangles them.
    expect(report.outcomes.filter((o) => o.guarded).map((o) => o.question)).toEqual([]);
  });
});
