// Invitations: staff invite someone by e-mail with a role and the links to create; the person
// accepts through a single-use link that expires, signed in with that same e-mail.
//
// The token. It is never stored, in Convex or in a job payload: the `invitation.send` job
// names only (invitationId, generation). At send time the worker draws 32 random bytes, keeps
// the token in memory for the e-mail, and gives Convex only its SHA-256 (beginSend), which
// replaces any earlier hash. So a link works once the e-mail carrying it is on its way, and the
// database, the job log and backups hold nothing that opens an invitation.
// - resend: generation + 1 and the hash cleared at once (the old link is dead before the new
//   e-mail leaves), a new job for the new generation, a fresh expiry;
// - revoke: status revoked (the hash stays, so the link says « annulée », not « inconnue »);
// - accept: single use (status accepted in the same mutation that grants the role and links).
// One `emails` row per (invitation, generation), template "invitation": a retried job whose
// e-mail is already sent sends nothing. A job that died mid-send (row still `sending`) sends
// again with a new token — the first message's link is then dead, so at most one link works.
//
// Who may invite: admin any invitable role (parent, eleve, coach, assistante); assistante
// parent, eleve and coach only. Admin is never invited (an admin gives it, users.setRole).
//
// An existing account is never silently changed: accepting works for an account without a
// role (it gets the invitation's role) or with the same role (the links are added, e.g. a
// parent invited for a second child); an account with another role is refused with a French
// message and the invitation stays pending (staff change roles explicitly, users.setRole).
// Before accepting, an invited e-mail has no access at all: signing in without the link gives
// an account without a role, like anyone (the « accès en attente » page).
import type { Role } from "@nexus/shared/domain";
import { textLimits } from "@nexus/shared/text";
import { type Infer, v } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { cleanArg } from "../lib/text";
import { vInvitationRole, vInvitationStatus } from "../validators";
import { audit } from "./audit";
import { enqueueJob } from "./jobs";
import { limitInvitation } from "./rateLimits";
import { assignCoach, linkParent } from "./students";
import { normalizeEmail } from "./users";

export type InvitationRole = Infer<typeof vInvitationRole>;

const DAY = 24 * 60 * 60 * 1000;
/** How long a link works after its e-mail is (re)sent. */
export const INVITATION_TTL_MS = 7 * DAY;

/** How many students each role's invitation links (parent: children; coach: assigned). */
export const STUDENT_LINKS: Record<InvitationRole, { min: number; max: number }> = {
  parent: { min: 1, max: 10 },
  eleve: { min: 1, max: 1 },
  coach: { min: 0, max: 50 },
  assistante: { min: 0, max: 0 },
};

export const invitationRoleLabels: Record<InvitationRole, string> = {
  parent: "parent",
  eleve: "élève",
  coach: "coach",
  assistante: "assistante",
};

const roleLabels: Record<Role, string> = { ...invitationRoleLabels, admin: "administrateur" };

/** What the landing page of a link may learn, and nothing else. */
export type LinkStatus = "valid" | "used" | "expired" | "revoked" | "unknown";

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32,128}$/;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function isExpired(invitation: Doc<"invitations">, now: number): boolean {
  return invitation.status === "pending" && invitation.expiresAt <= now;
}

/** Admin invites every invitable role; assistante all but assistante. */
export function requireMayInvite(actor: Doc<"users">, role: InvitationRole): void {
  if (role === "assistante" && actor.role !== "admin") {
    throw appError("FORBIDDEN", "Seul un administrateur peut inviter une assistante.");
  }
}

function cleanEmail(raw: string): string {
  const email = normalizeEmail(cleanArg(raw, { label: "L'adresse e-mail", max: textLimits.email }));
  if (!EMAIL_SHAPE.test(email)) {
    throw appError("INVALID_ARGUMENT", "Saisissez une adresse e-mail valide.");
  }
  return email;
}

