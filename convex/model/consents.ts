// Consents and acknowledgements, versioned and dated (docs/rgpd.md):
// - "notice": the information notice, shown at first sign-in (and after each new version)
//   until the person acknowledges it;
// - "parental_aria": a parent's consent for ARIA, needed while the élève is under 15 on the
//   Paris calendar day, or while staff have recorded no birth date (@nexus/shared/birth-date
//   needsParentalConsent); ARIA calls `ariaAllowed` before any use.
// A new version of a text is a new row: the old consent stays as the record of what was agreed.
import { needsParentalConsent } from "@nexus/shared/birth-date";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { audit } from "./audit";

/** Bump when the information notice (apps/web/app/components/rgpd/notice.tsx) changes. */
export const NOTICE_VERSION = "2026-12-01";
/** Bump when the parental consent text for ARIA changes (a new consent is then needed). */
export const PARENTAL_ARIA_VERSION = "2026-12-01";

async function latest(
  ctx: QueryCtx,
  userId: Id<"users">,
  kind: Doc<"consents">["kind"],
): Promise<Doc<"consents"> | null> {
  return await ctx.db
    .query("consents")
    .withIndex("by_userId_and_kind_and_givenAt", (q) => q.eq("userId", userId).eq("kind", kind))
    .order("desc")
    .first();
}

/** Has the person acknowledged the current notice? */
export async function noticeAcknowledged(ctx: QueryCtx, userId: Id<"users">): Promise<boolean> {
  const row = await latest(ctx, userId, "notice");
  return row?.version === NOTICE_VERSION;
}

export async function acknowledgeNotice(ctx: MutationCtx, userId: Id<"users">): Promise<void> {
  if (await noticeAcknowledged(ctx, userId)) return;
  await ctx.db.insert("consents", {
    userId,
    kind: "notice",
    version: NOTICE_VERSION,
    givenAt: Date.now(),
  });
}

/** Whether ARIA needs a parent's consent for this élève at `now` (see the header). */
export function parentalConsentNeeded(student: Doc<"students">, now: number): boolean {
  return needsParentalConsent(student.birthDate, now);
}

/** The current parental consent for ARIA of this student, if any and not withdrawn. */
export async function parentalAriaConsent(
  ctx: QueryCtx,
  studentId: Id<"students">,
): Promise<Doc<"consents"> | null> {
  const row = await ctx.db
    .query("consents")
    .withIndex("by_studentId_and_kind_and_givenAt", (q) =>
      q.eq("studentId", studentId).eq("kind", "parental_aria"),
    )
    .order("desc")
    .first();
  return row && row.withdrawnAt === undefined && row.version === PARENTAL_ARIA_VERSION ? row : null;
}

export type AriaConsent =
  | { allowed: true; reason: "15_or_older" | "parental_consent"; consentedAt?: number }
  | { allowed: false; reason: "parental_consent_required"; message: string };

/**
 * For ARIA: may this student use it now? Call before any ARIA use (and refuse with `message`
 * when not allowed). Reads the student row and at most one consent row.
 */
export async function ariaAllowed(
  ctx: QueryCtx,
  studentId: Id<"students">,
  now = Date.now(),
): Promise<AriaConsent> {
  const student = await ctx.db.get(studentId);
  if (!student) throw appError("NOT_FOUND", "Élève introuvable.");
  if (!parentalConsentNeeded(student, now)) return { allowed: true, reason: "15_or_older" };
  const consent = await parentalAriaConsent(ctx, studentId);
  if (consent) return { allowed: true, reason: "parental_consent", consentedAt: consent.givenAt };
  return {
    allowed: false,
    reason: "parental_consent_required",
    message:
      "ARIA n’est pas encore disponible : un parent doit d’abord donner son accord depuis son espace (élève de moins de 15 ans ou date de naissance non renseignée).",
  };
}

/** Throws FORBIDDEN with the French message when ARIA may not be used by this student. */
export async function requireAriaAllowed(ctx: QueryCtx, studentId: Id<"students">): Promise<void> {
  const status = await ariaAllowed(ctx, studentId);
  if (!status.allowed) throw appError("FORBIDDEN", status.message);
}

async function requireGuardian(ctx: QueryCtx, parentId: Id<"users">, studentId: Id<"students">) {
  const link = await ctx.db
    .query("guardianships")
    .withIndex("by_parentId_and_studentId", (q) =>
      q.eq("parentId", parentId).eq("studentId", studentId),
    )
    .first();
  if (!link) throw appError("NOT_FOUND", "Cet élève est introuvable.");
}

/** A guardian gives (or renews) the parental consent for ARIA; audited. */
export async function giveParentalAriaConsent(
  ctx: MutationCtx,
  parent: Doc<"users">,
  studentId: Id<"students">,
): Promise<void> {
  await requireGuardian(ctx, parent._id, studentId);
  if (await parentalAriaConsent(ctx, studentId)) return;
  const id = await ctx.db.insert("consents", {
    userId: parent._id,
    kind: "parental_aria",
    studentId,
    version: PARENTAL_ARIA_VERSION,
    givenAt: Date.now(),
  });
  await audit(ctx, {
    actorKind: "user",
    actorId: parent._id,
    action: "consent.parentalAria.give",
    targetTable: "students",
    targetId: studentId,
    details: { consentId: id, version: PARENTAL_ARIA_VERSION },
  });
}

/** A guardian withdraws it; ARIA is refused from then on. */
export async function withdrawParentalAriaConsent(
  ctx: MutationCtx,
  parent: Doc<"users">,
  studentId: Id<"students">,
): Promise<void> {
  await requireGuardian(ctx, parent._id, studentId);
  const consent = await parentalAriaConsent(ctx, studentId);
  if (!consent) return;
  await ctx.db.patch(consent._id, { withdrawnAt: Date.now() });
  await audit(ctx, {
    actorKind: "user",
    actorId: parent._id,
    action: "consent.parentalAria.withdraw",
    targetTable: "students",
    targetId: studentId,
    details: { consentId: consent._id },
  });
}
