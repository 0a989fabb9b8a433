// Downloads for people: a short-lived URL per request, after an access check (rules in
// model/files.ts). The action mints the random token (real randomness exists in actions),
// the mutation checks access and stores the token's hash; GET /files/<token> (http.ts)
// streams the file. Also the upkeep crons of files: expired grants, old upload slots and
// unreferenced blobs (model/storageSweep.ts).
import { v } from "convex/values";
import { internal } from "./_generated/api";
import { internalMutation, internalQuery } from "./_generated/server";
import { userAction } from "./lib/functions";
import { requireUser } from "./model/access";
import { ariaSheetTarget } from "./model/ariaSheets";
import {
  bilanReportTarget,
  documentTarget,
  fileUrl,
  grantByHash as grantByHashModel,
  hashGrantToken,
  insertGrant,
  newGrantToken,
  purgeExpiredGrants,
} from "./model/files";
import { pruneUploadSlots, sweepStorageBatch } from "./model/storageSweep";

const vTarget = v.union(
  v.object({ kind: v.literal("bilanReport"), bilanId: v.id("bilans") }),
  v.object({ kind: v.literal("document"), documentId: v.id("documents") }),
  v.object({ kind: v.literal("ariaSheet"), sheetId: v.id("ariaSheets") }),
);
const vGrantedUrl = v.object({ url: v.string(), expiresAt: v.number() });

/** A five-minute download URL for the bilan's report (final only, for the family). */
export const bilanReportUrl = userAction({
  args: { bilanId: v.id("bilans") },
  returns: vGrantedUrl,
  handler: async (ctx, { bilanId }): Promise<{ url: string; expiresAt: number }> => {
    const token = newGrantToken();
    const url = fileUrl(token);
    const expiresAt: number = await ctx.runMutation(internal.files.grant, {
      target: { kind: "bilanReport", bilanId },
      tokenHash: await hashGrantToken(token),
    });
    return { url, expiresAt };
  },
});

/** A five-minute download URL for a knowledge document the caller may read. */
export const documentUrl = userAction({
  args: { documentId: v.id("documents") },
  returns: vGrantedUrl,
  handler: async (ctx, { documentId }): Promise<{ url: string; expiresAt: number }> => {
    const token = newGrantToken();
    const url = fileUrl(token);
    const expiresAt: number = await ctx.runMutation(internal.files.grant, {
      target: { kind: "document", documentId },
      tokenHash: await hashGrantToken(token),
    });
    return { url, expiresAt };
  },
});

/** A five-minute download URL for a ready ARIA revision sheet of a conversation the caller reads. */
export const ariaSheetUrl = userAction({
  args: { sheetId: v.id("ariaSheets") },
  returns: vGrantedUrl,
  handler: async (ctx, { sheetId }): Promise<{ url: string; expiresAt: number }> => {
    const token = newGrantToken();
    const url = fileUrl(token);
    const expiresAt: number = await ctx.runMutation(internal.files.grant, {
      target: { kind: "ariaSheet", sheetId },
      tokenHash: await hashGrantToken(token),
    });
    return { url, expiresAt };
  },
});

/** Checks the caller's access to the file and records the grant; returns its expiry. */
export const grant = internalMutation({
  args: { target: vTarget, tokenHash: v.string() },
  returns: v.number(),
  handler: async (ctx, { target, tokenHash }) => {
    const user = await requireUser(ctx);
    const file =
      target.kind === "bilanReport"
        ? await bilanReportTarget(ctx, user, target.bilanId)
        : target.kind === "document"
          ? await documentTarget(ctx, user, target.documentId)
          : await ariaSheetTarget(ctx, user, target.sheetId);
    return await insertGrant(ctx, user, file, tokenHash, Date.now());
  },
});

/** The grant of a presented token (the route checks the expiry: queries do not read the clock). */
export const grantByHash = internalQuery({
  args: { tokenHash: v.string() },
  returns: v.union(
    v.object({
      storageId: v.id("_storage"),
      filename: v.string(),
      contentType: v.string(),
      inline: v.boolean(),
      expiresAt: v.number(),
    }),
    v.null(),
  ),
  handler: async (ctx, { tokenHash }) => await grantByHashModel(ctx, tokenHash),
});

export const purgeGrants = internalMutation({
  args: {},
  returns: v.null(),
  handler: async (ctx) => {
    if (await purgeExpiredGrants(ctx, Date.now())) {
      await ctx.scheduler.runAfter(0, internal.files.purgeGrants, {});
    }
    return null;
  },
});

export const pruneUploads = internalMutation({
  args: {},
  returns: v.null(),
  handler: async (ctx) => {
    if (await pruneUploadSlots(ctx, Date.now())) {
      await ctx.scheduler.runAfter(0, internal.files.pruneUploads, {});
    }
    return null;
  },
});

/** One bounded batch of the storage sweep (the cron calls it often enough to go round). */
export const sweepStorage = internalMutation({
  args: {},
  returns: v.object({ scanned: v.number(), deleted: v.number(), done: v.boolean() }),
  handler: async (ctx) => await sweepStorageBatch(ctx, Date.now()),
});