async function checkStudents(
  ctx: QueryCtx,
  role: InvitationRole,
  studentIds: Id<"students">[],
): Promise<Id<"students">[]> {
  const ids = [...new Set(studentIds)];
  const { min, max } = STUDENT_LINKS[role];
  if (ids.length < min || ids.length > max) {
    const message =
      role === "parent"
        ? `Choisissez entre 1 et ${max} enfants pour une invitation de parent.`
        : role === "eleve"
          ? "Choisissez la fiche élève à laquelle ce compte sera associé."
          : role === "coach"
            ? `Un coach peut être invité avec au plus ${max} élèves.`
            : "Une invitation d'assistante ne se lie à aucun élève.";
    throw appError("INVALID_ARGUMENT", message);
  }
  for (const id of ids) {
    const student = await ctx.db.get(id);
    if (!student) throw appError("NOT_FOUND", "Élève introuvable.");
    if (role === "eleve" && student.userId !== undefined) {
      throw appError(
        "INVALID_ARGUMENT",
        `${student.firstName} ${student.lastName} a déjà un compte élève : inutile de l'inviter.`,
      );
    }
  }
  return ids;
}

async function pendingFor(ctx: QueryCtx, email: string) {
  return await ctx.db
    .query("invitations")
    .withIndex("by_email_and_status", (q) => q.eq("email", email).eq("status", "pending"))
    .take(20);
}

async function enqueueSend(
  ctx: MutationCtx,
  invitationId: Id<"invitations">,
  generation: number,
  createdBy: Id<"users">,
) {
  await enqueueJob(
    ctx,
    "invitation.send",
    { invitationId, generation },
    { idempotencyKey: emailKey(invitationId, generation), createdBy },
  );
}

export async function createInvitation(
  ctx: MutationCtx,
  actor: Doc<"users">,
  args: { email: string; role: InvitationRole; studentIds: Id<"students">[] },
  now: number,
): Promise<Id<"invitations">> {
  requireMayInvite(actor, args.role);
  // The token first: a refusal writes nothing (model/rateLimits.ts).
  await limitInvitation(ctx, actor);
  const email = cleanEmail(args.email);
  const studentIds = await checkStudents(ctx, args.role, args.studentIds);
  if ((await pendingFor(ctx, email)).some((i) => !isExpired(i, now))) {
    throw appError(
      "INVALID_STATE",
      "Une invitation est déjà en attente pour cette adresse : renvoyez-la ou révoquez-la.",
    );
  }
  const accounts = await ctx.db
    .query("users")
    .withIndex("by_email", (q) => q.eq("email", email))
    .take(5);
  const other = accounts.find((u) => u.role !== undefined && u.role !== args.role);
  if (other?.role) {
    throw appError(
      "INVALID_ARGUMENT",
      `Un compte existe déjà pour ${email} avec le rôle « ${roleLabels[other.role]} » : une invitation ne change pas un rôle (un administrateur peut le faire depuis Familles et personnes).`,
    );
  }
  const invitationId = await ctx.db.insert("invitations", {
    email,
    role: args.role,
    studentIds,
    invitedBy: actor._id,
    status: "pending",
    generation: 1,
    expiresAt: now + INVITATION_TTL_MS,
    createdAt: now,
    updatedAt: now,
  });
  await audit(ctx, {
    actorKind: "user",
    actorId: actor._id,
    action: "invitation.create",
    targetTable: "invitations",
    targetId: invitationId,
    details: { email, role: args.role, studentIds },
  });
  await enqueueSend(ctx, invitationId, 1, actor._id);
  return invitationId;
}

async function requirePending(ctx: QueryCtx, invitationId: Id<"invitations">) {
  const invitation = await ctx.db.get(invitationId);
  if (!invitation) throw appError("NOT_FOUND", "Invitation introuvable.");
  if (invitation.status === "accepted") {
    throw appError("INVALID_STATE", "Cette invitation a déjà été acceptée.");
  }
  return invitation;
}

