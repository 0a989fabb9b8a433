// "First paint from the loader, then live": render the loader's value (server and first client
// render, so hydration matches), then whatever the Convex subscription delivers.
import { useQuery } from "convex/react";
import type { FunctionArgs, FunctionReference, FunctionReturnType } from "convex/server";

export function useLiveQuery<Query extends FunctionReference<"query">>(
  query: Query,
  args: FunctionArgs<Query> | "skip",
  initial: FunctionReturnType<Query>,
): FunctionReturnType<Query> {
  // No subscription during server rendering: the loader already has the data.
  const live = useQuery(query, typeof window === "undefined" ? "skip" : args);
  return live === undefined ? initial : live;
}
