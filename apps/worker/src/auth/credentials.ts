// The worker's and the CLI's credentials. Neither is ever a function argument:
// - the worker signs its own 10-minute service tokens with WORKER_PRIVATE_KEY (a private
//   JWK, or WORKER_PRIVATE_KEY_FILE); Convex only knows the public half (WORKER_JWKS);
// - a person using the CLI presents their API key (NEXUS_API_KEY or NEXUS_API_KEY_FILE) to
//   the deployment's /auth/api-key/token route and gets a 15-minute session token.
// Tokens are cached and renewed a minute before they expire.
import { readFileSync } from "node:fs";
import { looksLikeApiKey } from "@nexus/service-auth/api-keys";
import { type JWK, parsePrivateJwk, signWorkerToken } from "@nexus/service-auth/service-tokens";
import { ConfigError } from "../config.ts";

const RENEW_BEFORE_MS = 60_000;

export type TokenSource = (options?: { forceRefreshToken?: boolean }) => Promise<string>;

function fromEnvOrFile(
  env: Record<string, string | undefined>,
  name: string,
): { value: string; from: string } | null {
  const inline = env[name]?.trim();
  if (inline) return { value: inline, from: name };
  const file = env[`${name}_FILE`]?.trim();
  if (!file) return null;
  try {
    return { value: readFileSync(file, "utf8").trim(), from: `${name}_FILE (${file})` };
  } catch (error) {
    throw new ConfigError(
      `${name}_FILE : impossible de lire ${file} (${(error as NodeJS.ErrnoException).code ?? error}).`,
    );
  }
}

export function readWorkerKey(env: Record<string, string | undefined>): JWK {
  const found = fromEnvOrFile(env, "WORKER_PRIVATE_KEY");
  if (!found) {
    throw new ConfigError(
      "WORKER_PRIVATE_KEY (ou WORKER_PRIVATE_KEY_FILE) est obligatoire : la clé privée du worker, dont la clé publique est dans la variable WORKER_JWKS du déploiement Convex (voir « nexus-worker keys generate »).",
    );
  }
  try {
    return parsePrivateJwk(found.value, found.from);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

export function readApiKey(env: Record<string, string | undefined>): string {
  const found = fromEnvOrFile(env, "NEXUS_API_KEY");
  if (!found) {
    throw new ConfigError(
      "NEXUS_API_KEY (ou NEXUS_API_KEY_FILE) est obligatoire : votre clé d'API personnelle, créée par l'équipe (hors ligne : NEXUS_API_KEY_FILE=.data/dev-api-key).",
    );
  }
  if (!looksLikeApiKey(found.value)) {
    throw new ConfigError(`${found.from} ne contient pas une clé d'API valide (nxr_…).`);
  }
  return found.value;
}

/** The HTTP-actions host of a deployment: CONVEX_SITE_URL, else derived from CONVEX_URL. */
export function siteUrlFor(convexUrl: string, env: Record<string, string | undefined>): string {
  if (env.CONVEX_SITE_URL) return env.CONVEX_SITE_URL.replace(/\/$/, "");
  const url = new URL(convexUrl);
  if (url.hostname.endsWith(".convex.cloud")) {
    url.hostname = url.hostname.replace(/\.convex\.cloud$/, ".convex.site");
    return url.origin;
  }
  if (url.hostname === "127.0.0.1" || url.hostname === "localhost") {
    // The local runtime serves HTTP actions on the next port (CONVEX_LOCAL_SITE_PORT).
    url.port = String(Number(url.port || 80) + 1);
    return url.origin;
  }
  throw new ConfigError(
    "CONVEX_SITE_URL est obligatoire pour un déploiement auto-hébergé (l'adresse de ses actions HTTP).",
  );
}

function cached(mint: () => Promise<{ token: string; expiresAt: number }>): TokenSource {
  let current: { token: string; expiresAt: number } | null = null;
  let pending: Promise<{ token: string; expiresAt: number }> | null = null;
  return async (options) => {
    if (
      !options?.forceRefreshToken &&
      current &&
      current.expiresAt - RENEW_BEFORE_MS > Date.now()
    ) {
      return current.token;
    }
    pending ??= mint().finally(() => {
      pending = null;
    });
    current = await pending;
    return current.token;
  };
}

export function workerTokens(privateJwk: JWK, workerId: string): TokenSource {
  return cached(() => signWorkerToken(privateJwk, workerId));
}

export class ApiKeyRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ApiKeyRejected";
  }
}

export function apiKeyTokens(siteUrl: string, apiKey: string, fetchImpl = fetch): TokenSource {
  return cached(async () => {
    let response: Response;
    try {
      response = await fetchImpl(`${siteUrl}/auth/api-key/token`, {
        method: "POST",
        headers: { "x-api-key": apiKey },
      });
    } catch (error) {
      throw new Error(`Déploiement injoignable (${siteUrl}) : ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => ({}))) as {
      token?: string;
      expiresAt?: number;
      error?: string;
    };
    if (!response.ok || typeof body.token !== "string" || typeof body.expiresAt !== "number") {
      throw new ApiKeyRejected(
        body.error ?? `Échange de la clé d'API refusé (HTTP ${response.status}).`,
      );
    }
    return { token: body.token, expiresAt: body.expiresAt };
  });
}
