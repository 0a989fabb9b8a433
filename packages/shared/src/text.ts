// Person-supplied short text (names, school, spécialités, titles) as it may be stored:
// NFC, no control (Cc) or format (Cf) characters — bidirectional overrides, zero-width
// characters, soft hyphens —, whitespace collapsed to single spaces and trimmed, and a
// maximum length in characters (code points). Pure: Convex and the worker share it.

/** Maximum lengths, in characters, of the short texts people type. */
export const textLimits = {
  personName: 100,
  school: 200,
  specialite: 80,
  title: 200,
  email: 254,
} as const;

/** A student follows at most this many spécialités. */
export const MAX_SPECIALITES = 4;

export class TextFieldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TextFieldError";
  }
}

export interface TextRule {
  /** The field as a French sentence subject, e.g. « Le prénom de l'élève ». */
  label: string;
  max: number;
  /** An empty result is refused (default: allowed, returned as ""). */
  required?: boolean;
  /** "reject" (default) throws beyond `max`; "truncate" cuts to `max` characters. */
  overflow?: "reject" | "truncate";
}

// Whitespace controls (tab, line feed, …, next line) become spaces before every other
// control or format character is removed, so "Jean\nMarc" stays two words.
const CONTROL_SPACES = /[\t\n\v\f\r\u0085]/g;
const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/gu;

/**
 * Cleans one short text and enforces `rule`; throws TextFieldError with a French message
 * when the text is required but empty, or too long and `overflow` is "reject".
 */
export function cleanText(value: string, rule: TextRule): string {
  const cleaned = value
    .normalize("NFC")
    .replace(CONTROL_SPACES, " ")
    .replace(CONTROL_OR_FORMAT, "")
    .replace(/\s+/g, " ")
    .trim();
  if (rule.required && cleaned.length === 0) {
    throw new TextFieldError(`${rule.label} est obligatoire.`);
  }
  const chars = Array.from(cleaned);
  if (chars.length <= rule.max) return cleaned;
  if (rule.overflow === "truncate") return chars.slice(0, rule.max).join("").trimEnd();
  throw new TextFieldError(
    `${rule.label} ne doit pas dépasser ${rule.max} caractères (${chars.length} saisis).`,
  );
}
