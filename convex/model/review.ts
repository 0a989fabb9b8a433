// The coach's review of a generated bilan: who may review it, and edits of its synthesis
// that never silently overwrite another one. Reviewers are the student's assigned coaches,
// assistante and admin (canWriteStudent); everyone else gets FORBIDDEN (a family role) or
// NOT_FOUND (a coach of another student). Approval and regeneration state rules live in
// model/bilanPipeline.ts; this module never changes a bilan's status. Edits and approval name
// the synthesis version they act on (requireSynthesisVersion).

import type { Role } from "@nexus/shared/domain";
import { formatWhenFr } from "@nexus/shared/french-time";
import { type Synthesis, zSynthesis } from "@nexus/shared/synthesis";
import { formatIssues } from "@nexus/shared/zod-fr";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { canWriteStudent, requireRole, type User } from "./access";
import { audit } from "./audit";
import { patchBilan } from "./bilanHeads";
import { synthesisVersionOf } from "./bilans";

export const REVIEWERS = ["admin", "assistante", "coach"] as const;

/** A bilan the caller may review (and see the presence of); NOT_FOUND hides foreign ones. */
export async function requireReviewableBilan(
  ctx: QueryCtx,
  user: User,
  bilanId: Id<"bilans">,
): Promise<Doc<"bilans">> {
  requireRole(user, REVIEWERS);
  const bilan = await ctx.db.get(bilanId);
  if (!bilan || !(await canWriteStudent(ctx, user, bilan.studentId))) {
    throw appError("NOT_FOUND", "Bilan introuvable.");
  }
  return bilan;
}

/**
 * Replaces the synthesis of a bilan in review, if `baseVersion` is still its current version;
 * returns the new version. A stale base is refused with CONFLICT, naming who wrote the newer
 * version and when, and nothing is written.
 */
export async function editSynthesis(
  ctx: MutationCtx,
  user: User,
  args: { bilanId: Id<"bilans">; synthesis: Synthesis; baseVersion: number },
  now: number,
): Promise<number> {
  const bilan = await requireReviewableBilan(ctx, user, args.bilanId);
  if (bilan.status !== "review") {
    throw appError("INVALID_STATE", "Seul un bilan en relecture peut être modifié.");
  }
  const current = await requireSynthesisVersion(ctx, user, bilan, args.baseVersion, "edit", now);
  const parsed = zSynthesis.safeParse(args.synthesis);
  if (!parsed.success) {
    throw appError("INVALID_ARGUMENT", `La synthèse est invalide :\n${formatIssues(parsed.error)}`);
  }
  const version = current + 1;
  await patchBilan(ctx, bilan._id, {
    synthesis: parsed.data,
    synthesisVersion: version,
    updatedAt: now,
  });
  await ctx.db.insert("bilanRevisions", {
    bilanId: bilan._id,
    source: "edited",
    synthesis: parsed.data,
    authorId: user._id,
    version,
    createdAt: now,
  });
  await audit(ctx, {
    actorKind: "user",
    actorId: user._id,
    action: "bilan.editSynthesis",
    targetTable: "bilans",
    targetId: bilan._id,
    details: { version },
  });
  return version;
}

/** What the caller should do about a CONFLICT, by what they were doing. */
const NEXT_STEP = {
  edit: "rechargez-la pour voir cette version, puis reportez-y vos modifications.",
  approve: "relisez la dernière version avant de l'approuver.",
} as const;

/**
 * The bilan's synthesis version, if it is still `expected` (the version the caller read);
 * otherwise CONFLICT, naming who wrote the newer version and when. Edits and approval both
 * name the version they act on, so neither goes through over a version its author never saw.
 */
export async function requireSynthesisVersion(
  ctx: QueryCtx,
  user: User,
  bilan: Doc<"bilans">,
  expected: number,
  action: keyof typeof NEXT_STEP,
  now: number,
): Promise<number> {
  const current = synthesisVersionOf(bilan);
  if (expected !== current) throw await conflict(ctx, user, bilan, current, NEXT_STEP[action], now);
  return current;
}

/**
 * The bilan's revisions, newest first (at most 50), each with its author's name and role
 * (absent for a generated revision or a deleted account). Authors are read once each.
 */
export async function revisionsWithAuthors(
  ctx: QueryCtx,
  bilanId: Id<"bilans">,
): Promise<(Doc<"bilanRevisions"> & { author?: RevisionAuthor })[]> {
  const revisions = await ctx.db
    .query("bilanRevisions")
    .withIndex("by_bilanId_and_createdAt", (q) => q.eq("bilanId", bilanId))
    .order("desc")
    .take(50);
  const authors = new Map<Id<"users">, RevisionAuthor | undefined>();
  for (const { authorId } of revisions) {
    if (authorId === undefined || authors.has(authorId)) continue;
    const author = await ctx.db.get(authorId);
    authors.set(authorId, author ? { name: author.name, role: author.role } : undefined);
  }
  return revisions.map((revision) => {
    const author = revision.authorId ? authors.get(revision.authorId) : undefined;
    return author ? { ...revision, author } : revision;
  });
}

export type RevisionAuthor = { name: string; role?: Role };

/** CONFLICT in French: who wrote the current version and when (from the latest revision). */
async function conflict(
  ctx: QueryCtx,
  user: User,
  bilan: Doc<"bilans">,
  currentVersion: number,
  nextStep: string,
  now: number,
) {
  const latest = await ctx.db
    .query("bilanRevisions")
    .withIndex("by_bilanId_and_createdAt", (q) => q.eq("bilanId", bilan._id))
    .order("desc")
    .first();
  let message = `Cette synthèse a été modifiée entre-temps : ${nextStep}`;
  if (latest) {
    const when = formatWhenFr(now, latest.createdAt);
    if (latest.source === "generated") {
      message = `Une nouvelle version de cette synthèse a été générée ${when} : ${nextStep}`;
    } else if (latest.authorId === user._id) {
      message = `Vous avez modifié cette synthèse ${when} dans une autre fenêtre : ${nextStep}`;
    } else {
      const author = latest.authorId ? await ctx.db.get(latest.authorId) : null;
      message = `${author?.name ?? "Un autre relecteur"} a modifié cette synthèse ${when} : ${nextStep}`;
    }
  }
  return appError("CONFLICT", message, { currentVersion });
}
