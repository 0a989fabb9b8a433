// Loads an offer catalogue override from the JSON file named by OFFER_CATALOGUE_PATH.
// A broken file is a configuration error raised at start-up, never a silent fallback.
import { readFileSync } from "node:fs";
import { formatIssues } from "@nexus/shared/zod-fr";
import { defaultOfferCatalogue, type OfferCatalogue, zOfferCatalogue } from "./offers";

export class OfferCatalogueError extends Error {
  override readonly name = "OfferCatalogueError";
}

/** `source` names the file in the message, e.g. « OFFER_CATALOGUE_PATH=offres.json ». */
export function parseOfferCatalogue(data: unknown, source?: string): OfferCatalogue {
  const parsed = zOfferCatalogue.safeParse(data);
  if (!parsed.success) {
    throw new OfferCatalogueError(
      `Catalogue d'offres invalide${source ? ` (${source})` : ""} :\n${formatIssues(parsed.error)}`,
    );
  }
  return parsed.data;
}

export function loadOfferCatalogueFromEnv(env: Record<string, string | undefined>): OfferCatalogue {
  const path = env.OFFER_CATALOGUE_PATH?.trim();
  if (!path) return defaultOfferCatalogue;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new OfferCatalogueError(
      `Impossible de lire OFFER_CATALOGUE_PATH=${path} : ${String(error)}`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new OfferCatalogueError(
      `OFFER_CATALOGUE_PATH=${path} n'est pas un JSON valide : ${String(error)}`,
    );
  }
  return parseOfferCatalogue(data, `OFFER_CATALOGUE_PATH=${path}`);
}
