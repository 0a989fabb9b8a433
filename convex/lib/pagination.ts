// Page sizes asked by clients: one rule for every `limit` and `paginationOpts.numItems`.
// An integer of at least 1 is capped at the function's maximum, so no query reads an
// unbounded number of rows; anything else (NaN, a negative or fractional number) is a
// French INVALID_ARGUMENT instead of the database's own English error.
import type { PaginationOptions } from "convex/server";
import { appError } from "./errors";

export const MAX_PAGE_SIZE = 100;

/** The number of rows to read: `fallback` when absent, at most `max` (default 100). */
export function pageSize(
  requested: number | undefined,
  options: { fallback: number; max?: number },
): number {
  const max = options.max ?? MAX_PAGE_SIZE;
  if (requested === undefined) return Math.min(options.fallback, max);
  if (!Number.isInteger(requested) || requested < 1) {
    throw appError(
      "INVALID_ARGUMENT",
      `Le nombre de résultats demandé doit être un entier supérieur ou égal à 1 (reçu : ${requested}).`,
    );
  }
  return Math.min(requested, max);
}

export function boundedPage(opts: PaginationOptions, max = MAX_PAGE_SIZE): PaginationOptions {
  return { ...opts, numItems: pageSize(opts.numItems, { fallback: max, max }) };
}
