// A live list read page after page (Convex cursor pagination): first paint from the loader's
// first page, then usePaginatedQuery keeps every loaded page live (rows change, appear and
// go in place; each page keeps its boundaries) and « Charger plus » adds the next page.

import type { PaginatedQueryArgs, PaginatedQueryItem, PaginatedQueryReference } from "convex/react";
import { usePaginatedQuery } from "convex/react";
import { useEffect, useState } from "react";

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
  // « Charger plus » pressed before the subscription delivered its first page (a slow link, a
  // busy machine) is kept and run as soon as it can: it used to do nothing, silently.
  const [pending, setPending] = useState(false);
  const { status, loadMore } = live;
  useEffect(() => {
    if (!pending || status === "LoadingFirstPage" || status === "LoadingMore") return;
    setPending(false);
    if (status === "CanLoadMore") loadMore(pageSize);
  }, [pending, status, loadMore, pageSize]);
  if (status === "LoadingFirstPage") {
    return {
      results: initial.page,
      canLoadMore: !initial.isDone,
      loadingMore: pending,
      loadMore: () => setPending(true),
    };
  }
  return {
    results: live.results,
    canLoadMore: status === "CanLoadMore",
    loadingMore: status === "LoadingMore" || pending,
    loadMore: () => loadMore(pageSize),
  };
}
