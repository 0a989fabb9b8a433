// Loads an offer catalogue override from the JSON file named by OFFER_CATALOGUE_PATH.
// A broken file is a configuration error raised at start-up, never a silent fallback.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { defaultOfferCatalogue, type OfferCatalogue, zOfferCatalogue } from "./offers";

export class OfferCatalogueError extends Error {
  override readonly name = "OfferCatalogueError";
}

export function parseOfferCatalogue(data: unknown, source = "offer catalogue"): OfferCatalogue {
  const parsed = zOfferCatalogue.safeParse(data);
  if (!parsed.success) {
    throw new OfferCatalogueError(`Invalid ${source}:\n${z.prettifyError(parsed.error)}`);
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
    throw new OfferCatalogueError(`Cannot read OFFER_CATALOGUE_PATH=${path}: ${String(error)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new OfferCatalogueError(
      `OFFER_CATALOGUE_PATH=${path} is not valid JSON: ${String(error)}`,
    );
  }
  return parseOfferCatalogue(data, `offer catalogue ${path}`);
}
