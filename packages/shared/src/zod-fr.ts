// zod speaks French. Importing this module (every schema module of this package does, so
// Convex functions, the worker and the CLI all load it) sets zod's global locale once;
// formatIssues turns an error into lines people can read, without zod's English "→ at".
import { z } from "zod";

z.config(z.locales.fr());

/** « - sleepMs : Trop petit : … » per issue; a root issue has no path. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      return path ? `- ${path} : ${issue.message}` : `- ${issue.message}`;
    })
    .join("\n");
}
