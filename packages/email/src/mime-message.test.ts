import PostalMime from "postal-mime";
import { describe, expect, it } from "vitest";
import {
  buildMimeMessage,
  encodeHeaderText,
  encodeQuotedPrintable,
  formatMailbox,
  formatMailDate,
} from "./mime-message";
import { samplePdf } from "./testing/sample-pdf";

const text = `Bonjour Mme Hélène Lefèvre,\n\nLe bilan de Zoé est prêt : « cœur », 45 €, x², là où ça compte.\nLigne avec espace finale \n${"très longue ligne ".repeat(12)}\n=égal= en tête\n. point`;
const html = `<!DOCTYPE html><html lang="fr"><body><p>Bonjour Mme Hélène Lefèvre,</p><p>${"Élève « Zoé » ".repeat(20)}</p><a href="https://app.nexus-reussite.fr/bilans/b_1?v=2&amp;x=1">Voir</a></body></html>`;

function decodeQuotedPrintable(encoded: string): string {
  const joined = encoded.replace(/=\r\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    if (joined[i] === "=") {
      bytes.push(Number.parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(joined.charCodeAt(i));
  }
  return new TextDecoder().decode(Uint8Array.from(bytes)).replace(/\r\n/g, "\n");
}

describe("encodeQuotedPrintable", () => {
  it("keeps lines within 76 characters and round-trips UTF-8", () => {
    const encoded = encodeQuotedPrintable(text);
    for (const line of encoded.split("\r\n")) {
      expect(line.length).toBeLessThanOrEqual(76);
      expect(line).toMatch(/^[\x21-\x7e \t]*$/);
      expect(line).not.toMatch(/[ \t]$/);
    }
    expect(encoded).not.toMatch(/(^|[^\r])\n/);
    expect(decodeQuotedPrintable(encoded)).toBe(text);
  });

  it("escapes '=' and a trailing space, and never splits an escape across a soft break", () => {
    expect(encodeQuotedPrintable("a=b ")).toBe("a=3Db=20");
    const encoded = encodeQuotedPrintable("é".repeat(60));
    for (const line of encoded.split("=\r\n")) expect(line.length % 3).toBe(0);
  });
});

describe("headers", () => {
  it("encodes non-ASCII text as RFC 2047 words of at most 75 characters", () => {
    const subject =
      "Bilan de Mathématiques de Zoé Lefèvre-Garçon – Nexus Réussite – version 2 « finale »";
    const encoded = encodeHeaderText(subject);
    const words = encoded.split("\r\n ");
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) {
      expect(word).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
      expect(word.length).toBeLessThanOrEqual(75);
    }
    const decoded = words
      .map((w) => Buffer.from(w.slice(10, -2), "base64"))
      .reduce((a, b) => Buffer.concat([a, b]));
    expect(decoded.toString("utf8")).toBe(subject);
    expect(encodeHeaderText("Plain ASCII")).toBe("Plain ASCII");
  });

  it("formats mailboxes and dates", () => {
    expect(formatMailbox({ email: "a@b.fr" })).toBe("a@b.fr");
    expect(formatMailbox({ name: "Ana Lopez", email: "a@b.fr" })).toBe("Ana Lopez <a@b.fr>");
    // Address specials in a name become spaces: a name can never add an address.
    expect(formatMailbox({ name: 'Dupont, "Jo"', email: "a@b.fr" })).toBe("Dupont Jo <a@b.fr>");
    expect(formatMailbox({ name: "M. Jo", email: "a@b.fr" })).toBe('"M. Jo" <a@b.fr>');
    expect(formatMailbox({ name: "Nexus Réussite", email: "a@b.fr" })).toMatch(
      /^=\?UTF-8\?B\?.+\?= <a@b\.fr>$/,
    );
    expect(formatMailDate(new Date(Date.UTC(2026, 10, 21, 9, 5, 7)))).toBe(
      "Sat, 21 Nov 2026 09:05:07 +0000",
    );
  });
});

describe("buildMimeMessage", () => {
  const message = buildMimeMessage({
    from: { name: "Nexus Réussite", email: "bilans@nexus-reussite.fr" },
    to: { name: "Hélène Lefèvre", email: "helene@example.fr" },
    subject: "Bilan de Mathématiques de Zoé Lefèvre-Garçon – Nexus Réussite",
    text,
    html,
    attachments: [
      {
        filename: "bilan-zoé-lefèvre-garçon-mathématiques-version-2-finale.pdf",
        content: samplePdf,
        contentType: "application/pdf",
      },
    ],
    messageId: "abc123@nexus-reussite.fr",
    date: new Date(Date.UTC(2026, 10, 21, 9, 30)),
    headers: { "X-Nexus-Idempotency-Key": "bilan%3Ab1" },
  });

  it("uses CRLF line endings only and lines of at most 78 characters", () => {
    expect(message).not.toMatch(/(^|[^\r])\n/);
    for (const line of message.split("\r\n")) expect(line.length).toBeLessThanOrEqual(78);
    expect([...message].every((ch) => ch.charCodeAt(0) < 128)).toBe(true); // 7-bit clean
  });

  it("parses back with a standard MIME parser: headers, both alternatives, attachment bytes", async () => {
    const parsed = await PostalMime.parse(message, { attachmentEncoding: "arraybuffer" });
    expect(parsed.subject).toBe("Bilan de Mathématiques de Zoé Lefèvre-Garçon – Nexus Réussite");
    expect(parsed.from).toMatchObject({
      name: "Nexus Réussite",
      address: "bilans@nexus-reussite.fr",
    });
    expect(parsed.to?.[0]).toMatchObject({ name: "Hélène Lefèvre", address: "helene@example.fr" });
    expect(parsed.messageId).toBe("<abc123@nexus-reussite.fr>");
    expect(new Date(parsed.date!).toISOString()).toBe("2026-11-21T09:30:00.000Z");
    // postal-mime keeps the CRLF that RFC 2046 attaches to the next boundary.
    const body = (s?: string) => s?.replace(/\r\n/g, "\n").replace(/\n$/, "");
    expect(body(parsed.text)).toBe(text);
    expect(body(parsed.html)).toBe(html);
    expect(parsed.attachments).toHaveLength(1);
    const attachment = parsed.attachments[0]!;
    expect(attachment.filename).toBe("bilan-zoé-lefèvre-garçon-mathématiques-version-2-finale.pdf");
    expect(attachment.mimeType).toBe("application/pdf");
    expect(attachment.disposition).toBe("attachment");
    expect(new Uint8Array(attachment.content as ArrayBuffer)).toEqual(samplePdf);
    expect(parsed.headers.find((h) => h.key === "x-nexus-idempotency-key")?.value).toBe(
      "bilan%3Ab1",
    );
  });

  it("refuses a header that could inject lines", () => {
    expect(() =>
      buildMimeMessage({
        from: { email: "a@b.fr" },
        to: { email: "c@d.fr" },
        subject: "x",
        text: "x",
        html: "x",
        attachments: [],
        messageId: "m@b.fr",
        date: new Date(0),
        headers: { "X-Evil": "a\r\nBcc: victim@example.com" },
      }),
    ).toThrow("En-tête invalide");
  });
});
