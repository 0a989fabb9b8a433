// The runtime's admin key: what the Convex CLI sends (`Authorization: Convex
// <key>` over HTTP, `Authenticate { tokenType: "Admin" }` on the sync
// WebSocket) to run internal functions and the `_system/cli/*` admin
// functions (env, data, export, import, logs). Generated on first start into
// the data folder (`admin-key`, mode 600), in the self-hosted backend's shape
// `<instance name>|<hex secret>`. Accepted only from a loopback address
// unless `allowRemote` (CONVEX_LOCAL_ALLOW_REMOTE_ADMIN=1 or
// --allow-remote-admin) says otherwise.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { UserIdentity } from "convex/server";

export const ADMIN_KEY_FILE = "admin-key";
const INSTANCE_NAME = "convex-local";

/** Reads the folder's admin key, creating it (mode 600) on first start. */
export function loadOrCreateAdminKey(dataDir: string): {
  key: string;
  file: string;
  created: boolean;
} {
  const file = join(dataDir, ADMIN_KEY_FILE);
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    return { key: readFileSync(file, "utf8").trim(), file, created: false };
  }
  const key = `${INSTANCE_NAME}|${randomBytes(32).toString("hex")}`;
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: "wx" });
  return { key, file, created: true };
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string | null | undefined): boolean {
  if (!address) return false;
  const bare = address.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "::1" || bare === "0:0:0:0:0:0:0:1") return true;
  const v4 = bare.startsWith("::ffff:") ? bare.slice("::ffff:".length) : bare;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

export type AdminCheck =
  | { ok: true; actingAs: UserIdentity | null }
  | { ok: false; status: 401 | 403; code: string; message: string };

/** Verifies admin keys as the Convex CLI sends them (`<key>` or `<key>:<base64 identity>`). */
export class AdminKeys {
  private readonly expected: Buffer;

  constructor(
    key: string,
    private readonly allowRemote: boolean,
  ) {
    this.expected = Buffer.from(key);
  }

  check(presented: string, remoteAddress: string | null | undefined): AdminCheck {
    if (!this.allowRemote && !isLoopbackAddress(remoteAddress)) {
      return {
        ok: false,
        status: 403,
        code: "AdminKeyFromRemoteAddress",
        message:
          "convex-local accepts admin keys only from this machine (loopback). Start it with --allow-remote-admin (or CONVEX_LOCAL_ALLOW_REMOTE_ADMIN=1) to accept them from elsewhere.",
      };
    }
    const colon = presented.indexOf(":");
    const key = colon < 0 ? presented : presented.slice(0, colon);
    const actual = Buffer.from(key);
    if (actual.length !== this.expected.length || !timingSafeEqual(actual, this.expected)) {
      return {
        ok: false,
        status: 401,
        code: "BadAdminKey",
        message:
          "The admin key is not this runtime's: use the key in the data folder's admin-key file (CONVEX_SELF_HOSTED_ADMIN_KEY).",
      };
    }
    if (colon < 0) return { ok: true, actingAs: null };
    try {
      const identity = JSON.parse(
        Buffer.from(presented.slice(colon + 1), "base64").toString("utf8"),
      ) as Partial<UserIdentity>;
      const subject = identity.subject ?? "admin";
      const issuer = identity.issuer ?? "convex-local";
      return {
        ok: true,
        actingAs: {
          ...identity,
          subject,
          issuer,
          tokenIdentifier: identity.tokenIdentifier ?? `${issuer}|${subject}`,
        } as UserIdentity,
      };
    } catch {
      return {
        ok: false,
        status: 401,
        code: "BadAdminKey",
        message: "The identity after the admin key is not base64 JSON.",
      };
    }
  }
}
