// Named Convex validators for the domain vocabulary. Enumerations come from
// packages/shared so Convex, the worker and the web app agree on every literal.
import {
  bilanStatuses,
  masteryLevels,
  niveaux,
  roles,
  statuts,
  subjects,
} from "@nexus/shared/domain";
import { jobKinds, jobStatuses } from "@nexus/shared/jobs";
import { notificationKinds } from "@nexus/shared/notifications";
import { type Validator, v } from "convex/values";

function literals<T extends string>(values: readonly T[]): Validator<T, "required", never> {
  const [a, b, ...rest] = values.map((value) => v.literal(value));
  if (!a || !b) throw new Error("literals() needs at least two values");
  return v.union(a, b, ...rest) as unknown as Validator<T, "required", never>;
}

export const vRole = literals(roles);
export const vNiveau = literals(niveaux);
export const vStatut = literals(statuts);
export const vSubject = literals(subjects);
export const vBilanStatus = literals(bilanStatuses);
export const vMastery = literals(masteryLevels);
export const vJobKind = literals(jobKinds);
export const vJobStatus = literals(jobStatuses);
export const vNotificationKind = literals(notificationKinds);
export const vDocumentScope = v.union(v.literal("global"), v.literal("student"));
export const vDocumentStatus = v.union(
  v.literal("uploaded"),
  v.literal("extracting"),
  v.literal("ocr"),
  v.literal("chunking"),
  v.literal("embedding"),
  v.literal("indexed"),
  v.literal("failed"),
);
export const vEmailStatus = v.union(
  v.literal("queued"),
  v.literal("sending"),
  v.literal("sent"),
  v.literal("failed"),
  /** The worker died mid-send: staff confirm whether it arrived (emails.confirm). */
  v.literal("unconfirmed"),
);
/** Roles an invitation may give (admin is never invited: an admin sets it, users.setRole). */
export const vInvitationRole = v.union(
  v.literal("parent"),
  v.literal("eleve"),
  v.literal("coach"),
  v.literal("assistante"),
);
export const vInvitationStatus = v.union(
  v.literal("pending"),
  v.literal("accepted"),
  v.literal("revoked"),
);
export const vActorKind = v.union(v.literal("user"), v.literal("worker"), v.literal("system"));
