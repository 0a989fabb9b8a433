// Builds the versioned bilan prompt (prompts/bilan-<version>.{system,user}.md)
// from a synthesis input: the exact computed figures, domain ids and labels,
// weak domains, retrieved chunks with their ids, and the allowed offers.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { masteryLabels, niveauLabels, subjectLabels } from "@nexus/shared/domain";
import type { OfferSuggestion, SynthesisInput } from "./contracts";
import { weakDomains } from "./domain-status";
import { formatPercent } from "./french";
import { renderTemplate } from "./prompt-template";
import { planSize, weeksFromInstructions } from "./study-plan";

export const PROMPT_VERSION = "bilan-v1";

/** Characters of each chunk sent to the model: enough to judge relevance, bounded cost. */
const CHUNK_CHARS = 1200;

const cache = new Map<string, string>();

export function loadPromptFile(version: string, part: "system" | "user"): string {
  const key = `${version}.${part}`;
  let text = cache.get(key);
  if (text === undefined) {
    text = readFileSync(
      fileURLToPath(new URL(`../prompts/${version}.${part}.md`, import.meta.url)),
      "utf8",
    );
    cache.set(key, text);
  }
  return text;
}

export interface BilanPrompt {
  version: string;
  system: string;
  user: string;
}

function cell(text: string): string {
  return text.replace(/\|/g, "/").replace(/\s+/g, " ").trim();
}

export function buildBilanPrompt(
  input: SynthesisInput,
  offers: OfferSuggestion[],
  version = PROMPT_VERSION,
): BilanPrompt {
  const { student, scores, profile } = input;
  const size = planSize(scores, student.niveau, student.weeklyAvailabilityHours);
  const weak = weakDomains(scores);
  const chunks = input.chunks
    .map((c) => {
      const text = c.text.length > CHUNK_CHARS ? `${c.text.slice(0, CHUNK_CHARS)}…` : c.text;
      const tags = c.domainIds?.length ? ` — domaines : ${c.domainIds.join(", ")}` : "";
      return `### chunkId: ${c.chunkId} — « ${c.documentTitle} », page ${c.page}${tags}\n${text.trim()}`;
    })
    .join("\n\n");
  const values: Record<string, string | undefined> = {
    firstName: student.firstName,
    niveau: niveauLabels[student.niveau],
    statut: student.statut === "candidat_libre" ? "candidat libre" : "scolarité en établissement",
    specialites:
      student.specialites.length > 0 ? student.specialites.join(", ") : "non renseignées",
    subject: subjectLabels[input.subject],
    overallPercent: formatPercent(scores.overall.percent),
    overallMastery: masteryLabels[scores.overall.mastery],
    // The whole table is rendered here: a formatter cannot reflow it inside the prompt file.
    domainTable: [
      "| domainId | domaine | réussite | niveau de maîtrise |",
      "| --- | --- | --- | --- |",
      ...scores.domains.map(
        (d) =>
          `| ${d.domainId} | ${cell(d.label)} | ${formatPercent(d.percent)} | ${masteryLabels[d.mastery]} |`,
      ),
    ].join("\n"),
    weakDomainIds:
      weak.length > 0
        ? weak.map((d) => d.domainId).join(", ")
        : "aucun (recommandations d’approfondissement sur les domaines les moins avancés)",
    profileTable: profile.dimensions
      .map((d) => `- ${d.label} (${d.id}) : ${d.score}/100, niveau ${d.level}`)
      .join("\n"),
    traits: profile.traits.map((t) => `- ${t}`).join("\n"),
    chunks,
    noChunks: chunks.length === 0 ? "yes" : "",
    offers: offers
      .map((o) => `- offerId: ${o.offerId} — ${o.title} — raison : ${o.reason}`)
      .join("\n"),
    noOffers: offers.length === 0 ? "yes" : "",
    planWeeks: String(weeksFromInstructions(input.instructions) ?? size.weeks),
    hoursPerWeek: String(size.hoursPerWeek).replace(".", ","),
    instructions: input.instructions?.trim() ?? "",
  };
  return {
    version,
    system: loadPromptFile(version, "system"),
    user: renderTemplate(loadPromptFile(version, "user"), values),
  };
}

/** The French message sent back to the model on the single repair attempt. */
export function buildRepairMessage(problems: string[]): string {
  return [
    "Ta réponse précédente ne peut pas être acceptée pour les raisons suivantes :",
    ...problems.map((p) => `- ${p}`),
    "",
    "Renvoie l’objet JSON complet et corrigé, conforme au schéma, sans aucun texte autour.",
  ].join("\n");
}
