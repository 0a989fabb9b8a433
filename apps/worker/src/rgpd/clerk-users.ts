// Deleting an erased person's Clerk user (production sign-in), through Clerk's own SDK.
// CLERK_SECRET_KEY unset: the platform signs in with the dev sign-in only, nothing to delete.
// CLERK_API_URL points the SDK at another API (tests use a local fake server).
import { createClerkClient } from "@clerk/backend";
import { z } from "zod";

const zClerkEnv = z.object({
  CLERK_SECRET_KEY: z
    .string()
    .trim()
    .min(1)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  CLERK_API_URL: z
    .url()
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

export type ClerkDeletion = (subject: string | undefined) => Promise<string>;

/** Returns what happened, in French, for the request's record and the CLI. */
export function clerkDeletionFromEnv(env: Record<string, string | undefined>): ClerkDeletion {
  const config = zClerkEnv.parse({
    CLERK_SECRET_KEY: env.CLERK_SECRET_KEY,
    CLERK_API_URL: env.CLERK_API_URL,
  });
  if (!config.CLERK_SECRET_KEY) {
    return async () => "Clerk non configuré : aucun compte externe à supprimer.";
  }
  const clerk = createClerkClient({
    secretKey: config.CLERK_SECRET_KEY,
    ...(config.CLERK_API_URL ? { apiUrl: config.CLERK_API_URL } : {}),
  });
  return async (subject) => {
    if (!subject?.startsWith("user_")) {
      return "Aucun utilisateur Clerk associé à ce compte.";
    }
    try {
      await clerk.users.deleteUser(subject);
      return `Utilisateur Clerk ${subject} supprimé.`;
    } catch (error) {
      // Already gone (a retried job): the erasure is complete all the same.
      if ((error as { status?: number }).status === 404) {
        return `Utilisateur Clerk ${subject} déjà supprimé.`;
      }
      throw error;
    }
  };
}
