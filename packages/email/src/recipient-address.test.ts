// A recipient's display name comes from people (a parent's account name): whatever it
// contains, the message goes to exactly one address, through Resend and in the outbox.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PostalMime, { addressParser } from "postal-mime";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { OutgoingEmail } from "./email-sender";
import { formatAddress, safeDisplayName } from "./mailbox";
import { OutboxSender } from "./outbox-sender";
import { ResendSender } from "./resend-sender";
import { type FakeResend, startFakeResend } from "./testing/fake-resend-server";

const PARENT = "parent@example.fr";

const HOSTILE_NAMES: [string, string][] = [
  ["a comma and a second address", "Marie, attacker@evil.com"],
  ["angle brackets", "Marie <attacker@evil.com>"],
  ["a closing quote", 'Marie" <attacker@evil.com>, "x'],
  ["a backslash before the quote", 'Marie\\" , attacker@evil.com'],
  ["a group", "Amis: attacker@evil.com;"],
  ["a CRLF and a Bcc header", "Marie\r\nBcc: attacker@evil.com"],
  ["a lone LF and a Cc header", "Marie\nCc: attacker@evil.com"],
  ["a comment", "Marie (attacker@evil.com)"],
  ["non-ASCII text and a second address", "Hélène, attacker@evil.com"],
  ["a bidi override", "\u202Emoc.live@rekcatta ,eiraM"],
];

const message = (name: string, key: string): OutgoingEmail => ({
  to: { name, email: PARENT },
  subject: "Bilan de Mathématiques de Zoé",
  html: "<p>Bonjour</p>",
  text: "Bonjour",
  idempotencyKey: key,
});

describe("formatAddress and safeDisplayName", () => {
  it.each(HOSTILE_NAMES)("%s: one address, the recipient's", (_case, name) => {
    const formatted = formatAddress({ name, email: PARENT });
    expect(formatted).not.toMatch(/[\r\n]/);
    expect(addressParser(formatted).map((a) => ("address" in a ? a.address : null))).toEqual([
      PARENT,
    ]);
  });

  it.each([
    ["Hélène Lefèvre", "Hélène Lefèvre"],
    ["  Jean\u200B  Dupont ", "Jean Dupont"],
    ["Dupont, Marie", "Dupont Marie"],
    ["<>", undefined],
    ["", undefined],
    ["x".repeat(500), "x".repeat(100)],
  ])("cleans %j", (name, expected) => {
    expect(safeDisplayName(name)).toBe(expected);
  });

  it("drops an empty name and keeps a plain one quoted", () => {
    expect(formatAddress({ name: ' "" ', email: PARENT })).toBe(PARENT);
    expect(formatAddress({ name: "Hélène Lefèvre", email: PARENT })).toBe(
      `"Hélène Lefèvre" <${PARENT}>`,
    );
  });
});

describe("ResendSender with a hostile display name", () => {
  let fake: FakeResend;
  beforeAll(async () => {
    fake = await startFakeResend();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it.each(HOSTILE_NAMES)("%s: Resend receives exactly one recipient", async (_case, name) => {
    const sender = new ResendSender({
      apiKey: "re_test",
      from: "Nexus Réussite <bilans@nexus-reussite.fr>",
      baseUrl: fake.url,
    });
    await sender.send(message(name, `k-${_case}`));
    const [request] = fake.requests;
    const to = request!.body.to as string | string[];
    const recipients = (Array.isArray(to) ? to : [to]).flatMap((value) => addressParser(value));
    expect(recipients.map((a) => ("address" in a ? a.address : null))).toEqual([PARENT]);
    expect(request!.body.cc).toBeUndefined();
    expect(request!.body.bcc).toBeUndefined();
  });
});

describe("OutboxSender with a hostile display name", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "nexus-outbox-recipient-"));
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it.each(HOSTILE_NAMES)(
    "%s: the .eml has one To address and no other recipient header",
    async (_case, name) => {
      const sender = new OutboxSender({ from: "Nexus Réussite <bilans@nexus-reussite.fr>", dir });
      const result = await sender.send(message(name, `k-${_case}`));
      const raw = readFileSync(result.outboxPath!, "utf8");
      const parsed = await PostalMime.parse(raw);
      expect(parsed.to?.map((a) => a.address)).toEqual([PARENT]);
      expect(parsed.cc).toBeUndefined();
      expect(parsed.bcc).toBeUndefined();
      const keys = parsed.headers.map((h) => h.key);
      expect(keys.filter((k) => k === "to")).toHaveLength(1);
      expect(keys).not.toContain("cc");
      expect(keys).not.toContain("bcc");
      const headerBlock = raw.slice(0, raw.indexOf("\r\n\r\n"));
      expect(headerBlock).not.toMatch(/attacker@evil\.com/);
    },
  );
});
