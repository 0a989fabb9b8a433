// Consents (model/consents.ts): the information notice every person acknowledges at first
// sign-in, and the parental consent an élève presumed under 15 needs before any ARIA use.
import { v } from "convex/values";
import { userMutation, userQuery } from "./lib/functions";
import { requireAnyRole, requireReadableStudent, requireRole } from "./model/access";
import {
  acknowledgeNotice,
  ariaAllowed,
  giveParentalAriaConsent,
  NOTICE_VERSION,
  noticeAcknowledged,
  PARENTAL_ARIA_VERSION,
  parentalAriaConsent,
  parentalConsentNeeded,
  withdrawParentalAriaConsent,
} from "./model/consents";

/** Whether the caller must still read the current notice (shown once per version). */
export const noticeStatus = userQuery({
  args: {},
  returns: v.object({ acknowledged: v.boolean(), version: v.string() }),
  handler: async (ctx) => {
    requireAnyRole(ctx.user);
    return {
      acknowledged: await noticeAcknowledged(ctx, ctx.user._id),
      version: NOTICE_VERSION,
    };
  },
});

/** The caller read the notice (dated, versioned). */
export const acknowledge = userMutation({
  args: {},
  returns: v.null(),
  handler: async (ctx) => {
    requireAnyRole(ctx.user);
    await acknowledgeNotice(ctx, ctx.user._id);
    return null;
  },
});

/** ARIA's consent state for a student the caller may read (ARIA calls model/consents.ts directly). */
export const ariaStatus = userQuery({
  args: { studentId: v.id("students") },
  returns: v.object({
    allowed: v.boolean(),
    needsParentalConsent: v.boolean(),
    consentedAt: v.optional(v.number()),
    version: v.string(),
  }),
  handler: async (ctx, { studentId }) => {
    requireAnyRole(ctx.user);
    const student = await requireReadableStudent(ctx, ctx.user, studentId);
    // Date.now() in a query: the day's rule; the page re-reads it on each visit.
    const now = Date.now();
    const status = await ariaAllowed(ctx, studentId, now);
    const consent = await parentalAriaConsent(ctx, studentId);
    return {
      allowed: status.allowed,
      needsParentalConsent: parentalConsentNeeded(student, now),
      ...(consent ? { consentedAt: consent.givenAt } : {}),
      version: PARENTAL_ARIA_VERSION,
    };
  },
});

/** A guardian consents to ARIA for their child (versioned, dated, audited). */
export const giveParentalAria = userMutation({
  args: { studentId: v.id("students") },
  returns: v.null(),
  handler: async (ctx, { studentId }) => {
    const parent = requireRole(ctx.user, ["parent"]);
    await giveParentalAriaConsent(ctx, parent, studentId);
    return null;
  },
});

/** A guardian withdraws the consent: ARIA is refused to the child from now on. */
export const withdrawParentalAria = userMutation({
  args: { studentId: v.id("students") },
  returns: v.null(),
  handler: async (ctx, { studentId }) => {
    const parent = requireRole(ctx.user, ["parent"]);
    await withdrawParentalAriaConsent(ctx, parent, studentId);
    return null;
  },
});
