// E-mail preferences per person and kind, and the signed unsubscribe tokens of the links
// every non-essential e-mail carries (they work signed out). Essential kinds (reports, legal
// messages: @nexus/shared/notifications) are always sent and cannot be turned off.
// The token is `<base64url(userId.kind)>.<base64url(HMAC-SHA256)>`; its key is derived from
// API_KEY_SIGNING_KEY (already a Convex secret), so rotating that key voids old links — the
// preferences page still works signed in.
import { canOptOut, type NotificationKind, notificationKinds } from "@nexus/shared/notifications";
import type { Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";

/** Whether `userId` receives `kind` e-mails (essential kinds: always). */
export async function wantsEmail(
  ctx: QueryCtx,
  userId: Id<"users">,
  kind: NotificationKind,
): Promise<boolean> {
  if (!canOptOut(kind)) return true;
  const row = await ctx.db
    .query("emailPreferences")
    .withIndex("by_userId_and_kind", (q) => q.eq("userId", userId).eq("kind", kind))
    .first();
  return row?.enabled ?? true;
}

export async function preferencesOf(ctx: QueryCtx, userId: Id<"users">) {
  const out: { kind: NotificationKind; enabled: boolean; locked: boolean }[] = [];
  for (const kind of notificationKinds) {
    out.push({ kind, enabled: await wantsEmail(ctx, userId, kind), locked: !canOptOut(kind) });
  }
  return out;
}

export async function setPreference(
  ctx: MutationCtx,
  userId: Id<"users">,
  kind: NotificationKind,
  enabled: boolean,
): Promise<void> {
  if (!canOptOut(kind)) {
    throw appError(
      "INVALID_ARGUMENT",
      "Les rapports et les messages légaux ne peuvent pas être désactivés.",
    );
  }
  const row = await ctx.db
    .query("emailPreferences")
    .withIndex("by_userId_and_kind", (q) => q.eq("userId", userId).eq("kind", kind))
    .first();
  const now = Date.now();
  if (row) await ctx.db.patch(row._id, { enabled, updatedAt: now });
  else await ctx.db.insert("emailPreferences", { userId, kind, enabled, updatedAt: now });
}

const encoder = new TextEncoder();

function b64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromB64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  try {
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

async function hmacKey(): Promise<Awaited<ReturnType<typeof crypto.subtle.importKey>>> {
  const secret = process.env.API_KEY_SIGNING_KEY;
  if (!secret) {
    throw appError(
      "INVALID_STATE",
      "Les liens de désinscription ne sont pas configurés (API_KEY_SIGNING_KEY absente).",
    );
  }
  const material = await crypto.subtle.digest(
    "SHA-256",
    encoder.encode(`nexus-unsubscribe-v1:${secret}`),
  );
  return await crypto.subtle.importKey("raw", material, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

export async function unsubscribeToken(userId: Id<"users">, kind: NotificationKind) {
  const payload = encoder.encode(`${userId}.${kind}`);
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(), payload);
  return `${b64url(payload)}.${b64url(new Uint8Array(signature))}`;
}

/** The (user, kind) a token names, or null when it is malformed or its signature is wrong. */
export async function verifyUnsubscribeToken(
  token: string,
): Promise<{ userId: string; kind: NotificationKind } | null> {
  const [payloadPart, signaturePart, extra] = token.split(".");
  if (!payloadPart || !signaturePart || extra !== undefined || token.length > 300) return null;
  const payload = fromB64url(payloadPart);
  const signature = fromB64url(signaturePart);
  // No secret configured: no link was ever issued, so none can be valid.
  if (!payload || !signature || !process.env.API_KEY_SIGNING_KEY) return null;
  const ok = await crypto.subtle.verify(
    "HMAC",
    await hmacKey(),
    signature as Uint8Array<ArrayBuffer>,
    payload as Uint8Array<ArrayBuffer>,
  );
  if (!ok) return null;
  const [userId, kind] = new TextDecoder().decode(payload).split(".");
  if (!userId || !notificationKinds.includes(kind as NotificationKind)) return null;
  return { userId, kind: kind as NotificationKind };
}
