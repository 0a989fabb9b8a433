// The Socratic guard on its own: replies that give an exercise's result away (as an LLM may,
// whatever its prompt says) lose the result and end with a guiding question; the method and
// the question's own data stay; the text does not depend on how the stream was split; only
// first Socratic replies are touched. Through the real SDKs: socratic-guard.sdk.test.ts.
import { describe, expect, it } from "vitest";
import type { TutorProvider, TutorRequest, TutorResult } from "./contracts";
import {
  GUIDING_QUESTION,
  guardReply,
  guardSentence,
  SocraticGuard,
  withSocraticGuard,
} from "./socratic-guard";

const flat = (s: string) => s.replace(/\s+/g, "").replace(/−/g, "-");

// Exercises of the labelled set (apps/worker/src/aria/aria-set.json), each with a reply
// giving the final answer away in a different way, and that answer.
const GIVEAWAYS = [
  {
    question:
      "Exercice : une suite géométrique a pour premier terme 3 et pour raison 2 ; calcule la somme des 5 premiers termes.",
    reply:
      "On utilise S = u0 × (1 − q^n) / (1 − q) [1]. Ici S = 3 × (1 − 2^5) / (1 − 2) = 93. La réponse est 93.",
    answers: ["93"],
    keeps: "S = u0 × (1 − q^n) / (1 − q) [1]",
  },
  {
    question:
      "Exercice : avec un arbre pondéré, P(A) = 0,3, la probabilité de B sachant A est 0,5 et sachant non A est 0,2 ; calcule P(B) avec les probabilités totales.",
    reply: "D'après la formule des probabilités totales, P(B) = 0,3 × 0,5 + 0,7 × 0,2 = 0,29 [1].",
    answers: ["0,29", "0.29"],
    keeps: "D'après la formule des probabilités totales, P(B) =",
  },
  {
    question: "Exercice : trouve le sommet de la parabole f(x) = x² − 2x + 3.",
    reply: "La forme canonique est f(x) = (x − 1)² + 2. Le sommet est donc le point (1 ; 2) [1].",
    answers: ["(1 ; 2)", "(1;2)"],
    keeps: "La forme canonique est f(x) =",
  },
  {
    question: "Exercice : X suit la loi binomiale B(20 ; 0,5) ; calcule l'espérance de X.",
    reply: "Pour une loi binomiale, E(X) = np [1].\nOn obtient E(X) = 20 × 0,5 = 10, voilà !",
    answers: ["= 10", "vaut 10", "E(X) = 10"],
    keeps: "E(X) = np [1]",
  },
  {
    question:
      "Exercice : donne l'équation de la tangente à la courbe de f(x) = x² au point d'abscisse 3.",
    reply:
      "La tangente a pour équation y = f'(a)(x − a) + f(a) [1]. Avec f'(3) = 6 et f(3) = 9, la tangente est y = 6x − 9.",
    answers: ["6x − 9", "6x - 9"],
    keeps: "y = f'(a)(x − a) + f(a) [1]",
  },
  {
    question: "Exercice : résous l'équation exponentielle e^x = 5 avec le logarithme népérien.",
    reply: "On applique ln des deux côtés [1]. Au final, x = ln 5 est la solution.",
    answers: ["ln 5"],
    keeps: "On applique ln des deux côtés [1].",
  },
];

describe("guardReply", () => {
  it.each(GIVEAWAYS)(
    "withholds the result of « $question »",
    ({ question, reply, answers, keeps }) => {
      const guarded = guardReply(reply, { question });
      for (const answer of answers) expect(flat(guarded)).not.toContain(flat(answer));
      expect(guarded.endsWith(GUIDING_QUESTION)).toBe(true);
      // The method (or at least its first step) is still there.
      expect(guarded).toContain(keeps);
    },
  );

  it("keeps the method and the question's own data, and adds nothing to a clean reply", () => {
    const question = "Exercice : trouve le sommet de la parabole f(x) = x² − 2x + 3.";
    const reply =
      "Commence par écrire f(x) = x² − 2x + 3 sous forme canonique [1]. " +
      "Quelle valeur de α obtiens-tu avec α = −b/(2a) ?";
    expect(guardReply(reply, { question })).toBe(reply);
  });

  it("never lets a known final answer through, even outside a result sentence", () => {
    const { text, changed } = guardSentence("Tu devrais voir apparaître 3x² quelque part.", {
      question: "la dérivée d'un produit uv avec u = x et v = x²",
      known: ["3x²"],
    });
    expect(text).toBeNull();
    expect(changed).toBe(true);
  });

  it("masks a result inside a sentence that also explains the method", () => {
    const { text } = guardSentence("Calcule Δ = b² − 4ac, qui vaut ici −3, puis conclus", {
      question: "calcule le discriminant de x² + x + 1",
    });
    expect(text).toBe("Calcule Δ = b² − 4ac, qui vaut …, puis conclus");
  });
});

describe("SocraticGuard streaming", () => {
  it("gives the same text however the stream is split", () => {
    for (const { question, reply } of GIVEAWAYS) {
      const whole = guardReply(reply, { question });
      for (const size of [1, 2, 5, 17]) {
        const guard = new SocraticGuard({ question });
        let out = "";
        for (let i = 0; i < reply.length; i += size) out += guard.push(reply.slice(i, i + size));
        out += guard.end();
        expect(out).toBe(whole);
      }
    }
  });

  it("releases a sentence as soon as it is complete", () => {
    const guard = new SocraticGuard({ question: "Comment dériver un produit ?" });
    expect(guard.push("Pense à la formule du produit.")).toBe("");
    expect(guard.push(" Quelle")).toBe("Pense à la formule du produit. ");
  });
});

function scripted(text: string): TutorProvider {
  return {
    name: "openai",
    model: "fake",
    deterministic: false,
    async *answer(): AsyncGenerator<string, TutorResult> {
      for (const piece of text.match(/.{1,7}/gsu) ?? []) yield piece;
      return { cited: [0], noSource: false, inputTokens: 10, outputTokens: 5 };
    },
  };
}

async function run(provider: TutorProvider, request: TutorRequest) {
  let text = "";
  const it = provider.answer(request);
  for (;;) {
    const next = await it.next();
    if (next.done) return { text, result: next.value };
    text += next.value;
  }
}

describe("withSocraticGuard", () => {
  const { question, reply } = GIVEAWAYS[0]!;
  const base: TutorRequest = { question, mode: "socratique", subject: "maths", passages: [] };

  it("guards a first Socratic reply and keeps the provider's result", async () => {
    const { text, result } = await run(withSocraticGuard(scripted(reply)), base);
    expect(text).not.toContain("93");
    expect(text.endsWith(GUIDING_QUESTION)).toBe(true);
    expect(result).toEqual({ cited: [0], noSource: false, inputTokens: 10, outputTokens: 5 });
  });

  it("leaves direct answers and later Socratic steps untouched", async () => {
    const direct = await run(withSocraticGuard(scripted(reply)), { ...base, mode: "direct" });
    expect(direct.text).toBe(reply);
    const later = await run(withSocraticGuard(scripted(reply)), {
      ...base,
      history: [
        { role: "user", text: question },
        { role: "assistant", text: "Quelle formule connais-tu pour cette somme ?" },
      ],
    });
    expect(later.text).toBe(reply);
  });
});
