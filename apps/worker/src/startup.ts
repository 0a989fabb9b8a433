// What `nexus-worker start` checks and says before it claims anything:
// - in production (NODE_ENV=production), the variables whose offline defaults would be wrong
//   must be set (CONVEX_URL, PUBLIC_APP_URL; WORKER_PRIVATE_KEY is required everywhere);
// - every provider's configuration is parsed now, not at the first job, so a malformed value
//   stops the process at start;
// - the effective mode of each dependency, logged once (`worker.config`): which Convex, which
//   LLM and embeddings provider, Resend or the outbox. Never a secret: names and URLs only.
import { parseEmailEnv } from "@nexus/email/sender-from-env";
import { resolveEmbeddingsProvider } from "@nexus/knowledge/embed";
import { parseLlmEnv } from "@nexus/synthesis/provider-env";
import { ConfigError } from "./config.ts";

/** Production must set these: their defaults point at the offline stack. */
export const WORKER_PRODUCTION_REQUIRED = ["CONVEX_URL", "PUBLIC_APP_URL"] as const;

export type ConvexMode = "cloud" | "self-hosted" | "local";

export function convexMode(url: string): ConvexMode {
  const { hostname } = new URL(url);
  if (hostname.endsWith(".convex.cloud")) return "cloud";
  if (hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]") return "local";
  return "self-hosted";
}

export interface WorkerModes {
  nodeEnv: string;
  convex: ConvexMode;
  convexUrl: string;
  llm: "openai" | "anthropic" | "local";
  llmModel: string | null;
  embeddings: "openai" | "local";
  email: "resend" | "outbox";
  emailOutboxDir: string | null;
}

const firstLine = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*(- )?/g, " ").trim();

/** Throws a one-line ConfigError for the first thing wrong; else the modes to log. */
export function checkWorkerEnvironment(
  env: Record<string, string | undefined>,
  convexUrl: string,
): WorkerModes {
  if (env.NODE_ENV === "production") {
    for (const name of WORKER_PRODUCTION_REQUIRED) {
      if (!env[name]?.trim()) {
        throw new ConfigError(`${name} est obligatoire en production (NODE_ENV=production).`);
      }
    }
  }
  let llm: ReturnType<typeof parseLlmEnv>;
  let email: ReturnType<typeof parseEmailEnv>;
  let embeddings: "openai" | "local";
  try {
    llm = parseLlmEnv(env);
    email = parseEmailEnv(env);
    embeddings = resolveEmbeddingsProvider(env);
  } catch (error) {
    throw new ConfigError(firstLine(error));
  }
  const provider =
    llm.LLM_PROVIDER ??
    (llm.OPENAI_API_KEY ? "openai" : llm.ANTHROPIC_API_KEY ? "anthropic" : "local");
  if (embeddings === "openai" && !llm.OPENAI_API_KEY) {
    throw new ConfigError(
      "EMBEDDINGS_PROVIDER=openai exige la variable OPENAI_API_KEY (ou choisissez EMBEDDINGS_PROVIDER=local).",
    );
  }
  return {
    nodeEnv: env.NODE_ENV ?? "development",
    convex: convexMode(convexUrl),
    convexUrl,
    llm: provider,
    llmModel:
      provider === "openai"
        ? (llm.OPENAI_MODEL ?? "gpt-4o-mini")
        : provider === "anthropic"
          ? (llm.ANTHROPIC_MODEL ?? "claude-sonnet-4-5")
          : null,
    embeddings,
    email: email.RESEND_API_KEY ? "resend" : "outbox",
    emailOutboxDir: email.RESEND_API_KEY ? null : email.EMAIL_OUTBOX_DIR,
  };
}
