// The coaching-offer catalogue and the rules that pick offers from scores and
// profile. Pure: the catalogue is data (overridable by a JSON file, see
// offer-catalogue-file.ts), conditions are a small declarative language.
import {
  type Mastery,
  niveauLabels,
  zMastery,
  zNiveau,
  zStatut,
  zSubject,
} from "@nexus/shared/domain";
import {
  type BilanScores,
  type PedagogicalProfile,
  zProfileDimension,
  zProfileLevel,
} from "@nexus/shared/results";
import { z } from "zod";
import type { OfferSuggestion, SynthesisInput, SynthesisStudent } from "./contracts";
import { weakDomains } from "./domain-status";
import { formatPercent, joinList, quote } from "./french";

export type OfferCondition =
  | { always: true }
  | { all: OfferCondition[] }
  | { any: OfferCondition[] }
  | { not: OfferCondition }
  | { overallPercentBelow: number }
  | { overallPercentAtLeast: number }
  | { weakDomainsAtLeast: number }
  | { weakDomainsAtMost: number }
  /** At least `count` domains whose mastery is one of `mastery`. */
  | { domainsWithMastery: { mastery: Mastery[]; count: number } }
  | {
      profileLevel: {
        dimension: z.infer<typeof zProfileDimension>;
        levels: z.infer<typeof zProfileLevel>[];
      };
    }
  | { niveau: z.infer<typeof zNiveau>[] }
  | { statut: z.infer<typeof zStatut>[] }
  | { subject: z.infer<typeof zSubject>[] };

const zPercent = z.number().int().min(0).max(100);

export const zOfferCondition: z.ZodType<OfferCondition> = z.lazy(() =>
  z.union([
    z.strictObject({ always: z.literal(true) }),
    z.strictObject({ all: z.array(zOfferCondition).min(1) }),
    z.strictObject({ any: z.array(zOfferCondition).min(1) }),
    z.strictObject({ not: zOfferCondition }),
    z.strictObject({ overallPercentBelow: zPercent }),
    z.strictObject({ overallPercentAtLeast: zPercent }),
    z.strictObject({ weakDomainsAtLeast: z.number().int().min(0) }),
    z.strictObject({ weakDomainsAtMost: z.number().int().min(0) }),
    z.strictObject({
      domainsWithMastery: z.strictObject({
        mastery: z.array(zMastery).min(1),
        count: z.number().int().min(1),
      }),
    }),
    z.strictObject({
      profileLevel: z.strictObject({
        dimension: zProfileDimension,
        levels: z.array(zProfileLevel).min(1),
      }),
    }),
    z.strictObject({ niveau: z.array(zNiveau).min(1) }),
    z.strictObject({ statut: z.array(zStatut).min(1) }),
    z.strictObject({ subject: z.array(zSubject).min(1) }),
  ]),
);

/** Placeholders an offer reason may use; anything else is rejected when the catalogue loads. */
export const reasonPlaceholders = ["firstName", "weakDomains", "overallPercent", "niveau"] as const;

const zReasonTemplate = z
  .string()
  .trim()
  .min(1)
  .superRefine((text, ctx) => {
    for (const m of text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
      if (!(reasonPlaceholders as readonly string[]).includes(m[1]!)) {
        ctx.addIssue({
          code: "custom",
          message: `unknown placeholder {{${m[1]}}} (allowed: ${reasonPlaceholders.join(", ")})`,
        });
      }
    }
  });

export const zOfferDefinition = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "ids are kebab-case"),
  title: z.string().trim().min(1),
  /** Lower comes first when more offers match than `maxOffers`. */
  priority: z.number().int(),
  when: zOfferCondition,
  /** French reason shown to the family; may use {{firstName}}, {{weakDomains}}, {{overallPercent}}, {{niveau}}. */
  reason: zReasonTemplate,
});
export type OfferDefinition = z.infer<typeof zOfferDefinition>;

export const zOfferCatalogue = z
  .strictObject({
    maxOffers: z.number().int().min(1).max(10),
    offers: z.array(zOfferDefinition).min(1),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    for (const o of c.offers) {
      if (seen.has(o.id)) ctx.addIssue({ code: "custom", message: `duplicate offer id "${o.id}"` });
      seen.add(o.id);
    }
  });
export type OfferCatalogue = z.infer<typeof zOfferCatalogue>;

