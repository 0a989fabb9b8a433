import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PostalMime from "postal-mime";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EmailSendError, type OutgoingEmail } from "./email-sender";
import { OutboxSender, outboxFileName } from "./outbox-sender";
import { samplePdf } from "./testing/sample-pdf";
import { unsubscribeHeaders, unsubscribeUrl } from "./unsubscribe";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "nexus-outbox-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const email = (overrides: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  to: { name: "Hélène Lefèvre", email: "helene@example.fr" },
  subject: "Bilan de Mathématiques de Zoé Lefèvre-Garçon – Nexus Réussite",
  html: '<p>Bonjour Mme Lefèvre, le bilan de Zoé est prêt : <a href="https://app.nexus-reussite.fr/b/1">voir</a>.</p>',
  text: "Bonjour Mme Lefèvre, le bilan de Zoé est prêt : https://app.nexus-reussite.fr/b/1",
  attachments: [{ filename: "bilan-zoe.pdf", content: samplePdf, contentType: "application/pdf" }],
  idempotencyKey: "bilan:b_1:v2:helene@example.fr",
  tags: [{ name: "template", value: "bilan" }],
  ...overrides,
});

const sender = () =>
  new OutboxSender({
    from: "Nexus Réussite <bilans@nexus-reussite.fr>",
    dir,
    now: () => new Date(Date.UTC(2026, 10, 21, 9, 30)),
  });
const emlFiles = () => readdirSync(dir).filter((f) => f.endsWith(".eml"));

describe("OutboxSender", () => {
  it("writes a reminder's List-Unsubscribe headers into the .eml", async () => {
    const url = unsubscribeUrl("https://app.nexus-reussite.fr", "u1.session.sig");
    const result = await sender().send(email({ headers: unsubscribeHeaders(url) }));
    const parsed = await PostalMime.parse(readFileSync(result.outboxPath!, "utf8"));
    const header = (key: string) => parsed.headers.find((h) => h.key === key)?.value;
    expect(header("list-unsubscribe")).toBe(
      "<https://app.nexus-reussite.fr/desabonnement/u1.session.sig>",
    );
    expect(header("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
  });

  it("writes one .eml file that parses back to the same message", async () => {
    const result = await sender().send(email());
    expect(result).toMatchObject({ provider: "outbox", deduplicated: false });
    expect(result.outboxPath).toBe(join(dir, outboxFileName("bilan:b_1:v2:helene@example.fr")));
    expect(emlFiles()).toEqual([outboxFileName("bilan:b_1:v2:helene@example.fr")]);

    const raw = readFileSync(result.outboxPath!, "utf8");
    const parsed = await PostalMime.parse(raw, { attachmentEncoding: "arraybuffer" });
    expect(parsed.from).toMatchObject({
      name: "Nexus Réussite",
      address: "bilans@nexus-reussite.fr",
    });
    expect(parsed.to?.[0]).toMatchObject({ name: "Hélène Lefèvre", address: "helene@example.fr" });
    expect(parsed.subject).toBe(email().subject);
    expect(parsed.messageId).toBe(`<${result.providerId}>`);
    expect(parsed.date).toBe("2026-11-21T09:30:00.000Z");
    expect(parsed.text?.trimEnd()).toBe(email().text);
    expect(parsed.html?.trimEnd()).toBe(email().html);
    expect(new Uint8Array(parsed.attachments[0]!.content as ArrayBuffer)).toEqual(samplePdf);
    expect(parsed.attachments[0]!.filename).toBe("bilan-zoe.pdf");
    const header = (key: string) => parsed.headers.find((h) => h.key === key)?.value;
    expect(decodeURIComponent(header("x-nexus-idempotency-key")!)).toBe(email().idempotencyKey);
    expect(header("x-nexus-tags")).toBe("template=bilan");
    expect(header("mime-version")).toBe("1.0");
  });

  it("never writes a second message for the same idempotency key", async () => {
    const first = await sender().send(email());
    const before = readFileSync(first.outboxPath!);
    const mtime = statSync(first.outboxPath!).mtimeMs;

    const retry = await sender().send(email({ subject: "Un autre sujet" }));
    expect(retry).toEqual({ ...first, deduplicated: true });
    expect(emlFiles()).toHaveLength(1);
    expect(readFileSync(first.outboxPath!)).toEqual(before);
    expect(statSync(first.outboxPath!).mtimeMs).toBe(mtime);
  });

  it("lets exactly one of concurrent sends with the same key write", async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => sender().send(email())));
    expect(results.filter((r) => !r.deduplicated)).toHaveLength(1);
    expect(new Set(results.map((r) => r.providerId)).size).toBe(1);
    expect(readdirSync(dir)).toHaveLength(1); // no temporary file left behind
  });

  it("writes one file per key", async () => {
    await sender().send(email());
    await sender().send(
      email({ idempotencyKey: "bilan:b_1:v2:zoe@example.fr", to: { email: "zoe@example.fr" } }),
    );
    expect(emlFiles()).toHaveLength(2);
  });

  it("creates the outbox directory when missing", async () => {
    const nested = new OutboxSender({ from: "bilans@nexus-reussite.fr", dir: join(dir, "a", "b") });
    const result = await nested.send(email());
    expect(statSync(result.outboxPath!).isFile()).toBe(true);
  });

  it("refuses an invalid email with a non-retryable error and writes nothing", async () => {
    const error = await sender()
      .send(email({ to: { email: "pas-une-adresse" } }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(EmailSendError);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^E-mail invalide/);
    expect(error.message).toMatch(/^- to\.email : adresse e-mail invalide$/m);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("reports an unwritable outbox as a retryable error", async () => {
    const blocked = new OutboxSender({
      from: "bilans@nexus-reussite.fr",
      dir: join(occupiedPath(), "outbox"),
    });
    const error = await blocked.send(email()).catch((e) => e);
    expect(error).toBeInstanceOf(EmailSendError);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("boîte d'envoi locale");
  });
});

/** A path under which no directory can be created (it is a file). */
function occupiedPath(): string {
  const file = join(dir, "occupied");
  writeFileSync(file, "x");
  return file;
}

describe("outboxFileName", () => {
  it("is readable, safe and distinct for keys that sanitise alike", () => {
    const a = outboxFileName("bilan:b_1:v2:helene@example.fr");
    const b = outboxFileName("bilan/b_1/v2/helene@example.fr");
    expect(a).toMatch(/^bilan_b_1_v2_helene@example\.fr-[0-9a-f]{12}\.eml$/);
    expect(b).not.toBe(a);
    expect(outboxFileName("../../etc/passwd")).not.toContain("/");
  });
});
