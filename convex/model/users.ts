// Users: creation from the verified JWT identity, role changes and the
// public projection shown to other users. Roles are never set from a token.
// Rows are matched by tokenIdentifier only, never by email: an email claimed
// by a new identity must not inherit an existing account (and its role).
import type { Role } from "@nexus/shared/domain";
import { cleanText, textLimits } from "@nexus/shared/text";
import type { UserIdentity } from "convex/server";
import { type Infer, v } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { cleanArg } from "../lib/text";
import { vRole } from "../validators";
import { audit } from "./audit";

/** lastSeenAt is refreshed at most this often, so sign-ins do not write on every page load. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

/** What one user may see of another (never the token identifier). */
export const vUserSummary = v.object({
  _id: v.id("users"),
  email: v.string(),
  name: v.string(),
  role: v.optional(vRole),
  createdAt: v.number(),
  lastSeenAt: v.number(),
  deactivatedAt: v.optional(v.number()),
});

export function userSummary(user: Doc<"users">) {
  return {
    _id: user._id,
    email: user.email,
    name: user.name,
    role: user.role,
    createdAt: user.createdAt,
    lastSeenAt: user.lastSeenAt,
    deactivatedAt: user.deactivatedAt,
  };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Email and display name from a JWT identity (Clerk or the dev sign-in), cleaned like every
 * person-supplied text. A long name is truncated, never refused: sign-in must not fail on it.
 */
export function profileFromIdentity(identity: UserIdentity): { email: string; name: string } {
  const email = normalizeEmail(
    cleanArg(identity.email ?? "", { label: "Votre adresse e-mail", max: textLimits.email }),
  );
  if (!email) {
    throw appError(
      "INVALID_ARGUMENT",
      "Votre identité ne contient pas d'adresse e-mail : impossible de créer votre compte.",
    );
  }
  const displayName = (value: string | undefined) =>
    cleanText(value ?? "", {
      label: "Votre nom",
      max: textLimits.personName,
      overflow: "truncate",
    });
  const name =
    displayName(identity.name) ||
    displayName([identity.givenName, identity.familyName].filter(Boolean).join(" ")) ||
    displayName(email.split("@")[0]) ||
    email.slice(0, textLimits.personName);
  return { email, name };
}

/** Creates the caller's row (without a role) or refreshes its email, name and lastSeenAt. */
export async function upsertFromIdentity(
  ctx: MutationCtx,
  identity: UserIdentity,
  now: number,
): Promise<Doc<"users">> {
  const { email, name } = profileFromIdentity(identity);
  const existing = await ctx.db
    .query("users")
    .withIndex("by_tokenIdentifier", (q) => q.eq("tokenIdentifier", identity.tokenIdentifier))
    .unique();
  if (!existing) {
    const id = await ctx.db.insert("users", {
      tokenIdentifier: identity.tokenIdentifier,
      email,
      name,
      createdAt: now,
      lastSeenAt: now,
    });
    return (await ctx.db.get(id))!;
  }
  const changed =
    existing.email !== email ||
    existing.name !== name ||
    now - existing.lastSeenAt >= LAST_SEEN_RESOLUTION_MS;
  if (!changed) return existing;
  await ctx.db.patch(existing._id, { email, name, lastSeenAt: now });
  return (await ctx.db.get(existing._id))!;
}

/** Admin-only role change (checked by the caller); audited, a no-op when unchanged. */
export async function setUserRole(
  ctx: MutationCtx,
  actor: Doc<"users">,
  userId: Id<"users">,
  role: Role | null,
): Promise<Doc<"users">> {
  const target = await ctx.db.get(userId);
  if (!target) throw appError("NOT_FOUND", "Utilisateur introuvable.");
  if (target._id === actor._id) {
    throw appError(
      "INVALID_ARGUMENT",
      "Vous ne pouvez pas modifier votre propre rôle : demandez-le à un autre administrateur.",
    );
  }
  const next = role ?? undefined;
  if (target.role === next) return target;
  await ctx.db.patch(target._id, { role: next });
  await audit(ctx, {
    actorKind: "user",
    actorId: actor._id,
    action: "user.setRole",
    targetTable: "users",
    targetId: target._id,
    details: { from: target.role ?? null, to: role },
  });
  return (await ctx.db.get(target._id))!;
}

/** Loads a user that must hold `role` (e.g. the parent of a guardianship). */
export async function requireUserWithRole(
  ctx: MutationCtx,
  userId: Id<"users">,
  role: Role,
  message: string,
): Promise<Doc<"users">> {
  const user = await ctx.db.get(userId);
  if (!user) throw appError("NOT_FOUND", "Utilisateur introuvable.");
  if (user.role !== role) throw appError("INVALID_ARGUMENT", message);
  return user;
}

/** Admin-only (checked by the caller): deactivates or reactivates an account; audited. */
export async function setUserActive(
  ctx: MutationCtx,
  actor: Doc<"users">,
  userId: Id<"users">,
  active: boolean,
  now: number,
): Promise<Doc<"users">> {
  const target = await ctx.db.get(userId);
  if (!target) throw appError("NOT_FOUND", "Utilisateur introuvable.");
  if (target._id === actor._id) {
    throw appError(
      "INVALID_ARGUMENT",
      "Vous ne pouvez pas désactiver votre propre compte : demandez-le à un autre administrateur.",
    );
  }
  const wasActive = target.deactivatedAt === undefined;
  if (wasActive === active) return target;
  await ctx.db.patch(target._id, { deactivatedAt: active ? undefined : now });
  await audit(ctx, {
    actorKind: "user",
    actorId: actor._id,
    action: active ? "user.reactivate" : "user.deactivate",
    targetTable: "users",
    targetId: target._id,
    details: { active },
  });
  return (await ctx.db.get(target._id))!;
}

/** At most this many matches per search (name or e-mail). */
export const SEARCH_LIMIT = 20;

/**
 * Users whose name matches `text` (full-text, prefix on the last word) or whose e-mail starts
 * with it, optionally of one role. Bounded: two indexed reads of SEARCH_LIMIT rows each.
 */
export async function searchUsers(
  ctx: QueryCtx,
  text: string,
  role: Role | undefined,
): Promise<Doc<"users">[]> {
  const term = text.trim().slice(0, 100);
  if (!term) return [];
  const byName = await ctx.db
    .query("users")
    .withSearchIndex("search_name", (q) => {
      const search = q.search("name", term);
      return role === undefined ? search : search.eq("role", role);
    })
    .take(SEARCH_LIMIT);
  const prefix = normalizeEmail(term);
  const byEmail = await ctx.db
    .query("users")
    .withIndex("by_email", (q) => q.gte("email", prefix).lt("email", `${prefix}\uffff`))
    .take(SEARCH_LIMIT);
  const seen = new Set<string>();
  const out: Doc<"users">[] = [];
  for (const user of [...byName, ...byEmail.filter((u) => role === undefined || u.role === role)]) {
    if (seen.has(user._id)) continue;
    seen.add(user._id);
    out.push(user);
  }
  return out.slice(0, SEARCH_LIMIT);
}

/** How a parent asks to be greeted: civility + last name, first name, or neutral (« Bonjour, »). */
export const vSalutationChoice = v.union(
  v.object({
    style: v.literal("civilite"),
    civility: v.union(v.literal("Madame"), v.literal("Monsieur")),
    lastName: v.string(),
  }),
  v.object({ style: v.literal("prenom"), firstName: v.string() }),
  v.object({ style: v.literal("neutre") }),
);
export type SalutationChoice = Infer<typeof vSalutationChoice>;

/**
 * The caller's own greeting in e-mails (users.salutation, read by the bilan e-mail). Parents
 * only: they are the guardians written to. Names cleaned and required; « neutre » removes the
 * preference. Audited (`user.setSalutation`) without the names.
 */
export async function setOwnSalutation(
  ctx: MutationCtx,
  user: Doc<"users">,
  choice: SalutationChoice,
): Promise<Doc<"users">> {
  if (user.role !== "parent") {
    throw appError(
      "FORBIDDEN",
      "Seuls les parents choisissent la formule de politesse des e-mails.",
    );
  }
  const name = (value: string, label: string) =>
    cleanArg(value, { label, max: textLimits.personName, required: true });
  const salutation =
    choice.style === "civilite"
      ? {
          style: "civilite" as const,
          civility: choice.civility,
          lastName: name(choice.lastName, "Le nom"),
        }
      : choice.style === "prenom"
        ? { style: "prenom" as const, firstName: name(choice.firstName, "Le prénom") }
        : undefined;
  await ctx.db.patch(user._id, { salutation });
  await audit(ctx, {
    actorKind: "user",
    actorId: user._id,
    action: "user.setSalutation",
    targetTable: "users",
    targetId: user._id,
    details: { style: choice.style },
  });
  return (await ctx.db.get(user._id))!;
}
