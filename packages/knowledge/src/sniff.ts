// Content type from the file's bytes (magic numbers), never from its name.
// No Node built-ins: usable from Convex functions as well as the worker.
import { KnowledgeError } from "./errors.ts";

export const ACCEPTED_MIME_TYPES = [
  "application/pdf",
  "image/png",
  "image/jpeg",
  "image/webp",
] as const;
export type AcceptedMime = (typeof ACCEPTED_MIME_TYPES)[number];

export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

/** Human-readable list used in error messages. */
export const ACCEPTED_FORMATS_LABEL = "PDF, PNG, JPEG ou WebP";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// The PDF spec allows junk before the header; readers accept it within the first 1024 bytes.
const PDF_HEADER_WINDOW = 1024;

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((byte, i) => bytes[offset + i] === byte);
}

function ascii(text: string): number[] {
  return Array.from(text, (char) => char.charCodeAt(0));
}

function findPdfHeader(bytes: Uint8Array): boolean {
  const header = ascii("%PDF-");
  const limit = Math.min(bytes.length - header.length, PDF_HEADER_WINDOW);
  for (let offset = 0; offset <= limit; offset++) {
    if (startsWith(bytes, header, offset)) return true;
  }
  return false;
}

/** Detects an accepted content type from magic numbers; `null` for anything else. */
export function sniffMime(bytes: Uint8Array): AcceptedMime | null {
  if (startsWith(bytes, PNG_SIGNATURE)) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "image/webp";
  if (findPdfHeader(bytes)) return "application/pdf";
  return null;
}

/** "20 Mo", "1,5 Mo", "800 ko" — French units and decimal comma. */
export function formatBytes(size: number): string {
  const format = (value: number) =>
    new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 }).format(value);
  if (size >= 1024 * 1024) return `${format(size / (1024 * 1024))} Mo`;
  if (size >= 1024) return `${format(size / 1024)} ko`;
  return `${size} octets`;
}

/** Throws a French error when the size is over the limit (checkable before downloading). */
export function assertSizeWithinLimit(size: number, maxBytes = DEFAULT_MAX_BYTES): void {
  if (size === 0) {
    throw new KnowledgeError("empty_file", "Le fichier est vide.");
  }
  if (size > maxBytes) {
    throw new KnowledgeError(
      "too_large",
      `Le fichier est trop volumineux (${formatBytes(size)}) : la taille maximale est de ${formatBytes(maxBytes)}.`,
    );
  }
}

/**
 * Checks size and content type; returns the sniffed type. When the uploader
 * declared a type, the bytes still win (a text file renamed .pdf is refused).
 */
export function assertAcceptedFile(
  bytes: Uint8Array,
  options: { maxBytes?: number } = {},
): AcceptedMime {
  assertSizeWithinLimit(bytes.byteLength, options.maxBytes);
  const mime = sniffMime(bytes);
  if (!mime) {
    throw new KnowledgeError(
      "unsupported_type",
      `Format de fichier non pris en charge : seuls les fichiers ${ACCEPTED_FORMATS_LABEL} sont acceptés.`,
    );
  }
  return mime;
}

export function isImageMime(mime: AcceptedMime): boolean {
  return mime !== "application/pdf";
}
