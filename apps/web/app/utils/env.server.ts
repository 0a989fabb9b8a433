// Server environment, validated once at boot. Only what `publicEnv` lists ever reaches the
// browser. Empty variables count as unset.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";

export const DEV_AUTH_ISSUER_DEFAULT = "http://127.0.0.1:3000/dev-auth";

const optionalText = z.string().trim().min(1).optional();

const zEnv = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    CONVEX_URL: z.url().default("http://127.0.0.1:3210"),
    /** The URL browsers use for Convex when it differs from the server's (Docker: an internal name). */
    CONVEX_PUBLIC_URL: z.url().optional(),
    /** Signs the session cookie; at least 32 characters. Required in production. */
    SESSION_SECRET: z.string().min(32, "SESSION_SECRET: au moins 32 caractères").optional(),
    CLERK_PUBLISHABLE_KEY: optionalText,
    CLERK_SECRET_KEY: optionalText,
    /** "convex": the Clerk JWT template named convex; unset: the session token (Convex integration). */
    CLERK_JWT_TEMPLATE: optionalText,
    DEV_AUTH_ISSUER: z.url().default(DEV_AUTH_ISSUER_DEFAULT),
    /** Where the dev sign-in keeps its key pair, session secret and sign-outs. */
    DEV_AUTH_KEY_DIR: optionalText,
    /** A worker whose last heartbeat is older than this is not fresh (/api/health). */
    HEALTH_WORKER_FRESH_MS: z.coerce.number().int().positive().default(60_000),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.CLERK_PUBLISHABLE_KEY) !== Boolean(env.CLERK_SECRET_KEY)) {
      ctx.addIssue({
        code: "custom",
        path: ["CLERK_SECRET_KEY"],
        message: "CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY go together: set both or neither",
      });
    }
    if (env.NODE_ENV === "production" && !env.SESSION_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["SESSION_SECRET"],
        message: "SESSION_SECRET is required in production",
      });
    }
    // The dev sign-in is refused in production: without Clerk, nobody could sign in safely.
    if (env.NODE_ENV === "production" && !env.CLERK_PUBLISHABLE_KEY && !env.CLERK_SECRET_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["CLERK_PUBLISHABLE_KEY"],
        message:
          "required in production (the dev sign-in is refused with NODE_ENV=production): set CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY",
      });
    }
  });

/** Variables production must set explicitly: their defaults only make sense offline. */
export const PRODUCTION_REQUIRED = ["CONVEX_URL"] as const;

export type ServerEnv = z.infer<typeof zEnv>;
export type AuthMode = "clerk" | "dev";

export function parseEnv(source: Record<string, string | undefined>): ServerEnv {
  const present = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = zEnv.safeParse(present);
  const issues = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join(".") || "?"}: ${issue.message}`);
  if (present.NODE_ENV === "production") {
    for (const name of PRODUCTION_REQUIRED) {
      if (!present[name]) issues.unshift(`${name}: required in production`);
    }
  }
  if (!parsed.success || issues.length > 0) throw new EnvError(issues);
  return parsed.data;
}

/** A refused environment: `message` is ONE line naming every variable at fault. */
export class EnvError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid web environment: ${issues.join("; ")}`);
    this.name = "EnvError";
  }
}

export type ConvexMode = "cloud" | "self-hosted" | "local";

/** Which Convex the URL points at: a *.convex.cloud deployment, the local runtime, or self-hosted. */
export function convexMode(url: string): ConvexMode {
  const { hostname } = new URL(url);
  if (hostname.endsWith(".convex.cloud")) return "cloud";
  if (hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]") return "local";
  return "self-hosted";
}

/** What the web app is wired to, logged once at start (never a secret: modes and URLs only). */
export function describeModes(env: ServerEnv) {
  return {
    nodeEnv: env.NODE_ENV,
    convex: convexMode(env.CONVEX_URL),
    convexUrl: env.CONVEX_URL,
    browserConvexUrl: env.CONVEX_PUBLIC_URL ?? env.CONVEX_URL,
    auth: authMode(env) === "clerk" ? "clerk" : "dev sign-in",
  };
}

let cached: ServerEnv | undefined;

export function getEnv(): ServerEnv {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Clerk when both keys are set, else the dev sign-in. Decided from configuration only. */
export function authMode(env: ServerEnv): AuthMode {
  return env.CLERK_PUBLISHABLE_KEY && env.CLERK_SECRET_KEY ? "clerk" : "dev";
}

/** The allow-list of what the browser may see. */
export function publicEnv(env: ServerEnv) {
  return {
    CONVEX_URL: env.CONVEX_PUBLIC_URL ?? env.CONVEX_URL,
    AUTH_MODE: authMode(env),
    CLERK_PUBLISHABLE_KEY: authMode(env) === "clerk" ? env.CLERK_PUBLISHABLE_KEY : undefined,
  };
}

export type PublicEnv = ReturnType<typeof publicEnv>;

/** The repository root (the folder whose package.json declares workspaces), else the cwd. */
export function repositoryRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && readFileSync(manifest, "utf8").includes('"workspaces"')) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(from);
    dir = parent;
  }
}

export function devAuthKeyDir(env: ServerEnv): string {
  return env.DEV_AUTH_KEY_DIR
    ? resolve(env.DEV_AUTH_KEY_DIR)
    : join(repositoryRoot(), ".data", "dev-auth");
}
