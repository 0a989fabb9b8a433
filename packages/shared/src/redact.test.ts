import { describe, expect, it } from "vitest";
import { REDACTED, redactSecrets, redactValue, secretValuesFromEnv } from "./redact";

const OPENAI = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";
const ANTHROPIC = "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
const RESEND = "re_123456789_AbCdEfGhIjKlMnOpQrSt";
const NEXUS = "nxr_3fa85f64k5717x4562b3fc2c963f66afa6";
const JWT =
  "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ3b3JrZXI6dGVzdCIsImV4cCI6MTcwMDAwMDAwMH0.MEUCIQDx1y2z3AbCdEfGh";
const PEM = [
  "-----BEGIN EC PRIVATE KEY-----",
  "MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oMLe2dq8nRXfoAoGCCqGSM49",
  "AwEHoUQDQgAEcy6Nw7eaVdGn+B5UZ1hL2c8JX8cF6Q==",
  "-----END EC PRIVATE KEY-----",
].join("\n");

describe("redactSecrets", () => {
  it.each([
    ["an OpenAI key", `Erreur 401 : clé ${OPENAI} refusée`, `Erreur 401 : clé ${REDACTED} refusée`],
    ["an Anthropic key", `invalid x-api-key ${ANTHROPIC}`, `invalid x-api-key ${REDACTED}`],
    ["a legacy OpenAI key", "key sk-AbCdEfGhIjKlMnOpQrSt1234", `key ${REDACTED}`],
    ["a Resend key", `Resend: ${RESEND} is invalid`, `Resend: ${REDACTED} is invalid`],
    ["one of our API keys", `clé ${NEXUS} révoquée`, `clé ${REDACTED} révoquée`],
    ["a JWT", `token ${JWT} expired`, `token ${REDACTED} expired`],
    [
      "three long base64url segments",
      "sig AbCdEfGhIjKlMnOpQr.AbCdEfGhIjKlMnOpQr.AbCdEfGhIjKlMnOpQr end",
      `sig ${REDACTED} end`,
    ],
    ["a bearer token", "Bearer abcdef0123456789xyz", `Bearer ${REDACTED}`],
    [
      "an Authorization header",
      "Authorization: Basic dXNlcjpwYXNz\nnext",
      `Authorization: ${REDACTED}\nnext`,
    ],
    [
      "an Authorization header in JSON",
      '{"authorization":"Token abc123def456","accept":"*/*"}',
      `{"authorization":"${REDACTED}","accept":"*/*"}`,
    ],
    ["a PEM private key", `clé : ${PEM} fin`, `clé : ${REDACTED} fin`],
    ["a truncated PEM private key", `clé : ${PEM.slice(0, 80)}`, `clé : ${REDACTED}`],
    [
      "the private member of a JWK",
      '{"kty":"EC","crv":"P-256","x":"abc","y":"def","d":"c2VjcmV0LXNjYWxhcg"}',
      `{"kty":"EC","crv":"P-256","x":"abc","y":"def","d":"${REDACTED}"}`,
    ],
    [
      "a JSON-escaped JWK inside a message",
      'payload "{\\"kty\\":\\"EC\\",\\"d\\":\\"c2VjcmV0\\"}"',
      `payload "{\\"kty\\":\\"EC\\",\\"d\\":\\"${REDACTED}\\"}"`,
    ],
    [
      "URL credentials",
      "fetch https://admin:hunter2@db.example.com/x failed",
      `fetch https://${REDACTED}@db.example.com/x failed`,
    ],
    [
      "a query-string token",
      "GET https://x.test/file?id=12&token=abcdef123&page=2",
      `GET https://x.test/file?id=12&token=${REDACTED}&page=2`,
    ],
    [
      "a signed URL",
      "https://s.test/a.pdf?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA/x",
      `https://s.test/a.pdf?X-Amz-Signature=${REDACTED}&X-Amz-Credential=${REDACTED}`,
    ],
    ["a password assignment", "password=hunter2!! ok", `password=${REDACTED} ok`],
    ["an api_key in JSON", '{"api_key": "abcd1234"}', `{"api_key": "${REDACTED}"}`],
    [
      "leaves an ordinary French message alone",
      "Le bilan est au statut « review » : passage à « generating » impossible.",
      "Le bilan est au statut « review » : passage à « generating » impossible.",
    ],
    [
      "leaves file names, hosts and ids alone",
      "bilan-exemple-page-1.png sur api.openai.com, tâche j57ab3cd9ef",
      "bilan-exemple-page-1.png sur api.openai.com, tâche j57ab3cd9ef",
    ],
  ])("removes %s", (_case, input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it.each([
    ["a configured secret", "WORKER_SECRET=topsecretvalue42 used", ["topsecretvalue42"]],
    ["a configured secret, JSON-escaped", 'key "line1\\nline2-secret"', ["line1\nline2-secret"]],
    [
      "the longer of two overlapping secrets",
      "x abcdefgh12345678 y",
      ["abcdefgh", "abcdefgh12345678"],
    ],
  ])("removes %s", (_case, input, secrets) => {
    const out = redactSecrets(input, { secrets });
    for (const secret of secrets) expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  it("ignores configured secrets too short to be safe to replace", () => {
    expect(redactSecrets("le code 1234 est faux", { secrets: ["1234"] })).toBe(
      "le code 1234 est faux",
    );
  });

  it.each([
    [`a ${OPENAI} b`],
    [`Authorization: Bearer ${JWT}`],
    [`https://u:p@h.test/?token=${NEXUS}&api_key=${RESEND}`],
    [`password: ${ANTHROPIC}`],
  ])("is idempotent: %s", (input) => {
    const once = redactSecrets(input);
    expect(redactSecrets(once)).toBe(once);
    for (const secret of [OPENAI, JWT, NEXUS, RESEND, ANTHROPIC])
      expect(once).not.toContain(secret);
  });
});

describe("redactValue", () => {
  it("redacts strings at any depth and keeps other values", () => {
    const value = { error: `clé ${OPENAI}`, n: 3, nested: [{ token: JWT }, null, true] };
    expect(redactValue(value)).toEqual({
      error: `clé ${REDACTED}`,
      n: 3,
      nested: [{ token: REDACTED }, null, true],
    });
  });

  it("turns an Error into its name and redacted message", () => {
    expect(redactValue(new TypeError(`bad ${RESEND}`))).toEqual({
      name: "TypeError",
      message: `bad ${REDACTED}`,
    });
  });
});

describe("secretValuesFromEnv", () => {
  it("picks values of secret-looking variables only", () => {
    expect(
      secretValuesFromEnv({
        OPENAI_API_KEY: OPENAI,
        WORKER_SECRET: "a-long-enough-secret",
        API_KEY_SIGNING_KEY: '{"kty":"EC","d":"xyzxyzxyz"}',
        SHORT_TOKEN: "abc",
        WORKER_JWKS: '{"keys":[]}-public-value',
        OPENAI_MODEL: "gpt-4o-mini",
        LOG_LEVEL: "debug",
        EMPTY_KEY: undefined,
      }).sort(),
    ).toEqual(['{"kty":"EC","d":"xyzxyzxyz"}', "a-long-enough-secret", OPENAI].sort());
  });
});
