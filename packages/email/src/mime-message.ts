// Builds an RFC 5322 / MIME (RFC 2045–2047, 2231) message: multipart/mixed
// holding a multipart/alternative (text + HTML, quoted-printable UTF-8) and
// base64 attachments. CRLF line endings, lines ≤ 76 characters in bodies,
// non-ASCII headers as encoded words. Pure: no clock, no randomness.
import { createHash } from "node:crypto";
import type { EmailAttachment } from "./email-sender";
import { type Mailbox, safeDisplayName } from "./mailbox";

export interface MimeMessage {
  from: Mailbox;
  to: Mailbox;
  subject: string;
  text: string;
  html: string;
  attachments: readonly EmailAttachment[];
  /** Without angle brackets, e.g. « 3f2a…@nexus-reussite.fr ». */
  messageId: string;
  date: Date;
  /** Extra ASCII headers (e.g. X-Nexus-Idempotency-Key). */
  headers?: Record<string, string>;
}

const CRLF = "\r\n";
const utf8 = new TextEncoder();
const isAscii = (s: string) => /^[\x20-\x7e]*$/.test(s);

/** Splits text into UTF-8 chunks of at most `maxBytes`, never inside a character. */
function utf8Chunks(text: string, maxBytes: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let current: number[] = [];
  for (const ch of text) {
    const bytes = utf8.encode(ch);
    if (current.length + bytes.length > maxBytes && current.length > 0) {
      chunks.push(Uint8Array.from(current));
      current = [];
    }
    current.push(...bytes);
  }
  if (current.length > 0) chunks.push(Uint8Array.from(current));
  return chunks;
}

/**
 * RFC 2047 B-encoded words of at most 64 characters, joined by folding
 * whitespace. ASCII text is returned as is.
 */
export function encodeHeaderText(text: string): string {
  if (isAscii(text)) return text;
  // 39 bytes → 52 base64 characters + 12 of "=?UTF-8?B?…?=": 64, leaving room
  // for the header name on the first line within 78 characters.
  return utf8Chunks(text, 39)
    .map((chunk) => `=?UTF-8?B?${Buffer.from(chunk).toString("base64")}?=`)
    .join(`${CRLF} `);
}

/**
 * An address header value. The display name is made safe first (safeDisplayName: no
 * controls, no address specials), then written as an atom, a quoted string or RFC 2047
 * encoded words; the address itself was validated by zod.
 */
export function formatMailbox(mailbox: Mailbox): string {
  const safe = safeDisplayName(mailbox.name);
  if (!safe) return mailbox.email;
  const name = isAscii(safe)
    ? /^[\w !#$%&'*+/=?^`{|}~-]+$/.test(safe)
      ? safe
      : `"${safe.replace(/(["\\])/g, "\\$1")}"`
    : encodeHeaderText(safe);
  return `${name} <${mailbox.email}>`;
}

/** RFC 5322 date-time, e.g. « Sat, 21 Nov 2026 09:30:00 +0000 ». */
export function formatMailDate(date: Date): string {
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = [
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
  ];
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${days[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ${pad(
    date.getUTCHours(),
  )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/**
 * Quoted-printable (RFC 2045 §6.7) of UTF-8 text with CRLF line breaks:
 * encoded lines are at most 76 characters (soft breaks "=" never split an
 * escape), trailing spaces and tabs are encoded.
 */
export function encodeQuotedPrintable(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const out: string[] = [];
  for (const line of lines) {
    const bytes = utf8.encode(line);
    const tokens: string[] = [];
    bytes.forEach((b, i) => {
      const last = i === bytes.length - 1;
      const literal = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
      tokens.push(
        literal ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, "0")}`,
      );
    });
    // A leading "." or "From " is left as is: files are not SMTP streams.
    let current = "";
    for (const token of tokens) {
      if (current.length + token.length > 75) {
        out.push(`${current}=`);
        current = "";
      }
      current += token;
    }
    out.push(current);
  }
  return out.join(CRLF);
}

function base64Lines(bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  return b64.match(/.{1,76}/g)?.join(CRLF) ?? "";
}

/**
 * Content-Type `name` and Content-Disposition `filename` parameters. A
 * non-ASCII name gets an ASCII fallback plus RFC 2231 `filename*0*=` …
 * continuations, so every header line stays short.
 */
function filenameParams(filename: string): { type: string; disposition: string } {
  const clean = filename.replace(/[\r\n"\\]/g, "_");
  if (isAscii(clean) && clean.length <= 60) {
    return { type: `name="${clean}"`, disposition: `filename="${clean}"` };
  }
  const fallback =
    clean
      .normalize("NFD")
      .replace(/[^\x20-\x7e]/g, "")
      .slice(-60) || "piece-jointe";
  const encoded = encodeURIComponent(clean).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  const pieces = encoded.match(/(?:%[0-9A-F]{2}|[^%]){1,20}/g) ?? [];
  const continuations = pieces
    .map((piece, i) => `filename*${i}*=${i === 0 ? "UTF-8''" : ""}${piece}`)
    .join(`;${CRLF} `);
  return {
    type: `name="${fallback}"`,
    disposition: `filename="${fallback}";${CRLF} ${continuations}`,
  };
}

export function buildMimeMessage(message: MimeMessage): string {
  // "=_" never occurs in quoted-printable or base64 bodies, so boundaries are safe.
  const seed = createHash("sha256").update(message.messageId).digest("hex").slice(0, 24);
  const mixed = `=_mixed_${seed}`;
  const alternative = `=_alt_${seed}`;

  const headers = [
    `From: ${formatMailbox(message.from)}`,
    `To: ${formatMailbox(message.to)}`,
    `Subject: ${encodeHeaderText(message.subject)}`,
    `Date: ${formatMailDate(message.date)}`,
    `Message-ID: <${message.messageId}>`,
    ...Object.entries(message.headers ?? {}).map(([name, value]) => {
      if (!/^[A-Za-z0-9-]+$/.test(name) || !isAscii(value)) {
        throw new Error(`En-tête invalide : ${name}`);
      }
      return `${name}: ${value}`;
    }),
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed;${CRLF} boundary="${mixed}"`,
  ];

  const parts: string[] = [
    headers.join(CRLF),
    "",
    "This is a multi-part message in MIME format.",
    `--${mixed}`,
    `Content-Type: multipart/alternative;${CRLF} boundary="${alternative}"`,
    "",
    `--${alternative}`,
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable",
    "",
    encodeQuotedPrintable(message.text),
    `--${alternative}`,
    "Content-Type: text/html; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable",
    "",
    encodeQuotedPrintable(message.html),
    `--${alternative}--`,
  ];
  for (const attachment of message.attachments) {
    const params = filenameParams(attachment.filename);
    parts.push(
      `--${mixed}`,
      `Content-Type: ${attachment.contentType};${CRLF} ${params.type}`,
      `Content-Disposition: attachment;${CRLF} ${params.disposition}`,
      "Content-Transfer-Encoding: base64",
      "",
      base64Lines(attachment.content),
    );
  }
  parts.push(`--${mixed}--`, "");
  return parts.join(CRLF);
}