/** A new token generation: the old link dies now, a new e-mail is queued, the expiry restarts. */
export async function resendInvitation(
  ctx: MutationCtx,
  actor: Doc<"users">,
  invitationId: Id<"invitations">,
  now: number,
): Promise<void> {
  const invitation = await requirePending(ctx, invitationId);
  if (invitation.status === "revoked") {
    throw appError(
      "INVALID_STATE",
      "Cette invitation a été révoquée : créez-en une nouvelle pour inviter cette personne.",
    );
  }
  requireMayInvite(actor, invitation.role);
  await limitInvitation(ctx, actor);
  const others = await pendingFor(ctx, invitation.email);
  if (others.some((i) => i._id !== invitationId && !isExpired(i, now))) {
    throw appError(
      "INVALID_STATE",
      "Une autre invitation est déjà en attente pour cette adresse : renvoyez plutôt celle-là.",
    );
  }
  const generation = invitation.generation + 1;
  await ctx.db.patch(invitationId, {
    generation,
    tokenHash: undefined,
    sentAt: undefined,
    expiresAt: now + INVITATION_TTL_MS,
    updatedAt: now,
  });
  await audit(ctx, {
    actorKind: "user",
    actorId: actor._id,
    action: "invitation.resend",
    targetTable: "invitations",
    targetId: invitationId,
    details: { email: invitation.email, generation },
  });
  await enqueueSend(ctx, invitationId, generation, actor._id);
}

/** Idempotent on a revoked invitation; an accepted one cannot be revoked (the access exists). */
export async function revokeInvitation(
  ctx: MutationCtx,
  actor: Doc<"users">,
  invitationId: Id<"invitations">,
  now: number,
): Promise<void> {
  const invitation = await requirePending(ctx, invitationId);
  requireMayInvite(actor, invitation.role);
  if (invitation.status === "revoked") return;
  await ctx.db.patch(invitationId, {
    status: "revoked",
    revokedBy: actor._id,
    revokedAt: now,
    updatedAt: now,
  });
  await audit(ctx, {
    actorKind: "user",
    actorId: actor._id,
    action: "invitation.revoke",
    targetTable: "invitations",
    targetId: invitationId,
    details: { email: invitation.email },
  });
}

// ---------------------------------------------------------------------------------------------
// The staff list

export const vInvitationView = v.object({
  _id: v.id("invitations"),
  email: v.string(),
  role: vInvitationRole,
  status: vInvitationStatus,
  expiresAt: v.number(),
  createdAt: v.number(),
  sentAt: v.optional(v.number()),
  acceptedAt: v.optional(v.number()),
  revokedAt: v.optional(v.number()),
  generation: v.number(),
  invitedBy: v.object({ id: v.id("users"), name: v.string() }),
  acceptedBy: v.optional(v.object({ id: v.id("users"), name: v.string() })),
  /** At most VIEW_STUDENTS names; `studentCount` says how many there are. */
  students: v.array(v.object({ id: v.id("students"), name: v.string() })),
  studentCount: v.number(),
});
export type InvitationView = Infer<typeof vInvitationView>;

const VIEW_STUDENTS = 5;

export async function toInvitationView(
  ctx: QueryCtx,
  invitation: Doc<"invitations">,
): Promise<InvitationView> {
  const person = async (id: Id<"users">) => ({
    id,
    name: (await ctx.db.get(id))?.name ?? "Compte supprimé",
  });
  const students = [];
  for (const id of invitation.studentIds.slice(0, VIEW_STUDENTS)) {
    const student = await ctx.db.get(id);
    students.push({
      id,
      name: student ? `${student.firstName} ${student.lastName}` : "Élève supprimé",
    });
  }
  return {
    _id: invitation._id,
    email: invitation.email,
    role: invitation.role,
    status: invitation.status,
    expiresAt: invitation.expiresAt,
    createdAt: invitation.createdAt,
    sentAt: invitation.sentAt,
    acceptedAt: invitation.acceptedAt,
    revokedAt: invitation.revokedAt,
    generation: invitation.generation,
    invitedBy: await person(invitation.invitedBy),
    acceptedBy: invitation.acceptedBy ? await person(invitation.acceptedBy) : undefined,
    students,
    studentCount: invitation.studentIds.length,
  };
}

