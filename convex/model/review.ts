// The coach's review of a generated bilan: who may review it, and edits of its synthesis
// that never silently overwrite another one. Reviewers are the student's assigned coaches,
// assistante and admin (canWriteStudent); everyone else gets FORBIDDEN (a family role) or
// NOT_FOUND (a coach of another student). Approval and regeneration state rules live in
// model/bilanPipeline.ts; this module never changes a bilan's status.
import { formatWhenFr } from "@nexus/shared/french-time";
import { type Synthesis, zSynthesis } from "@nexus/shared/synthesis";
import { formatIssues } from "@nexus/shared/zod-fr";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { canWriteStudent, requireRole, type User } from "./access";
import { audit } from "./audit";
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
  const current = synthesisVersionOf(bilan);
  if (args.baseVersion !== current) throw await conflict(ctx, user, bilan, current, now);
  const parsed = zSynthesis.safeParse(args.synthesis);
  if (!parsed.success) {
    throw appError("INVALID_ARGUMENT", `La synthèse est invalide :\n${formatIssues(parsed.error)}`);
  }
  const version = current + 1;
  await ctx.db.patch(bilan._id, {
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

const RELOAD = "rechargez-la pour voir cette version, puis reportez-y vos modifications.";

/** CONFLICT in French: who wrote the current version and when (from the latest revision). */
async function conflict(
  ctx: QueryCtx,
  user: User,
  bilan: Doc<"bilans">,
  currentVersion: number,
  now: number,
) {
  const latest = await ctx.db
    .query("bilanRevisions")
    .withIndex("by_bilanId_and_createdAt", (q) => q.eq("bilanId", bilan._id))
    .order("desc")
    .first();
  let message = `Cette synthèse a été modifiée entre-temps : ${RELOAD}`;
  if (latest) {
    const when = formatWhenFr(now, latest.createdAt);
    if (latest.source === "generated") {
      message = `Une nouvelle version de cette synthèse a été générée ${when} : ${RELOAD}`;
    } else if (latest.authorId === user._id) {
      message = `Vous avez modifié cette synthèse ${when} dans une autre fenêtre : ${RELOAD}`;
    } else {
      const author = latest.authorId ? await ctx.db.get(latest.authorId) : null;
      message = `${author?.name ?? "Un autre relecteur"} a modifié cette synthèse ${when} : ${RELOAD}`;
    }
  }
  return appError("CONFLICT", message, { currentVersion });
}
