// Chooses the embedder from the environment: EMBEDDINGS_PROVIDER=openai|local,
// defaulting to OpenAI when a key is present, else the offline local embedder.
// No Node built-ins: the Convex search action uses it to embed queries.
import { z } from "zod";
import type { Embedder } from "./embedder.ts";
import { KnowledgeError } from "./errors.ts";
import { LocalEmbedder } from "./local-embedder.ts";
import { OPENAI_EMBEDDING_MODEL, OpenAIEmbedder } from "./openai-embedder.ts";

const emptyToUndefined = (value: unknown) => (value === "" ? undefined : value);

export const zEmbeddingsEnv = z.object({
  EMBEDDINGS_PROVIDER: z.preprocess(emptyToUndefined, z.enum(["openai", "local"]).optional()),
  OPENAI_API_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  OPENAI_BASE_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  OPENAI_EMBEDDINGS_MODEL: z.preprocess(emptyToUndefined, z.string().optional()),
});
export type EmbeddingsEnv = z.input<typeof zEmbeddingsEnv>;

export type EmbeddingsProvider = "openai" | "local";

/** Which provider the environment selects (no client is built). */
export function resolveEmbeddingsProvider(
  env: Record<string, string | undefined>,
): EmbeddingsProvider {
  const parsed = zEmbeddingsEnv.safeParse(env);
  if (!parsed.success) {
    throw new KnowledgeError(
      "invalid_config",
      `Configuration des embeddings invalide : ${parsed.error.issues.map((issue) => `${issue.path.join(".")} — ${issue.message}`).join(" ; ")}`,
    );
  }
  return parsed.data.EMBEDDINGS_PROVIDER ?? (parsed.data.OPENAI_API_KEY ? "openai" : "local");
}

export function createEmbedderFromEnv(env: Record<string, string | undefined>): Embedder {
  const provider = resolveEmbeddingsProvider(env);
  if (provider === "local") return new LocalEmbedder();
  const parsed = zEmbeddingsEnv.parse(env);
  if (!parsed.OPENAI_API_KEY) {
    throw new KnowledgeError(
      "invalid_config",
      "EMBEDDINGS_PROVIDER=openai exige la variable OPENAI_API_KEY (ou choisissez EMBEDDINGS_PROVIDER=local).",
    );
  }
  return new OpenAIEmbedder({
    apiKey: parsed.OPENAI_API_KEY,
    baseURL: parsed.OPENAI_BASE_URL,
    model: parsed.OPENAI_EMBEDDINGS_MODEL ?? OPENAI_EMBEDDING_MODEL,
  });
}