// ---------------------------------------------------------------------------------------------
// A link: preview (public) and accept (signed in)

export const vInvitationPreview = v.union(
  v.object({
    status: v.union(
      v.literal("used"),
      v.literal("expired"),
      v.literal("revoked"),
      v.literal("unknown"),
    ),
  }),
  v.object({
    status: v.literal("valid"),
    role: vInvitationRole,
    inviterName: v.string(),
    /** Parent invitations: the children's first names. */
    childFirstNames: v.array(v.string()),
    expiresAt: v.number(),
    /** Only when an e-mail was given: whether it is the invited one. */
    emailMatches: v.optional(v.boolean()),
  }),
);
export type InvitationPreview = Infer<typeof vInvitationPreview>;

async function byToken(ctx: QueryCtx, token: string): Promise<Doc<"invitations"> | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const tokenHash = await hashToken(token);
  return await ctx.db
    .query("invitations")
    .withIndex("by_tokenHash", (q) => q.eq("tokenHash", tokenHash))
    .first();
}

function linkStatus(invitation: Doc<"invitations"> | null, now: number): LinkStatus {
  if (!invitation) return "unknown";
  if (invitation.status === "accepted") return "used";
  if (invitation.status === "revoked") return "revoked";
  return isExpired(invitation, now) ? "expired" : "valid";
}

export async function previewInvitation(
  ctx: QueryCtx,
  token: string,
  now: number,
  email: string | undefined,
): Promise<InvitationPreview> {
  const invitation = await byToken(ctx, token);
  const status = linkStatus(invitation, now);
  if (status !== "valid" || !invitation) return { status: status === "valid" ? "unknown" : status };
  const inviter = await ctx.db.get(invitation.invitedBy);
  const childFirstNames: string[] = [];
  if (invitation.role === "parent") {
    for (const id of invitation.studentIds) {
      const student = await ctx.db.get(id);
      if (student) childFirstNames.push(student.firstName);
    }
  }
  return {
    status: "valid",
    role: invitation.role,
    inviterName: inviter?.name ?? "l'équipe du centre",
    childFirstNames,
    expiresAt: invitation.expiresAt,
    ...(email === undefined ? {} : { emailMatches: normalizeEmail(email) === invitation.email }),
  };
}

const dateFr = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  day: "numeric",
  month: "long",
  year: "numeric",
});

export const LINK_REFUSALS = {
  unknown:
    "Ce lien d'invitation n'est pas valide : il a peut-être été remplacé par un envoi plus récent. Utilisez le lien du dernier e-mail reçu, ou demandez au centre de vous renvoyer l'invitation.",
  used: "Cette invitation a déjà été utilisée : elle ne sert qu'une fois. Connectez-vous pour retrouver votre espace.",
  revoked:
    "Cette invitation a été annulée par le centre. Contactez l'accueil si vous pensez qu'il s'agit d'une erreur.",
} as const;

/**
 * Single use: in one mutation the invitation becomes accepted, the account gets its role (when
 * it has none) and the links are created. Refusals are French and change nothing.
 */
