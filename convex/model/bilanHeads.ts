// The only writer of the bilans table and of its heads (tables/bilans.ts bilanHeads): every
// insert, patch and delete of a bilan goes through insertBilan / patchBilan / deleteBilan,
// which rewrite the bilan's head in the same transaction. Lists (students' cards,
// bilans.listForStudent, the operator's listing) read heads, ~0.3 KB, instead of whole
// bilans, ~9 KB with answers and synthesis. A test (bilanHeads.test.ts) scans convex/ for
// direct writes of the bilans table; the consistency part `bilanHeads` finds drift and
// `repairHeadsPage` (the seed's backfill, consistency.repairBilanHeads) fixes it.
import type { PaginationResult, WithoutSystemFields } from "convex/server";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";

export type BilanHeadFields = WithoutSystemFields<Doc<"bilanHeads">>;
export type BilanFields = WithoutSystemFields<Doc<"bilans">>;

/** What a bilan's head must hold (no undefined fields: a stored row has none). */
export function headOf(bilan: Doc<"bilans">): BilanHeadFields {
  const head: BilanHeadFields = {
    bilanId: bilan._id,
    bilanCreationTime: bilan._creationTime,
    studentId: bilan.studentId,
    subject: bilan.subject,
    niveau: bilan.niveau,
    questionnaireId: bilan.questionnaireId,
    status: bilan.status,
    createdAt: bilan.createdAt,
    updatedAt: bilan.updatedAt,
  };
  if (bilan.scores?.overall !== undefined) head.overall = bilan.scores.overall;
  if (bilan.submittedAt !== undefined) head.submittedAt = bilan.submittedAt;
  if (bilan.sentAt !== undefined) head.sentAt = bilan.sentAt;
  return head;
}

/** The summary lists return (model/bilans.ts vBilanSummary), from a head: bilanSummary's shape. */
export function summaryOfHead(head: Doc<"bilanHeads">) {
  return {
    _id: head.bilanId,
    _creationTime: head.bilanCreationTime,
    studentId: head.studentId,
    subject: head.subject,
    niveau: head.niveau,
    questionnaireId: head.questionnaireId,
    status: head.status,
    overall: head.overall,
    createdAt: head.createdAt,
    updatedAt: head.updatedAt,
    submittedAt: head.submittedAt,
    sentAt: head.sentAt,
  };
}

/** JSON with sorted keys: stored objects need not keep their fields' order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** Does the stored head hold exactly `want`? */
function sameHead(head: Doc<"bilanHeads">, want: BilanHeadFields): boolean {
  const { _id, _creationTime, ...fields } = head;
  return canonical(fields) === canonical(want);
}

async function headsOf(ctx: QueryCtx, bilanId: Id<"bilans">) {
  return await ctx.db
    .query("bilanHeads")
    .withIndex("by_bilanId", (q) => q.eq("bilanId", bilanId))
    .take(10);
}

/**
 * Makes the bilan's head match the bilan as it is now in this transaction: inserted, replaced
 * when stale, deleted with the bilan (extra heads go too). Returns whether it wrote anything.
 */
export async function syncBilanHead(ctx: MutationCtx, bilanId: Id<"bilans">): Promise<boolean> {
  const bilan = await ctx.db.get(bilanId);
  const [head, ...extra] = await headsOf(ctx, bilanId);
  let wrote = false;
  for (const row of extra) {
    await ctx.db.delete(row._id);
    wrote = true;
  }
  if (!bilan) {
    if (head) await ctx.db.delete(head._id);
    return wrote || head !== undefined;
  }
  const want = headOf(bilan);
  if (!head) {
    await ctx.db.insert("bilanHeads", want);
    return true;
  }
  if (!sameHead(head, want)) {
    await ctx.db.replace(head._id, want);
    return true;
  }
  return wrote;
}

export async function insertBilan(ctx: MutationCtx, fields: BilanFields): Promise<Id<"bilans">> {
  const bilanId = await ctx.db.insert("bilans", fields);
  await syncBilanHead(ctx, bilanId);
  return bilanId;
}

export async function patchBilan(
  ctx: MutationCtx,
  bilanId: Id<"bilans">,
  patch: Partial<BilanFields>,
): Promise<void> {
  await ctx.db.patch(bilanId, patch);
  await syncBilanHead(ctx, bilanId);
}

