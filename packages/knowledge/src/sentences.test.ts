import { describe, expect, it } from "vitest";
import { splitSentences } from "./sentences.ts";

describe("splitSentences", () => {
  it("splits on final punctuation followed by a capital", () => {
    expect(
      splitSentences("La suite converge. Elle est croissante ! Est-elle majorée ? Oui."),
    ).toEqual(["La suite converge.", "Elle est croissante !", "Est-elle majorée ?", "Oui."]);
  });

  it("does not split after French abbreviations, initials or inside decimals", () => {
    const text =
      "M. Dupont cite p. ex. la fig. 3 et le chap. 2 du manuel. La masse vaut 3,5 kg et le taux 2.5 %. J. Martin conclut.";
    expect(splitSentences(text)).toEqual([
      "M. Dupont cite p. ex. la fig. 3 et le chap. 2 du manuel.",
      "La masse vaut 3,5 kg et le taux 2.5 %.",
      "J. Martin conclut.",
    ]);
  });

  it("keeps a lowercase continuation and a leading list number in the sentence", () => {
    expect(splitSentences("1. Calculer le discriminant... puis conclure.")).toEqual([
      "1. Calculer le discriminant... puis conclure.",
    ]);
  });

  it("keeps closing quotes with their sentence and joins back losslessly", () => {
    const text = "Il dit « Stop. » Puis il part. « Bien ! » Fin";
    const sentences = splitSentences(text);
    expect(sentences).toEqual(["Il dit « Stop. »", "Puis il part.", "« Bien ! »", "Fin"]);
    expect(sentences.join(" ")).toBe(text);
  });
});
