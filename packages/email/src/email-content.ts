// What every rendered email shares: its output shape and the centre's branding.
import { z } from "zod";

export const defaultCentreName = "Nexus Réussite";

export const zCentre = z
  .object({
    name: z.string().trim().min(1).default(defaultCentreName),
    contact: z.string().trim().min(1).optional(),
    /** Footer of the bilan e-mail (see @nexus/shared/centre); each optional. */
    address: z.string().trim().min(1).optional(),
    phone: z.string().trim().min(1).optional(),
    email: z.email().optional(),
    privacyUrl: z.url({ protocol: /^https?$/ }).optional(),
    bookingUrl: z.url({ protocol: /^https?$/ }).optional(),
  })
  .default({ name: defaultCentreName });

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** Plain-text rendering options: headings keep their case (html-to-text shouts them by default). */
export const plainTextOptions = {
  plainText: true,
  htmlToTextOptions: {
    selectors: [
      { selector: "h1", options: { uppercase: false } },
      { selector: "h2", options: { uppercase: false } },
    ],
  },
} as const;