/** Deletes the bilan and its head; returns how many heads went (erasure counts them). */
export async function deleteBilan(ctx: MutationCtx, bilanId: Id<"bilans">): Promise<number> {
  const heads = await headsOf(ctx, bilanId);
  for (const head of heads) await ctx.db.delete(head._id);
  await ctx.db.delete(bilanId);
  return heads.length;
}

// --- Drift: a check (consistency part) and a repair (seed backfill), one bounded page each ---

/** Bilans per page (each read whole), then heads per page. */
export const HEADS_PAGE = { bilans: 100, heads: 200 };

export interface HeadProblem {
  kind: "bilan_head_missing" | "bilan_head_stale" | "bilan_head_orphan";
  message: string;
  ref: string;
}

interface HeadsPage {
  checked: number;
  problems: HeadProblem[];
  continueCursor: string;
  isDone: boolean;
}

// The cursor carries the phase: "0:<bilans cursor>" then "1:<heads cursor>".
function splitCursor(cursor: string | null): [0 | 1, string | null] {
  if (!cursor) return [0, null];
  const i = cursor.indexOf(":");
  const rest = cursor.slice(i + 1);
  return [cursor.slice(0, i) === "1" ? 1 : 0, rest === "" ? null : rest];
}

function nextCursor(phase: 0 | 1, page: PaginationResult<unknown>, orphans = true) {
  if (!page.isDone) return { continueCursor: `${phase}:${page.continueCursor}`, isDone: false };
  return phase === 0 && orphans
    ? { continueCursor: "1:", isDone: false }
    : { continueCursor: page.continueCursor, isDone: true };
}

/** Every bilan has exactly one head equal to headOf(bilan); no head without its bilan. */
export async function checkHeadsPage(ctx: QueryCtx, cursor: string | null): Promise<HeadsPage> {
  const [phase, inner] = splitCursor(cursor);
  const problems: HeadProblem[] = [];
  if (phase === 0) {
    const page = await ctx.db
      .query("bilans")
      .paginate({ numItems: HEADS_PAGE.bilans, cursor: inner });
    for (const bilan of page.page) {
      const heads = await headsOf(ctx, bilan._id);
      if (heads.length === 0) {
        problems.push({
          kind: "bilan_head_missing",
          message: `Bilan ${bilan._id} : aucun résumé pour les listes.`,
          ref: bilan._id,
        });
      } else if (heads.length > 1 || !sameHead(heads[0]!, headOf(bilan))) {
        problems.push({
          kind: "bilan_head_stale",
          message: `Bilan ${bilan._id} : résumé des listes différent du bilan (${heads.length} résumé(s)).`,
          ref: bilan._id,
        });
      }
    }
    return { checked: page.page.length, problems, ...nextCursor(0, page) };
  }
  const page = await ctx.db
    .query("bilanHeads")
    .paginate({ numItems: HEADS_PAGE.heads, cursor: inner });
  for (const head of page.page) {
    if (!(await ctx.db.get(head.bilanId))) {
      problems.push({
        kind: "bilan_head_orphan",
        message: `Résumé ${head._id} : le bilan ${head.bilanId} n’existe plus.`,
        ref: head._id,
      });
    }
  }
  return { checked: page.page.length, problems, ...nextCursor(1, page) };
}

/**
 * One page of the repair: syncs the heads of a page of bilans (missing or stale heads), then,
 * unless `orphans` is false (the seed's backfill), deletes heads whose bilan is gone.
 * Idempotent; call again with continueCursor until isDone.
 */
export async function repairHeadsPage(
  ctx: MutationCtx,
  cursor: string | null,
  options: { orphans?: boolean } = {},
): Promise<{ checked: number; repaired: number; continueCursor: string; isDone: boolean }> {
  const [phase, inner] = splitCursor(cursor);
  let repaired = 0;
  if (phase === 0) {
    const page = await ctx.db
      .query("bilans")
      .paginate({ numItems: HEADS_PAGE.bilans, cursor: inner });
    for (const bilan of page.page) if (await syncBilanHead(ctx, bilan._id)) repaired++;
    return { checked: page.page.length, repaired, ...nextCursor(0, page, options.orphans) };
  }
  const page = await ctx.db
    .query("bilanHeads")
    .paginate({ numItems: HEADS_PAGE.heads, cursor: inner });
  for (const head of page.page) if (await syncBilanHead(ctx, head.bilanId)) repaired++;
  return { checked: page.page.length, repaired, ...nextCursor(1, page) };
}
