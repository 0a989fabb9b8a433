// Personal API keys: creation (the key is returned once, only its hash is kept), listing,
// revocation, and the exchange of a key for a short-lived session token (http.ts).
// Who may do what: staff create keys; an assistante never for an admin. A person lists and
// revokes their own keys; staff list and revoke anyone's. The worker's bootstrap issues a
// key to the first admin (or to an existing admin who lost theirs).
import { apiKeyHint, generateApiKey, hashApiKey } from "@nexus/service-auth/api-keys";
import { v } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { cleanArg } from "../lib/text";
import { isStaff, type User } from "./access";
import { audit } from "./audit";
import { normalizeEmail } from "./users";

export const API_KEY_LABEL_MAX = 80;
/** Keys expire after a year unless revoked before. */
export const API_KEY_LIFETIME_MS = 365 * 24 * 3600 * 1000;

export const vApiKeySummary = v.object({
  _id: v.id("apiKeys"),
  userId: v.id("users"),
  label: v.string(),
  hint: v.string(),
  createdAt: v.number(),
  expiresAt: v.optional(v.number()),
  lastUsedAt: v.optional(v.number()),
  revokedAt: v.optional(v.number()),
});

export const vCreatedApiKey = v.object({
  keyId: v.id("apiKeys"),
  /** Shown once: it cannot be read again. */
  key: v.string(),
  hint: v.string(),
});

export function apiKeySummary(key: Doc<"apiKeys">) {
  const { hash: _hash, createdBy: _by, _creationTime: _t, ...summary } = key;
  return summary;
}

function cleanLabel(label: string): string {
  return cleanArg(label, { label: "Le nom de la clé", max: API_KEY_LABEL_MAX, required: true });
}

async function insertKey(
  ctx: MutationCtx,
  owner: Doc<"users">,
  label: string,
  createdBy: Id<"users"> | undefined,
) {
  const key = generateApiKey();
  const now = Date.now();
  const keyId = await ctx.db.insert("apiKeys", {
    userId: owner._id,
    label: cleanLabel(label),
    hash: await hashApiKey(key),
    hint: apiKeyHint(key),
    createdBy,
    createdAt: now,
    expiresAt: now + API_KEY_LIFETIME_MS,
  });
  return { keyId, key, hint: apiKeyHint(key) };
}

export async function createApiKey(
  ctx: MutationCtx,
  actor: User,
  ownerId: Id<"users">,
  label: string,
) {
  const owner = await ctx.db.get(ownerId);
  if (!owner) throw appError("NOT_FOUND", "Utilisateur introuvable.");
  if (owner.role === undefined) {
    throw appError("INVALID_STATE", "Attribuez d'abord un rôle à cette personne.");
  }
  if (owner.role === "admin" && actor.role !== "admin") {
    throw appError("FORBIDDEN", "Seul un administrateur crée une clé pour un administrateur.");
  }
  const created = await insertKey(ctx, owner, label, actor._id);
  await audit(ctx, {
    actorKind: "user",
    actorId: actor._id,
    action: "apiKey.create",
    targetTable: "apiKeys",
    targetId: created.keyId,
    details: { ownerId, label },
  });
  return created;
}

export async function revokeApiKey(ctx: MutationCtx, actor: User, keyId: Id<"apiKeys">) {
  const key = await ctx.db.get(keyId);
  // Someone else's key is NOT_FOUND for a non-staff caller: ids reveal nothing.
  if (!key || (key.userId !== actor._id && !isStaff(actor))) {
    throw appError("NOT_FOUND", "Clé d'API introuvable.");
  }
  if (key.revokedAt !== undefined) return key;
  await ctx.db.patch(keyId, { revokedAt: Date.now() });
  await audit(ctx, {
    actorKind: "user",
    actorId: actor._id,
    action: "apiKey.revoke",
    targetTable: "apiKeys",
    targetId: keyId,
  });
  return (await ctx.db.get(keyId))!;
}

/**
 * The operator's way in (worker credential): makes the named person the first admin when
 * there is none, then issues them a key. Once an admin exists it only serves admins.
 */
export async function bootstrapAdminKey(ctx: MutationCtx, email: string, label: string) {
  const user = await ctx.db
    .query("users")
    .withIndex("by_email", (q) => q.eq("email", normalizeEmail(email)))
    .first();
  if (!user) {
    throw appError(
      "NOT_FOUND",
      "Aucun compte avec cette adresse : connectez-vous une première fois à l'application, puis recommencez.",
    );
  }
  const anAdmin = await ctx.db
    .query("users")
    .withIndex("by_role", (q) => q.eq("role", "admin"))
    .first();
  if (anAdmin && user.role !== "admin") {
    throw appError(
      "FORBIDDEN",
      "Un administrateur existe déjà : c'est lui qui attribue les rôles et crée les clés.",
    );
  }
  if (!anAdmin) {
    await ctx.db.patch(user._id, { role: "admin" });
    await audit(ctx, {
      actorKind: "worker",
      action: "user.bootstrapAdmin",
      targetTable: "users",
      targetId: user._id,
    });
  }
  const created = await insertKey(ctx, (await ctx.db.get(user._id))!, label, undefined);
  await audit(ctx, {
    actorKind: "worker",
    action: "apiKey.bootstrap",
    targetTable: "apiKeys",
    targetId: created.keyId,
    details: { ownerId: user._id, label },
  });
  return created;
}

/** The key behind a presented secret, if it may still be used; stamps its use. */
export async function exchangeApiKey(ctx: MutationCtx, hash: string) {
  const key = await ctx.db
    .query("apiKeys")
    .withIndex("by_hash", (q) => q.eq("hash", hash))
    .unique();
  const now = Date.now();
  if (!key || key.revokedAt !== undefined || (key.expiresAt ?? Infinity) <= now) return null;
  const owner = await ctx.db.get(key.userId);
  if (!owner || owner.role === undefined) return null;
  await ctx.db.patch(key._id, { lastUsedAt: now });
  await audit(ctx, {
    actorKind: "user",
    actorId: owner._id,
    action: "apiKey.use",
    targetTable: "apiKeys",
    targetId: key._id,
  });
  return key._id;
}