export async function acceptInvitation(
  ctx: MutationCtx,
  user: Doc<"users">,
  token: string,
  now: number,
): Promise<{ role: InvitationRole }> {
  const invitation = await byToken(ctx, token);
  if (!invitation) throw appError("NOT_FOUND", LINK_REFUSALS.unknown);
  if (invitation.status === "accepted") throw appError("INVALID_STATE", LINK_REFUSALS.used);
  if (invitation.status === "revoked") throw appError("INVALID_STATE", LINK_REFUSALS.revoked);
  if (isExpired(invitation, now)) {
    throw appError(
      "INVALID_STATE",
      `Cette invitation a expiré le ${dateFr.format(new Date(invitation.expiresAt))} : demandez au centre de vous la renvoyer.`,
    );
  }
  if (normalizeEmail(user.email) !== invitation.email) {
    throw appError(
      "FORBIDDEN",
      `Cette invitation a été envoyée à une autre adresse que celle de votre compte (${user.email}). Connectez-vous avec l'adresse qui a reçu l'e-mail d'invitation.`,
    );
  }
  if (user.role !== undefined && user.role !== invitation.role) {
    throw appError(
      "INVALID_STATE",
      `Votre compte a déjà le rôle « ${roleLabels[user.role]} » : cette invitation (rôle « ${invitationRoleLabels[invitation.role]} ») ne peut pas le changer. Contactez le centre.`,
    );
  }
  const roleGranted = user.role === undefined;
  if (roleGranted) await ctx.db.patch(user._id, { role: invitation.role });
  const member = (await ctx.db.get(user._id))!;
  const linked: Id<"students">[] = [];
  for (const studentId of invitation.studentIds) {
    const student = await ctx.db.get(studentId);
    if (!student) continue; // deleted since the invitation: nothing to link
    if (invitation.role === "parent") await linkParent(ctx, member, studentId, user._id);
    else if (invitation.role === "coach") await assignCoach(ctx, member, studentId, user._id);
    else if (invitation.role === "eleve") {
      if (student.userId === user._id) continue;
      const own = await ctx.db
        .query("students")
        .withIndex("by_userId", (q) => q.eq("userId", user._id))
        .first();
      if (student.userId !== undefined || own) {
        throw appError(
          "INVALID_STATE",
          "Cette fiche élève est déjà associée à un compte (ou votre compte à une autre fiche) : contactez le centre.",
        );
      }
      await ctx.db.patch(studentId, { userId: user._id, updatedAt: now });
    }
    linked.push(studentId);
  }
  await ctx.db.patch(invitation._id, {
    status: "accepted",
    acceptedBy: user._id,
    acceptedAt: now,
    updatedAt: now,
  });
  await audit(ctx, {
    actorKind: "user",
    actorId: user._id,
    action: "invitation.accept",
    targetTable: "invitations",
    targetId: invitation._id,
    details: { role: invitation.role, roleGranted, studentIds: linked },
  });
  return { role: invitation.role };
}

// ---------------------------------------------------------------------------------------------
// The worker's side of the e-mail (handler apps/worker/src/handlers/invitation-send.ts)

export const vSendContext = v.union(
  v.object({ send: v.literal(false), reason: v.string() }),
  v.object({
    send: v.literal(true),
    to: v.string(),
    role: vInvitationRole,
    inviterName: v.string(),
    studentNames: v.array(v.object({ firstName: v.string(), lastName: v.string() })),
    expiresAt: v.number(),
  }),
);

export function emailKey(invitationId: Id<"invitations">, generation: number) {
  return `invitation:${invitationId}:g${generation}`;
}

async function skipReason(
  ctx: QueryCtx,
  invitation: Doc<"invitations"> | null,
  generation: number,
  now: number,
): Promise<string | null> {
  if (!invitation) return "invitation supprimée";
  if (invitation.status === "accepted") return "invitation déjà acceptée";
  if (invitation.status === "revoked") return "invitation révoquée";
  if (invitation.generation !== generation) return "remplacée par un envoi plus récent";
  if (isExpired(invitation, now)) return "invitation expirée";
  const row = await ctx.db
    .query("emails")
    .withIndex("by_idempotencyKey", (q) =>
      q.eq("idempotencyKey", emailKey(invitation._id, generation)),
    )
    .unique();
  if (row?.status === "sent") return "e-mail déjà envoyé";
  return null;
}

