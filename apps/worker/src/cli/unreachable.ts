// A Convex deployment that does not answer: say which address was tried and what to run,
// instead of the runtime's bare « ECONNREFUSED: Unable to connect… ».

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ConnectionRefused",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "FailedToOpenSocket",
  "UND_ERR_CONNECT_TIMEOUT",
]);

function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return code;
    const message = String((e as { message?: unknown }).message ?? "");
    const inMessage = /\b(ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EHOSTUNREACH)\b/.exec(
      message,
    );
    if (inMessage) return inMessage[1];
    if (/fetch failed|Unable to connect/i.test(message)) return "ECONNREFUSED";
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The French explanation when `error` is a connection failure, else null. */
export function unreachableMessage(
  error: unknown,
  env: Record<string, string | undefined>,
): string | null {
  const code = networkCode(error);
  if (!code) return null;
  const path = (error as { path?: unknown }).path;
  const url =
    typeof path === "string" ? new URL(path).origin : env.CONVEX_URL || "http://127.0.0.1:3210";
  const local = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?/.test(url);
  const what =
    code === "ENOTFOUND" || code === "EAI_AGAIN" ? "adresse inconnue" : "connexion refusée";
  return local
    ? `Convex ne répond pas à ${url} (${what}). Lancez la plateforme en local avec \`bun run dev\`, ou donnez l’adresse de votre déploiement dans CONVEX_URL.`
    : `Convex ne répond pas à ${url} (${what}). Vérifiez CONVEX_URL et le réseau ; en local, lancez \`bun run dev\`.`;
}
