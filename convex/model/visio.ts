// Visio rooms. Each session has an unguessable room name; the link is VISIO_BASE_URL (Jitsi Meet,
// https://meet.jit.si by default, or the centre's own server) + the room. On a Jitsi server with
// token authentication (VISIO_JWT_APP_ID and VISIO_JWT_SECRET set), each link carries a signed
// JWT valid from 15 minutes before the start to the end: the coach's with moderator (host)
// rights, the family's without; without those variables the coach's link is the same room with
// the coach's name and the family's link opens the same room (the first in is the moderator on
// meet.jit.si, and pages show the link only from 15 minutes before).
export const VISIO_OPENS_BEFORE_MS = 15 * 60_000;

export function visioBaseUrl(): string {
  return (process.env.VISIO_BASE_URL?.trim() || "https://meet.jit.si").replace(/\/+$/, "");
}

function base64url(data: Uint8Array | string): string {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

async function signHs256(payload: object, secret: string): Promise<string> {
  const head = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = base64url(JSON.stringify(payload));
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const sig = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${head}.${body}`));
  return `${head}.${body}.${base64url(new Uint8Array(sig))}`;
}

export interface JoinInput {
  room: string;
  host: boolean;
  displayName: string;
  startsAt: number;
  endsAt: number;
}

export async function joinUrl(input: JoinInput): Promise<string> {
  const base = visioBaseUrl();
  const appId = process.env.VISIO_JWT_APP_ID?.trim();
  const secret = process.env.VISIO_JWT_SECRET?.trim();
  const hash = `#userInfo.displayName=${encodeURIComponent(JSON.stringify(input.displayName))}`;
  if (!appId || !secret) return `${base}/${input.room}${hash}`;
  const token = await signHs256(
    {
      aud: "jitsi",
      iss: appId,
      sub: new URL(base).hostname,
      room: input.room,
      nbf: Math.floor((input.startsAt - VISIO_OPENS_BEFORE_MS) / 1000),
      exp: Math.floor(input.endsAt / 1000) + 3600,
      context: { user: { name: input.displayName, moderator: input.host } },
    },
    secret,
  );
  return `${base}/${input.room}?jwt=${token}${hash}`;
}