export async function sendContext(
  ctx: QueryCtx,
  invitationId: Id<"invitations">,
  generation: number,
  now: number,
): Promise<Infer<typeof vSendContext>> {
  const invitation = await ctx.db.get(invitationId);
  const reason = await skipReason(ctx, invitation, generation, now);
  if (reason || !invitation) return { send: false, reason: reason ?? "invitation supprimée" };
  const inviter = await ctx.db.get(invitation.invitedBy);
  const studentNames = [];
  for (const id of invitation.studentIds.slice(0, 10)) {
    const student = await ctx.db.get(id);
    if (student) studentNames.push({ firstName: student.firstName, lastName: student.lastName });
  }
  return {
    send: true,
    to: invitation.email,
    role: invitation.role,
    inviterName: inviter?.name ?? "L'équipe du centre",
    studentNames,
    expiresAt: invitation.expiresAt,
  };
}

export const vBeginSend = v.union(
  v.object({ send: v.literal(false), reason: v.string() }),
  v.object({ send: v.literal(true), emailId: v.id("emails"), expiresAt: v.number() }),
);

/**
 * Stores the hash of the token the worker is about to send (replacing any earlier one of this
 * generation) and claims the e-mail row; `send: false` when there is nothing to send any more.
 */
export async function beginSend(
  ctx: MutationCtx,
  args: {
    invitationId: Id<"invitations">;
    generation: number;
    tokenHash: string;
    subject: string;
  },
  now: number,
): Promise<Infer<typeof vBeginSend>> {
  if (!/^[0-9a-f]{64}$/.test(args.tokenHash)) {
    throw appError("INVALID_ARGUMENT", "Empreinte de jeton invalide (SHA-256 en hexadécimal).");
  }
  const invitation = await ctx.db.get(args.invitationId);
  const reason = await skipReason(ctx, invitation, args.generation, now);
  if (reason || !invitation) return { send: false, reason: reason ?? "invitation supprimée" };
  await ctx.db.patch(invitation._id, { tokenHash: args.tokenHash, updatedAt: now });
  const idempotencyKey = emailKey(invitation._id, args.generation);
  const existing = await ctx.db
    .query("emails")
    .withIndex("by_idempotencyKey", (q) => q.eq("idempotencyKey", idempotencyKey))
    .unique();
  const fields = { status: "sending" as const, subject: args.subject, error: undefined };
  let emailId: Id<"emails">;
  if (existing) {
    emailId = existing._id;
    await ctx.db.patch(emailId, fields);
  } else {
    emailId = await ctx.db.insert("emails", {
      ...fields,
      to: invitation.email,
      template: "invitation",
      idempotencyKey,
      createdAt: now,
    });
  }
  return { send: true, emailId, expiresAt: invitation.expiresAt };
}

export async function finishSend(
  ctx: MutationCtx,
  args: {
    invitationId: Id<"invitations">;
    generation: number;
    emailId: Id<"emails">;
    status: "sent" | "failed";
    provider?: "resend" | "outbox";
    providerId?: string;
    outboxPath?: string;
    error?: string;
  },
  now: number,
): Promise<void> {
  const email = await ctx.db.get(args.emailId);
  if (!email || email.idempotencyKey !== emailKey(args.invitationId, args.generation)) {
    throw appError("NOT_FOUND", "E-mail d'invitation introuvable.");
  }
  await ctx.db.patch(args.emailId, {
    status: args.status,
    provider: args.provider,
    providerId: args.providerId,
    outboxPath: args.outboxPath,
    error: args.error,
    sentAt: args.status === "sent" ? now : undefined,
  });
  const invitation = await ctx.db.get(args.invitationId);
  if (args.status === "sent" && invitation?.generation === args.generation) {
    await ctx.db.patch(invitation._id, { sentAt: now, updatedAt: now });
  }
}
