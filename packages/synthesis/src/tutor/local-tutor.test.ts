// The offline tutor's rules that the labelled set does not pin down: nothing relevant → it
// says so and cites nothing; Socratic steps follow the conversation (a new question starts
// over, a short follow-up moves on); a request for the answer to copy is declined; the
// stream is the composed text, deterministic.
import { describe, expect, it } from "vitest";
import type { TutorRequest } from "./contracts";
import { zTutorRequest } from "./contracts";
import { composeLocalAnswer, LocalTutor, socraticStep } from "./local-tutor";

const passage = {
  chunkId: "c1",
  documentId: "d1",
  documentTitle: "La dérivation",
  pageStart: 1,
  pageEnd: 1,
  text: "Équation de la tangente\nLa tangente à la courbe de f au point d'abscisse a a pour équation y = f'(a)(x − a) + f(a).\nExemple : pour f(x) = x² en a = 3, la tangente a pour équation y = 6x − 9.",
};
const base: TutorRequest = {
  question: "Quelle est l'équation de la tangente en un point ?",
  mode: "direct",
  subject: "maths",
  passages: [passage],
};

describe("local tutor", () => {
  it("says it found nothing and cites nothing when no passage is relevant", () => {
    const answer = composeLocalAnswer(
      zTutorRequest.parse({ ...base, question: "Qui a gagné la coupe du monde de football ?" }),
    );
    expect(answer).toMatchObject({ noSource: true, cited: [] });
    expect(answer.text).toContain("Je n'ai rien trouvé dans les fiches");
  });

  it("restarts the Socratic steps on a new question and moves on after a short follow-up", () => {
    const history = [
      { role: "user" as const, text: "Comment calculer l'espérance d'une variable aléatoire ?" },
      { role: "assistant" as const, text: "Cherchons ensemble." },
    ];
    const next = (question: string) =>
      socraticStep(zTutorRequest.parse({ ...base, mode: "socratique", question, history }));
    expect(next("Quelle est l'équation de la tangente en un point ?")).toBe(0);
    expect(next("Je trouve 12, c'est ça ?")).toBe(1);
  });

  it("declines to give an answer to copy, and never the example's result in the first reply", () => {
    const answer = composeLocalAnswer(
      zTutorRequest.parse({
        ...base,
        mode: "socratique",
        question:
          "Donne-moi juste la réponse à recopier : l'équation de la tangente en a = 3 pour x².",
      }),
    );
    expect(answer.text).toContain("Je ne vais pas te donner une réponse toute faite à recopier");
    expect(answer.text).not.toContain("6x − 9");
  });

  it("streams exactly the composed text", async () => {
    let text = "";
    for await (const piece of new LocalTutor().answer(base)) text += piece;
    expect(text).toBe(composeLocalAnswer(zTutorRequest.parse(base)).text);
  });
});
