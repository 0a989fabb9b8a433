// Personal API keys for the CLI: `nxr_` + 32 random bytes (base64url). Only the SHA-256
// of a key is stored; the key is shown once, at creation. High entropy makes a plain
// hash enough (no password stretching needed).
export const API_KEY_PREFIX = "nxr_";
const KEY_PATTERN = /^nxr_[A-Za-z0-9_-]{43}$/;

export function generateApiKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return API_KEY_PREFIX + btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function looksLikeApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

export async function hashApiKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** What a list shows of a key: its prefix and first characters, never enough to use it. */
export function apiKeyHint(key: string): string {
  return `${key.slice(0, API_KEY_PREFIX.length + 6)}…`;
}