export const defaultOfferCatalogue: OfferCatalogue = {
  maxOffers: 3,
  offers: [
    {
      id: "stage-intensif",
      title: "Stage intensif pendant les vacances",
      priority: 10,
      when: {
        any: [
          { domainsWithMastery: { mastery: ["non_acquis"], count: 2 } },
          { overallPercentBelow: 40 },
        ],
      },
      reason:
        "Plusieurs notions sont à reprendre en profondeur, notamment dans {{weakDomains}} : quelques jours de travail intensif permettent de reconstruire les bases rapidement.",
    },
    {
      id: "accompagnement-hebdomadaire",
      title: "Accompagnement hebdomadaire",
      priority: 20,
      when: { weakDomainsAtLeast: 1 },
      reason:
        "Un suivi chaque semaine aide à consolider dans la durée {{weakDomains}}, avec des exercices adaptés et un point régulier sur les progrès.",
    },
    {
      id: "methodologie-gestion-stress",
      title: "Atelier méthodologie et gestion du stress",
      priority: 30,
      when: {
        any: [
          { profileLevel: { dimension: "stress", levels: ["eleve"] } },
          { profileLevel: { dimension: "methodes", levels: ["faible"] } },
          { profileLevel: { dimension: "organisation", levels: ["faible"] } },
        ],
      },
      reason:
        "Le questionnaire pédagogique montre que l’organisation, les méthodes de travail ou le stress des évaluations freinent les résultats : cet atelier donne des outils concrets pour y remédier.",
    },
    {
      id: "coaching-motivation-autonomie",
      title: "Coaching motivation et autonomie",
      priority: 40,
      when: {
        any: [
          { profileLevel: { dimension: "motivation", levels: ["faible"] } },
          { profileLevel: { dimension: "autonomie", levels: ["faible"] } },
        ],
      },
      reason:
        "Des objectifs courts et un suivi personnalisé aident {{firstName}} à retrouver de l’élan et à travailler de façon plus autonome.",
    },
    {
      id: "preparation-candidat-libre",
      title: "Préparation à l’examen en candidature libre",
      priority: 15,
      when: { statut: ["candidat_libre"] },
      reason:
        "Sans le rythme de la classe, un programme de révision structuré et des devoirs corrigés remplacent le suivi d’un établissement.",
    },
    {
      id: "preparation-grand-oral",
      title: "Préparation au Grand Oral",
      priority: 50,
      when: { all: [{ niveau: ["terminale"] }, { weakDomainsAtMost: 1 }] },
      reason:
        "En Terminale, le Grand Oral s’appuie sur les spécialités : une préparation ciblée aide à structurer son propos et à gagner en aisance à l’oral.",
    },
    {
      id: "accompagnement-parcoursup",
      title: "Accompagnement Parcoursup",
      priority: 60,
      when: { niveau: ["terminale"] },
      reason:
        "L’année de Terminale est celle des vœux Parcoursup : un accompagnement aide à construire le projet d’orientation et à rédiger les projets de formation motivés.",
    },
    {
      id: "choix-specialites",
      title: "Atelier choix des spécialités",
      priority: 70,
      when: { niveau: ["seconde"] },
      reason:
        "En Seconde, le choix des spécialités engage la suite du lycée : cet atelier aide à faire ce choix en s’appuyant sur les résultats et les goûts de {{firstName}}.",
    },
    {
      id: "approfondissement",
      title: "Parcours d’approfondissement",
      priority: 25,
      when: { all: [{ weakDomainsAtMost: 0 }, { overallPercentAtLeast: 70 }] },
      reason:
        "Avec {{overallPercent}} de réussite globale, {{firstName}} peut aller plus loin : exercices de niveau avancé et préparation aux épreuves les plus exigeantes.",
    },
  ],
};

export interface OfferContext {
  scores: BilanScores;
  profile: PedagogicalProfile;
  student: Pick<SynthesisStudent, "firstName" | "niveau" | "statut">;
  subject?: SynthesisInput["subject"];
}

export function evaluateCondition(c: OfferCondition, ctx: OfferContext): boolean {
  if ("always" in c) return true;
  if ("all" in c) return c.all.every((x) => evaluateCondition(x, ctx));
  if ("any" in c) return c.any.some((x) => evaluateCondition(x, ctx));
  if ("not" in c) return !evaluateCondition(c.not, ctx);
  if ("overallPercentBelow" in c) return ctx.scores.overall.percent < c.overallPercentBelow;
  if ("overallPercentAtLeast" in c) return ctx.scores.overall.percent >= c.overallPercentAtLeast;
  if ("weakDomainsAtLeast" in c) return weakDomains(ctx.scores).length >= c.weakDomainsAtLeast;
  if ("weakDomainsAtMost" in c) return weakDomains(ctx.scores).length <= c.weakDomainsAtMost;
  if ("domainsWithMastery" in c) {
    const { mastery, count } = c.domainsWithMastery;
    return ctx.scores.domains.filter((d) => mastery.includes(d.mastery)).length >= count;
  }
  if ("profileLevel" in c) {
    const dim = ctx.profile.dimensions.find((d) => d.id === c.profileLevel.dimension);
    return dim !== undefined && c.profileLevel.levels.includes(dim.level);
  }
  if ("niveau" in c) return c.niveau.includes(ctx.student.niveau);
  if ("statut" in c) return c.statut.includes(ctx.student.statut);
  if ("subject" in c) return ctx.subject !== undefined && c.subject.includes(ctx.subject);
  return false;
}

export function renderOfferReason(template: string, ctx: OfferContext): string {
  const weak = weakDomains(ctx.scores);
  const values: Record<(typeof reasonPlaceholders)[number], string> = {
    firstName: ctx.student.firstName,
    weakDomains:
      weak.length === 0
        ? "les notions travaillées"
        : `${weak.length === 1 ? "le domaine" : "les domaines"} ${joinList(
            weak.slice(0, 3).map((d) => `${quote(d.label)} (${formatPercent(d.percent)})`),
          )}`,
    overallPercent: formatPercent(ctx.scores.overall.percent),
    niveau: niveauLabels[ctx.student.niveau],
  };
  return template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, name: string) => {
    const value = values[name as keyof typeof values];
    if (value === undefined) throw new Error(`unknown offer reason placeholder {{${name}}}`);
    return value;
  });
}

/** Offers whose rule matches, by priority then catalogue order, at most `maxOffers`. */
export function selectOffers(
  scores: BilanScores,
  profile: PedagogicalProfile,
  student: OfferContext["student"],
  catalogue: OfferCatalogue = defaultOfferCatalogue,
  subject?: SynthesisInput["subject"],
): OfferSuggestion[] {
  const ctx: OfferContext = { scores, profile, student, subject };
  return catalogue.offers
    .map((offer, index) => ({ offer, index }))
    .filter(({ offer }) => evaluateCondition(offer.when, ctx))
    .sort((a, b) => a.offer.priority - b.offer.priority || a.index - b.index)
    .slice(0, catalogue.maxOffers)
    .map(({ offer }) => ({
      offerId: offer.id,
      title: offer.title,
      reason: renderOfferReason(offer.reason, ctx),
    }));
}
