import type { Synthesis } from "@nexus/shared/synthesis";
import { describe, expect, it } from "vitest";
import { checkGrounding, type GroundingContext, type GroundingViolationCode } from "./grounding";
import { writeLocalSynthesis } from "./local-writer";
import { selectOffers } from "./offers";
import { makeInput } from "./test-fixtures";

// suites 25 % (non acquis), fonctions 53 % (en cours), probabilites 71 %, geometrie 85 %, algebre 28 %.
const input = makeInput({
  subject: "maths",
  masteries: ["non_acquis", "en_cours", "acquis", "maitrise"],
  profile: "fragile",
  chunks: true,
});
const offers = selectOffers(input.scores, input.profile, input.student);
const ctx: GroundingContext = { ...input, allowedOfferIds: offers.map((o) => o.offerId) };
const clean = writeLocalSynthesis(input, offers);
const pct = (id: string) => input.scores.domains.find((d) => d.domainId === id)!.percent;

function mutate(change: (s: Synthesis) => void): Synthesis {
  const s = structuredClone(clean);
  change(s);
  return s;
}

const mustCatch: [string, GroundingViolationCode, (s: Synthesis) => void][] = [
  [
    "a wrong percentage for a domain",
    "unknown_percent",
    (s) => {
      s.weaknesses[0]!.text = "Le domaine « Suites numériques » n’est pas acquis (33 %).";
    },
  ],
  [
    "a decimal percentage that was never computed",
    "unknown_percent",
    (s) => {
      s.summary += " La progression attendue est de 62,5 %.";
    },
  ],
  [
    "a percentage of no domain written in words",
    "unknown_percent",
    (s) => {
      s.parentSummary = "Votre enfant obtient 99 pour cent.";
    },
  ],
  [
    "another domain's percentage attributed to a domain",
    "misattributed_percent",
    (s) => {
      s.summary += ` En algèbre, la réussite atteint ${pct("geometrie")} %.`;
    },
  ],
  [
    "a strength quoting another domain's percentage",
    "misattributed_percent",
    (s) => {
      const i = s.strengths.findIndex((x) => x.domainId === "geometrie");
      s.strengths[i]!.text = `Très bon résultat (${pct("probabilites")} %).`;
    },
  ],
  [
    "a conversion to a mark out of 20",
    "unknown_fraction",
    (s) => {
      s.summary += " Cela correspond à 10/20.";
    },
  ],
  [
    "a wrong profile score",
    "misattributed_percent",
    (s) => {
      s.summary += " La motivation est faible (80/100).";
    },
  ],
  [
    "an unknown domainId in a weakness",
    "unknown_domain",
    (s) => {
      s.weaknesses[0]!.domainId = "trigonometrie";
    },
  ],
  [
    "an unknown domainId in a recommendation",
    "unknown_domain",
    (s) => {
      s.recommendations[0]!.domainIds = ["trigonometrie"];
    },
  ],
  [
    "a recommendation tied to a strong domain",
    "recommendation_not_weak",
    (s) => {
      s.recommendations[0]!.domainIds = ["geometrie"];
    },
  ],
  [
    "a cited chunk that was not provided",
    "unknown_chunk",
    (s) => {
      s.recommendations[0]!.sources = [{ chunkId: "invented", documentTitle: "Manuel", page: 3 }];
    },
  ],
  [
    "a cited chunk with the wrong page",
    "source_mismatch",
    (s) => {
      s.recommendations[0]!.sources = [
        { chunkId: "maths-c1", documentTitle: "Fiches de révision maths", page: 5 },
      ];
    },
  ],
  [
    "a cited chunk with the wrong title",
    "source_mismatch",
    (s) => {
      s.recommendations[0]!.sources = [
        { chunkId: "maths-c1", documentTitle: "Autre document", page: 4 },
      ];
    },
  ],
  [
    "an offer missing from the catalogue",
    "unknown_offer",
    (s) => {
      s.offers.push({
        offerId: "cours-particuliers-premium",
        title: "Premium",
        reason: "Parce que.",
      });
    },
  ],
  [
    "a catalogue offer the rules did not select",
    "offer_not_selected",
    (s) => {
      s.offers.push({ offerId: "choix-specialites", title: "Atelier", reason: "Utile." });
    },
  ],
  [
    "a template leftover",
    "placeholder",
    (s) => {
      s.studyPlan[0]!.objectives[0] = "Revoir {{domaine}}";
    },
  ],
  [
    "an undefined value in text",
    "placeholder",
    (s) => {
      s.studyPlan[0]!.activities[0]!.description = "Exercices sur undefined";
    },
  ],
];

describe("checkGrounding", () => {
  it("accepts the local writer's output", () => {
    expect(checkGrounding(clean, ctx)).toEqual([]);
  });

  it.each(mustCatch)("catches %s", (_, code, change) => {
    const violations = checkGrounding(mutate(change), ctx);
    expect(violations.map((v) => v.code)).toContain(code);
    for (const v of violations) expect(v.message.length).toBeGreaterThan(10);
  });

  const mustPass: [string, (s: Synthesis) => void][] = [
    [
      "percentages in any spacing and the words form",
      (s) => {
        s.summary = `Réussite globale : ${input.scores.overall.percent}%. Algèbre : ${pct("algebre")} pour cent.`;
      },
    ],
    [
      "a comparison naming both domains",
      (s) => {
        s.summary = `Suites numériques ${pct("suites")} %, contre ${pct("geometrie")} % en géométrie repérée.`;
      },
    ],
    [
      "a percentage in a sentence naming no entity, equal to a computed value",
      (s) => {
        s.parentSummary = `Le score le plus élevé est de ${pct("geometrie")} %.`;
      },
    ],
    [
      "a profile score out of 100",
      (s) => {
        s.summary += " Le stress est marqué (80/100).";
      },
    ],
    [
      "the raw points of a domain",
      (s) => {
        const d = input.scores.domains[0]!;
        s.weaknesses[0]!.text = `Le domaine compte ${d.earned}/${d.max} points (${d.percent} %).`;
        s.weaknesses[0]!.domainId = d.domainId;
      },
    ],
    [
      "numbers that are not scores (hours, weeks, pages)",
      (s) => {
        s.parentSummary = "Un plan de 6 semaines, 2,5 h par semaine, voir la page 12.";
      },
    ],
    [
      "no sources when no chunks are cited",
      (s) => {
        for (const r of s.recommendations) r.sources = [];
      },
    ],
  ];
  it.each(mustPass)("passes %s", (_, change) => {
    expect(checkGrounding(mutate(change), ctx)).toEqual([]);
  });

  it("lets recommendations target any domain when none is weak", () => {
    const strong = makeInput({ subject: "nsi", masteries: ["acquis", "maitrise"] });
    const s = writeLocalSynthesis(strong, []);
    s.recommendations[0]!.domainIds = strong.scores.domains.map((d) => d.domainId);
    expect(checkGrounding(s, { ...strong })).toEqual([]);
  });
});
