// Loader helpers of the élève pages: the student row of the signed-in élève, and Convex
// errors of a page's main query turned into the French error page (404/403).
import { api } from "@convex/_generated/api";
import type { ConvexHttpClient } from "convex/browser";
import { ConvexError } from "convex/values";

/** The signed-in élève's own student card (student, latest bilans, next step). */
export async function requireOwnStudentCard(convex: ConvexHttpClient) {
  const { page } = await convex.query(api.students.listMineWithLatestBilan, {
    paginationOpts: { numItems: 1, cursor: null },
  });
  const card = page[0];
  if (!card) {
    throw new Response("Votre fiche élève n'existe pas encore : le centre doit la créer.", {
      status: 404,
    });
  }
  return card;
}

/** NOT_FOUND / FORBIDDEN from Convex → the page's 404 / 403; anything else is rethrown. */
export function pageErrorFrom(error: unknown): unknown {
  if (!(error instanceof ConvexError)) return error;
  const code = (error.data as { code?: unknown } | undefined)?.code;
  if (code === "NOT_FOUND") return new Response("Bilan introuvable", { status: 404 });
  if (code === "FORBIDDEN") return new Response("Accès refusé", { status: 403 });
  return error;
}

/** Runs a loader's Convex read; a missing or forbidden bilan becomes the French 404/403 page. */
export async function orPageError<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    throw pageErrorFrom(error);
  }
}
