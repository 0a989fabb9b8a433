// A live list read page after page (Convex cursor pagination): first paint from the loader's
// first page, then usePaginatedQuery keeps every loaded page live (rows change, appear and
// go in place; each page keeps its boundaries) and « Charger plus » adds the next page.

import type { PaginatedQueryArgs, PaginatedQueryItem, PaginatedQueryReference } from "convex/react";
import { usePaginatedQuery } from "convex/react";

export interface LivePages<Item> {
  results: Item[];
  /** More rows exist after the last one loaded. */
  canLoadMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
}

export function useLivePages<Query extends PaginatedQueryReference>(
  query: Query,
  args: PaginatedQueryArgs<Query>,
  initial: { page: PaginatedQueryItem<Query>[]; isDone: boolean },
  pageSize: number,
): LivePages<PaginatedQueryItem<Query>> {
  // No subscription during server rendering: the loader already has the first page.
  const live = usePaginatedQuery(query, typeof window === "undefined" ? "skip" : args, {
    initialNumItems: pageSize,
  });
  if (live.status === "LoadingFirstPage") {
    return {
      results: initial.page,
      canLoadMore: !initial.isDone,
      loadingMore: false,
      loadMore: () => {},
    };
  }
  return {
    results: live.results,
    canLoadMore: live.status === "CanLoadMore",
    loadingMore: live.status === "LoadingMore",
    loadMore: () => live.loadMore(pageSize),
  };
}
