// Deletes stored files that nothing references, and prunes old upload slots. Runs from a cron
// (convex/files.ts) in bounded batches: one page of `_storage` per run, resuming from a
// cursor kept in the one-row `storageSweep` table, back to the start once the end is reached.
// A file is kept when it is younger than an hour (an upload still being claimed, or a report
// the worker is about to record), when a document, a bilan report, an export or an ARIA revision sheet holds it, or when a
// pending upload slot issued before it is still within its hour.
import type { MutationCtx } from "../_generated/server";
import { fileOwner, UPLOAD_SLOT_TTL_MS } from "./uploads";

export const ORPHAN_GRACE_MS = 60 * 60 * 1000;
export const SWEEP_BATCH = 100;
/** Slots are kept a day after they expire (for audit), then deleted. */
export const SLOT_RETENTION_MS = 24 * 60 * 60 * 1000;
const SLOT_PRUNE_BATCH = 200;

/** The issue time of the oldest pending slot still within its hour (files after it may be its upload). */
async function oldestOpenSlot(ctx: MutationCtx, now: number): Promise<number | null> {
  const slot = await ctx.db
    .query("uploads")
    .withIndex("by_status_and_expiresAt", (q) => q.eq("status", "pending").gt("expiresAt", now))
    .first();
  return slot ? slot.expiresAt - UPLOAD_SLOT_TTL_MS : null;
}

/** One batch of the sweep; returns what it did (for logs and tests). */
export async function sweepStorageBatch(
  ctx: MutationCtx,
  now: number,
  batch = SWEEP_BATCH,
): Promise<{ scanned: number; deleted: number; done: boolean }> {
  const state = await ctx.db.query("storageSweep").first();
  const page = await ctx.db.system
    .query("_storage")
    .paginate({ cursor: state?.cursor ?? null, numItems: batch });
  const openSince = await oldestOpenSlot(ctx, now);
  let deleted = 0;
  for (const file of page.page) {
    if (file._creationTime > now - ORPHAN_GRACE_MS) continue;
    if (openSince !== null && file._creationTime >= openSince) continue;
    if ((await fileOwner(ctx, file._id)) !== null) continue;
    await ctx.storage.delete(file._id);
    deleted++;
  }
  const cursor = page.isDone ? null : page.continueCursor;
  if (state) await ctx.db.patch(state._id, { cursor, updatedAt: now });
  else await ctx.db.insert("storageSweep", { cursor, updatedAt: now });
  return { scanned: page.page.length, deleted, done: page.isDone };
}

/** Deletes upload slots expired for more than a day; returns whether more remain. */
export async function pruneUploadSlots(ctx: MutationCtx, now: number): Promise<boolean> {
  const old = await ctx.db
    .query("uploads")
    .withIndex("by_expiresAt", (q) => q.lt("expiresAt", now - SLOT_RETENTION_MS))
    .take(SLOT_PRUNE_BATCH);
  for (const slot of old) await ctx.db.delete(slot._id);
  return old.length === SLOT_PRUNE_BATCH;
}
