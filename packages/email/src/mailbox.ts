// Mailboxes: the configured sender (« Nom <adresse> » text, from EMAIL_FROM) and recipients,
// which are always structured { name, email }. A recipient's display name comes from people
// (a parent's account name), so it is never trusted as address syntax: control and format
// characters and every character with a meaning in an address list (" \ < > , ; : @ ( ) [ ])
// become spaces, then the name is quoted. Whatever the name, one mailbox yields one address,
// for Resend's parser and for any mail client reading the outbox.
import { cleanText } from "@nexus/shared/text";
import { z } from "zod";

export interface Mailbox {
  name?: string;
  email: string;
}

const address = z.email();
const MAILBOX_TEXT = /^(?:(.*?)\s*<([^<>\s]+)>|([^<>\s]+))$/;

/** « bilans@nexus-reussite.fr » or « Nexus Réussite <bilans@nexus-reussite.fr> ». */
export const zMailbox = z
  .string()
  .trim()
  .refine(
    (value) => {
      const match = MAILBOX_TEXT.exec(value);
      const email = match?.[2] ?? match?.[3];
      return email !== undefined && address.safeParse(email).success;
    },
    { message: "adresse e-mail invalide (attendu : adresse ou « Nom <adresse> »)" },
  );

/** A recipient: an address and an optional display name (made safe when formatted). */
export const zRecipient = z.object({
  name: z.string().max(10_000).optional(),
  email: address,
});

export function parseMailbox(value: string): Mailbox {
  const match = MAILBOX_TEXT.exec(value.trim());
  if (!match) throw new Error(`Adresse e-mail invalide : ${value}`);
  const name = match[1]?.trim().replace(/^"(.*)"$/, "$1");
  return { name: name || undefined, email: (match[2] ?? match[3])! };
}

const MAX_DISPLAY_NAME = 100;
const ADDRESS_SPECIALS = /["\\<>,;:@()[\]]/g;

/** The display name as it may appear in a header, or undefined when nothing is left. */
export function safeDisplayName(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const label = "Le nom du destinataire";
  const cleaned = cleanText(name.replace(ADDRESS_SPECIALS, " "), {
    label,
    max: MAX_DISPLAY_NAME,
    overflow: "truncate",
  });
  return cleaned || undefined;
}

/**
 * RFC 5322 `"Display Name" <address>` (RFC 6532: UTF-8 names as is), or the bare address.
 * The quoted string cannot end early: quotes and backslashes were removed and are escaped anyway.
 */
export function formatAddress(mailbox: Mailbox): string {
  const name = safeDisplayName(mailbox.name);
  if (!name) return mailbox.email;
  return `"${name.replace(/(["\\])/g, "\\$1")}" <${mailbox.email}>`;
}
