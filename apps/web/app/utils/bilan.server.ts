// Reading a bilan for a page whose address carries its id. Whatever the caller may not read
// answers the French 404, exactly like a bilan that does not exist: Convex says NOT_FOUND
// (or FORBIDDEN) and a malformed id fails the function's `v.id("bilans")` validator. The page
// never hints that another family's bilan exists.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import type { ConvexHttpClient } from "convex/browser";
import { ConvexError } from "convex/values";

const HIDDEN_CODES = new Set(["NOT_FOUND", "FORBIDDEN"]);

export function notFound(): Response {
  return new Response("Not Found", { status: 404, statusText: "Not Found" });
}

/**
 * True when the error means "no such thing for this caller": NOT_FOUND/FORBIDDEN from the
 * functions, or the argument validator refusing an id typed or altered in the address (not a
 * ConvexError, so only its message says so: « ArgumentValidationError » on Convex,
 * « Validator error » on the local runtime).
 */
export function isHiddenFromCaller(error: unknown): boolean {
  if (error instanceof ConvexError) {
    const code = (error.data as { code?: unknown } | undefined)?.code;
    return typeof code === "string" && HIDDEN_CODES.has(code);
  }
  return error instanceof Error && /ArgumentValidationError|Validator error/.test(error.message);
}

/** Runs `read`; turns "hidden from the caller" into a thrown 404 Response. */
export async function orNotFound<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isHiddenFromCaller(error)) throw notFound();
    throw error;
  }
}

/** bilans.get for the caller, or the 404 page. */
export async function readBilanOr404(convex: ConvexHttpClient, bilanId: string) {
  return await orNotFound(() => convex.query(api.bilans.get, { bilanId: bilanId as Id<"bilans"> }));
}
