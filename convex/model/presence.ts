// Who has a bilan's review page open (presence table). Only reviewers of the bilan
// (model/review.ts: assigned coach, staff) record or see presence. A heartbeat writes at
// most every HEARTBEAT_MIN_MS per person and bilan, and prunes that bilan's stale rows;
// a cron deletes whatever is left (pruneStale). Queries never read the clock: the caller
// passes `now`, rounded to 10 s so every open page shares one cached result.
import { v } from "convex/values";
import type { Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { vRole } from "../validators";
import type { User } from "./access";
import { requireReviewableBilan } from "./review";

/** A heartbeat closer than this to the previous one writes nothing. */
export const HEARTBEAT_MIN_MS = 5_000;
/** Seen within this window: present. */
export const PRESENT_WINDOW_MS = 30_000;
/** Rows older than this are deleted (by the heartbeat for its bilan, by the cron for all). */
export const STALE_AFTER_MS = 10 * 60_000;
const PRUNE_PER_HEARTBEAT = 10;
const MAX_LISTED = 50;

export const vPresent = v.object({
  userId: v.id("users"),
  name: v.string(),
  role: vRole,
  lastSeenAt: v.number(),
  /** The caller themself (the page shows the others). */
  isMe: v.boolean(),
});

async function ownRow(ctx: QueryCtx, bilanId: Id<"bilans">, userId: Id<"users">) {
  return await ctx.db
    .query("presence")
    .withIndex("by_bilanId_and_userId", (q) => q.eq("bilanId", bilanId).eq("userId", userId))
    .first();
}

export async function heartbeat(
  ctx: MutationCtx,
  user: User,
  bilanId: Id<"bilans">,
  now: number,
): Promise<void> {
  await requireReviewableBilan(ctx, user, bilanId);
  const row = await ownRow(ctx, bilanId, user._id);
  if (row && now - row.lastSeenAt < HEARTBEAT_MIN_MS) return;
  if (row) await ctx.db.patch(row._id, { lastSeenAt: now });
  else await ctx.db.insert("presence", { bilanId, userId: user._id, lastSeenAt: now });
  // Only rows far older than any live heartbeat: no conflict with the others' writes.
  const stale = await ctx.db
    .query("presence")
    .withIndex("by_bilanId_and_lastSeenAt", (q) =>
      q.eq("bilanId", bilanId).lt("lastSeenAt", now - STALE_AFTER_MS),
    )
    .take(PRUNE_PER_HEARTBEAT);
  for (const old of stale) await ctx.db.delete(old._id);
}

export async function leave(ctx: MutationCtx, user: User, bilanId: Id<"bilans">): Promise<void> {
  await requireReviewableBilan(ctx, user, bilanId);
  const row = await ownRow(ctx, bilanId, user._id);
  if (row) await ctx.db.delete(row._id);
}

export async function present(ctx: QueryCtx, user: User, bilanId: Id<"bilans">, now: number) {
  await requireReviewableBilan(ctx, user, bilanId);
  if (!Number.isFinite(now)) {
    throw appError(
      "INVALID_ARGUMENT",
      "L'heure indiquée (now) doit être un nombre de millisecondes.",
    );
  }
  const rows = await ctx.db
    .query("presence")
    .withIndex("by_bilanId_and_lastSeenAt", (q) =>
      q.eq("bilanId", bilanId).gte("lastSeenAt", now - PRESENT_WINDOW_MS),
    )
    .order("desc")
    .take(MAX_LISTED);
  const people = await Promise.all(
    rows.map(async (row) => {
      const person = await ctx.db.get(row.userId);
      if (!person?.role) return null;
      return {
        userId: person._id,
        name: person.name,
        role: person.role,
        lastSeenAt: row.lastSeenAt,
        isMe: person._id === user._id,
      };
    }),
  );
  return people.filter((p) => p !== null);
}

/** Cron: deletes rows not refreshed for STALE_AFTER_MS, oldest first, one batch per run. */
export async function pruneStale(ctx: MutationCtx, now: number, batch = 500): Promise<number> {
  const rows = await ctx.db
    .query("presence")
    .withIndex("by_lastSeenAt", (q) => q.lt("lastSeenAt", now - STALE_AFTER_MS))
    .take(batch);
  for (const row of rows) await ctx.db.delete(row._id);
  return rows.length;
}
