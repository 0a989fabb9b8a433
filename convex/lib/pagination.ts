// Page sizes asked by clients are capped so no query reads an unbounded number of rows.
import type { PaginationOptions } from "convex/server";

export const MAX_PAGE_SIZE = 100;

export function boundedPage(opts: PaginationOptions): PaginationOptions {
  return { ...opts, numItems: Math.max(1, Math.min(opts.numItems, MAX_PAGE_SIZE)) };
}
