// Removing secrets from error texts before they are stored (jobs.lastError, jobEvents,
// bilans.failure, documents.error) or logged. Pure: the caller passes the secret values it
// knows (its environment, its keys); the patterns below catch the rest by shape.
// What counts as a secret:
// - API keys by prefix: OpenAI `sk-…`, Anthropic `sk-ant-…`, Resend `re_…`, ours `nxr_…`;
// - bearer/basic credentials, `Authorization:` header values, JWTs (three base64url segments);
// - private key material: PEM private key blocks, private JWK fields (`"d":"…"`, `"p"`…);
// - credentials in URLs (`https://user:pass@host`) and token-like query parameters;
// - `password=…`, `api_key: …` style assignments;
// - any configured secret value, verbatim (and JSON-escaped).

/** What replaces a secret: visible to staff, in French, and short. */
export const REDACTED = "[secret masqué]";

/** Configured secrets shorter than this are not replaced (too many false matches). */
export const MIN_SECRET_LENGTH = 8;

interface Rule {
  name: string;
  pattern: RegExp;
  replace: string;
}

const RULES: readonly Rule[] = [
  {
    name: "PEM private key block",
    pattern: /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----[\s\S]*?(?:-----END \1-----|$)/g,
    replace: REDACTED,
  },
  {
    // Private members of a JWK (EC/RSA "d", RSA factors, symmetric "k"), JSON-escaped or not.
    name: "private JWK field",
    pattern: /(\\?"(?:d|p|q|dp|dq|qi|k)\\?"\s*:\s*\\?")[^"\\]+/g,
    replace: `$1${REDACTED}`,
  },
  {
    name: "Authorization header",
    pattern:
      /\b((?:proxy-)?authorization\\?["']?\s*[:=](?!\s*\\?["']?\[secret masqué\])\s*\\?["']?)[^\r\n"'\\,;}]+/gi,
    replace: `$1${REDACTED}`,
  },
  {
    name: "bearer or basic credential",
    pattern: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g,
    replace: `$1 ${REDACTED}`,
  },
  {
    name: "JWT",
    pattern: /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
    replace: REDACTED,
  },
  {
    name: "three long base64url segments",
    pattern: /\b[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\b/g,
    replace: REDACTED,
  },
  {
    name: "Anthropic or OpenAI API key",
    pattern: /\bsk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}/g,
    replace: REDACTED,
  },
  { name: "Resend API key", pattern: /\bre_[A-Za-z0-9_]{16,}/g, replace: REDACTED },
  { name: "Nexus API key", pattern: /\bnxr_[A-Za-z0-9_-]{8,}/g, replace: REDACTED },
  {
    name: "URL credentials",
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:"']+(?::[^\s/@"']*)?@/gi,
    replace: `$1${REDACTED}@`,
  },
  {
    name: "token-like query parameter",
    pattern:
      /([?&;](?:[a-z0-9_.-]*(?:token|key|secret|signature|sig|password|passwd|auth|code|credential)[a-z0-9_.-]*)=)(?!\[secret masqué\])[^&#\s"'<>]+/gi,
    replace: `$1${REDACTED}`,
  },
  {
    name: "secret assignment",
    pattern:
      /\b((?:api[_-]?key|apikey|secret|client[_-]?secret|password|passwd|access[_-]?token|refresh[_-]?token|private[_-]?key)\\?["']?\s*[:=](?!\s*\\?["']?\[secret masqué\])\s*\\?["']?)[^\s"'\\,;&}]{4,}/gi,
    replace: `$1${REDACTED}`,
  },
];

/** The rule names, for tests and documentation. */
export const REDACTION_RULES: readonly string[] = RULES.map((rule) => rule.name);

export interface RedactOptions {
  /** Secret values to remove wherever they appear (API keys, signing keys, tokens…). */
  secrets?: readonly string[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Every form a configured secret may take inside an error text. */
function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const raw of secrets) {
    const secret = raw.trim();
    if (secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) forms.add(escaped);
  }
  // Longest first, so a secret containing another is removed whole.
  return [...forms].sort((a, b) => b.length - a.length);
}

/** `text` with every secret replaced by REDACTED. */
export function redactSecrets(text: string, options: RedactOptions = {}): string {
  let out = text;
  const forms = secretForms(options.secrets ?? []);
  if (forms.length > 0) {
    out = out.replace(new RegExp(forms.map(escapeRegExp).join("|"), "g"), REDACTED);
  }
  for (const rule of RULES) out = out.replace(rule.pattern, rule.replace);
  return out;
}

/** Strings anywhere in a JSON-like value (log fields) redacted; other values unchanged. */
export function redactValue(value: unknown, options: RedactOptions = {}, depth = 0): unknown {
  if (typeof value === "string") return redactSecrets(value, options);
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, options, depth + 1));
  if (value instanceof Error) {
    return { name: value.name, message: redactSecrets(value.message, options) };
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = redactValue(item, options, depth + 1);
  return out;
}

/** Environment variables whose values are secrets, by name. */
const SECRET_NAME = /(?:^|_)(?:KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIALS?|PRIVATE_KEY|JWK)$/i;
/** Names that end like a secret but hold public or harmless values. */
const NOT_SECRET = new Set(["WORKER_JWKS", "NEXUS_API_KEY_FILE", "WORKER_PRIVATE_KEY_FILE"]);

/** The values of an environment's secret-looking variables (OPENAI_API_KEY, WORKER_SECRET…). */
export function secretValuesFromEnv(env: Record<string, string | undefined>): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!value || NOT_SECRET.has(name) || !SECRET_NAME.test(name)) continue;
    if (value.trim().length >= MIN_SECRET_LENGTH) values.push(value);
  }
  return values;
}
