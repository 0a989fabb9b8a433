// Error texts as Convex stores them (jobs.lastError, jobEvents, bilans.failure,
// documents.error): secrets removed by packages/shared/redact, with the secret values of
// this deployment's environment (OPENAI_API_KEY, API_KEY_SIGNING_KEY…), and length-capped.
import { redactSecrets, secretValuesFromEnv } from "@nexus/shared/redact";

/** `text` without secrets, at most `max` characters. */
export function redactStored(text: string, max = 4_000): string {
  return redactSecrets(text, { secrets: secretValuesFromEnv(process.env) }).slice(0, max);
}
