// The centre's contact, printed in the report's « Prochaine étape » block and the e-mail's
// footer. Configurable through the environment (zod-checked, empty values mean unset); the
// defaults are the demo centre's. Pure.
import { z } from "zod";
import { formatIssues } from "./zod-fr";

export const zCentreContact = z.object({
  name: z.string().trim().min(1),
  /** Postal address on one line. */
  address: z.string().trim().min(1),
  phone: z.string().trim().min(1),
  email: z.email(),
  /** Where a family books a session; absent: they call or write. */
  bookingUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** The privacy notice (RGPD); absent: the footer names the e-mail for data requests. */
  privacyUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Opening hours, e.g. « du lundi au samedi, 9 h – 19 h ». */
  hours: z.string().trim().min(1).optional(),
});
export type CentreContact = z.infer<typeof zCentreContact>;

export const defaultCentreContact: CentreContact = {
  name: "Nexus Réussite",
  address: "12 rue des Écoles, 75005 Paris",
  phone: "01 23 45 67 89",
  email: "contact@nexus-reussite.fr",
  hours: "du lundi au samedi, de 9 h à 19 h",
};

const optional = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));

const zCentreEnv = z.object({
  CENTRE_NAME: optional,
  CENTRE_ADDRESS: optional,
  CENTRE_PHONE: optional,
  CENTRE_EMAIL: optional,
  CENTRE_BOOKING_URL: optional,
  CENTRE_PRIVACY_URL: optional,
  CENTRE_HOURS: optional,
});

/** Reads CENTRE_* variables over the defaults; throws a French message when one is invalid. */
export function centreContactFromEnv(env: Record<string, string | undefined>): CentreContact {
  const e = zCentreEnv.parse(env);
  const merged = {
    name: e.CENTRE_NAME ?? defaultCentreContact.name,
    address: e.CENTRE_ADDRESS ?? defaultCentreContact.address,
    phone: e.CENTRE_PHONE ?? defaultCentreContact.phone,
    email: e.CENTRE_EMAIL ?? defaultCentreContact.email,
    bookingUrl: e.CENTRE_BOOKING_URL,
    privacyUrl: e.CENTRE_PRIVACY_URL,
    hours: e.CENTRE_HOURS ?? defaultCentreContact.hours,
  };
  const parsed = zCentreContact.safeParse(merged);
  if (!parsed.success) {
    throw new Error(`Coordonnées du centre invalides (CENTRE_*) :\n${formatIssues(parsed.error)}`);
  }
  return parsed.data;
}
