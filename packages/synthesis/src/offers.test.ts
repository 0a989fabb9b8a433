import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Mastery, Niveau, Statut } from "@nexus/shared/domain";
import { describe, expect, it } from "vitest";
import {
  loadOfferCatalogueFromEnv,
  OfferCatalogueError,
  parseOfferCatalogue,
} from "./offer-catalogue-file";
import {
  defaultOfferCatalogue,
  type OfferCatalogue,
  selectOffers,
  zOfferCatalogue,
} from "./offers";
import { makeProfile, makeScores, type ProfileKind } from "./test-fixtures";

interface Row {
  name: string;
  masteries: Mastery[];
  profile: ProfileKind;
  niveau: Niveau;
  statut?: Statut;
  expected: string[];
}

// maths fixtures: 5 domains; "moyen" profile has no issue and no asset.
const rows: Row[] = [
  {
    name: "two non-acquired domains → stage intensif first, then weekly follow-up",
    masteries: ["non_acquis", "non_acquis", "acquis"],
    profile: "moyen",
    niveau: "premiere",
    expected: ["stage-intensif", "accompagnement-hebdomadaire"],
  },
  {
    name: "one domain in progress → weekly follow-up only",
    masteries: ["en_cours", "acquis", "acquis", "maitrise", "acquis"],
    profile: "moyen",
    niveau: "premiere",
    expected: ["accompagnement-hebdomadaire"],
  },
  {
    name: "fragile profile adds the methodology and motivation workshops",
    masteries: ["en_cours", "acquis", "acquis", "maitrise", "acquis"],
    profile: "fragile",
    niveau: "premiere",
    expected: [
      "accompagnement-hebdomadaire",
      "methodologie-gestion-stress",
      "coaching-motivation-autonomie",
    ],
  },
  {
    name: "no weak domain and high overall → approfondissement",
    masteries: ["maitrise", "acquis"],
    profile: "solide",
    niveau: "premiere",
    expected: ["approfondissement"],
  },
  {
    name: "Terminale with at most one weak domain → Grand Oral and Parcoursup",
    masteries: ["maitrise", "acquis"],
    profile: "solide",
    niveau: "terminale",
    expected: ["approfondissement", "preparation-grand-oral", "accompagnement-parcoursup"],
  },
  {
    name: "Terminale with many weak domains → no Grand Oral, capped at three offers",
    masteries: ["non_acquis", "non_acquis", "en_cours"],
    profile: "fragile",
    niveau: "terminale",
    expected: ["stage-intensif", "accompagnement-hebdomadaire", "methodologie-gestion-stress"],
  },
  {
    name: "candidat libre comes right after the intensive course",
    masteries: ["non_acquis", "non_acquis", "acquis"],
    profile: "moyen",
    niveau: "premiere",
    statut: "candidat_libre",
    expected: ["stage-intensif", "preparation-candidat-libre", "accompagnement-hebdomadaire"],
  },
  {
    name: "Seconde without weakness → choix des spécialités",
    masteries: ["acquis"],
    profile: "moyen",
    niveau: "seconde",
    expected: ["choix-specialites"],
  },
];

describe("selectOffers (default catalogue)", () => {
  it.each(rows)("$name", (row) => {
    const scores = makeScores("maths", row.masteries);
    const offers = selectOffers(scores, makeProfile(row.profile), {
      firstName: "Léa",
      niveau: row.niveau,
      statut: row.statut ?? "scolarise",
    });
    expect(offers.map((o) => o.offerId)).toEqual(row.expected);
    for (const o of offers) {
      expect(o.reason).not.toMatch(/\{\{|undefined|NaN/);
      expect(o.title).toBe(defaultOfferCatalogue.offers.find((x) => x.id === o.offerId)!.title);
    }
  });

  it("quotes the weak domains with their computed percentages in the reason", () => {
    const scores = makeScores("maths", ["non_acquis", "non_acquis", "acquis"]);
    const [stage] = selectOffers(scores, makeProfile("moyen"), {
      firstName: "Léa",
      niveau: "premiere",
      statut: "scolarise",
    });
    const weakest = scores.domains.filter((d) => d.mastery === "non_acquis")[0]!;
    expect(stage!.reason).toContain(`«\u00a0${weakest.label}\u00a0» (${weakest.percent}\u00a0%)`);
  });

  it("the default catalogue is valid", () => {
    expect(zOfferCatalogue.parse(defaultOfferCatalogue)).toEqual(defaultOfferCatalogue);
  });
});

describe("catalogue override", () => {
  const custom: OfferCatalogue = {
    maxOffers: 1,
    offers: [
      {
        id: "cours-nsi",
        title: "Cours de NSI en petit groupe",
        priority: 1,
        when: { all: [{ subject: ["nsi"] }, { not: { overallPercentAtLeast: 80 } }] },
        reason: "Pour progresser dans {{weakDomains}}, {{firstName}} travaillera en petit groupe.",
      },
      {
        id: "toujours",
        title: "Entretien de suivi",
        priority: 2,
        when: { always: true },
        reason: "Un point de suivi.",
      },
    ],
  };

  it("applies conditions on subject, negation and maxOffers", () => {
    const scores = makeScores("nsi", ["en_cours"]);
    const student = {
      firstName: "Inès",
      niveau: "premiere" as const,
      statut: "scolarise" as const,
    };
    expect(
      selectOffers(scores, makeProfile("moyen"), student, custom, "nsi").map((o) => o.offerId),
    ).toEqual(["cours-nsi"]);
    expect(
      selectOffers(scores, makeProfile("moyen"), student, custom, "maths").map((o) => o.offerId),
    ).toEqual(["toujours"]);
  });

  it("loads a JSON file named by OFFER_CATALOGUE_PATH", () => {
    const dir = mkdtempSync(join(tmpdir(), "offers-"));
    const file = join(dir, "offers.json");
    writeFileSync(file, JSON.stringify(custom));
    expect(loadOfferCatalogueFromEnv({ OFFER_CATALOGUE_PATH: file })).toEqual(custom);
    expect(loadOfferCatalogueFromEnv({})).toBe(defaultOfferCatalogue);
  });

  it("rejects broken catalogues with clear errors", () => {
    const dir = mkdtempSync(join(tmpdir(), "offers-"));
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{ not json");
    expect(() => loadOfferCatalogueFromEnv({ OFFER_CATALOGUE_PATH: bad })).toThrow(
      /n'est pas un JSON valide/,
    );
    expect(() =>
      loadOfferCatalogueFromEnv({ OFFER_CATALOGUE_PATH: join(dir, "missing.json") }),
    ).toThrow(/Impossible de lire/);
    const unknownPlaceholder = {
      ...custom,
      offers: [{ ...custom.offers[0]!, reason: "Bonjour {{lastName}}" }],
    };
    expect(() => parseOfferCatalogue(unknownPlaceholder)).toThrow(
      /unknown placeholder \{\{lastName\}\}/,
    );
    const duplicate = { ...custom, offers: [custom.offers[0]!, custom.offers[0]!] };
    expect(() => parseOfferCatalogue(duplicate)).toThrow(OfferCatalogueError);
    const badRule = { ...custom, offers: [{ ...custom.offers[1]!, when: { niveau: ["cm2"] } }] };
    expect(() => parseOfferCatalogue(badRule)).toThrow(/^Catalogue d'offres invalide :/);
  });
});
