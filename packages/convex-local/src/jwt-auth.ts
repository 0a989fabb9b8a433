// Verifies client JWTs against the providers of a functions folder's
// auth.config.ts, as the Convex backend does, and derives the UserIdentity.
import type { UserIdentity } from "convex/server";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";
import { z } from "zod";

const customJwtProvider = z.object({
  type: z.literal("customJwt"),
  issuer: z.string().min(1),
  jwks: z.string().min(1),
  algorithm: z.enum(["RS256", "ES256"]),
  applicationID: z.string().min(1).optional(),
});

const oidcProvider = z.object({
  domain: z.string().min(1),
  applicationID: z.string().min(1),
});

const authConfigSchema = z.object({
  providers: z.array(z.union([customJwtProvider, oidcProvider])),
});

export type AuthProviderConfig =
  | {
      kind: "customJwt";
      issuer: string;
      jwks: string;
      algorithm: "RS256" | "ES256";
      applicationID?: string;
    }
  | { kind: "oidc"; domain: string; applicationID: string };

/** Validates the default export of auth.config.ts (undefined when the folder has none). */
export function parseAuthConfig(config: unknown): AuthProviderConfig[] {
  if (config === undefined || config === null) return [];
  const parsed = authConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new Error(`Invalid auth.config.ts: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data.providers.map((provider): AuthProviderConfig => {
    if ("type" in provider) {
      const { issuer, jwks, algorithm, applicationID } = provider;
      return {
        kind: "customJwt",
        issuer,
        jwks,
        algorithm,
        ...(applicationID ? { applicationID } : {}),
      };
    }
    return { kind: "oidc", domain: provider.domain, applicationID: provider.applicationID };
  });
}

/** What a client is told when its token is refused (details stay in the server log). */
export const AUTH_FAILURE_MESSAGE =
  "Could not verify the auth token. Check that it is signed by a provider of auth.config.ts and has not expired.";

/**
 * A token the runtime refuses: the client gets an AuthError (WebSocket) or a
 * 401 (HTTP) carrying the generic `message`; `detail` says why, for the log.
 */
export class AuthFailure extends Error {
  override name = "AuthFailure";
  readonly detail: string;

  constructor(detail: string) {
    super(AUTH_FAILURE_MESSAGE);
    this.detail = detail;
  }
}

/** Longest token lifetime accepted (exp - iat, or exp - now without iat), in seconds. */
export const MAX_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

// UserIdentity attributes and the standard claims they come from.
const IDENTITY_FROM_CLAIM: Record<string, string> = {
  name: "name",
  given_name: "givenName",
  family_name: "familyName",
  nickname: "nickname",
  preferred_username: "preferredUsername",
  profile: "profileUrl",
  picture: "pictureUrl",
  email: "email",
  email_verified: "emailVerified",
  gender: "gender",
  birthdate: "birthday",
  zoneinfo: "timezone",
  locale: "language",
  phone_number: "phoneNumber",
  phone_number_verified: "phoneNumberVerified",
  address: "address",
  updated_at: "updatedAt",
};

const REGISTERED_CLAIMS = new Set(["iss", "sub", "aud", "exp", "iat", "nbf", "jti"]);

// Set from `iss` and `sub` only: a claim of the same name never overrides them.
const DERIVED_ATTRIBUTES = new Set(["tokenIdentifier", "subject", "issuer"]);

/**
 * The identity Convex functions see for a verified token's claims:
 * `tokenIdentifier` is `${iss}|${sub}`, `subject` and `issuer` are `sub` and
 * `iss`, whatever other claims say; standard claims take their UserIdentity
 * names and win over custom claims of those names; other custom claims are kept.
 */
export function identityFromClaims(claims: JWTPayload): UserIdentity {
  if (typeof claims.iss !== "string" || typeof claims.sub !== "string") {
    throw new AuthFailure("The token has no `iss` or `sub` claim.");
  }
  const custom: Record<string, unknown> = {};
  const standard: Record<string, unknown> = {};
  for (const [claim, value] of Object.entries(claims)) {
    if (REGISTERED_CLAIMS.has(claim) || DERIVED_ATTRIBUTES.has(claim) || value === undefined) {
      continue;
    }
    const attribute = IDENTITY_FROM_CLAIM[claim];
    if (attribute === undefined) {
      custom[claim] = value;
    } else if (claim === "address" && typeof value === "object") {
      standard[attribute] = JSON.stringify(value);
    } else if (claim === "updated_at" && typeof value === "number") {
      standard[attribute] = new Date(value * 1000).toISOString();
    } else {
      standard[attribute] = value;
    }
  }
  return {
    ...custom,
    ...standard,
    tokenIdentifier: `${claims.iss}|${claims.sub}`,
    subject: claims.sub,
    issuer: claims.iss,
  } as UserIdentity;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

function audiences(claims: JWTPayload): string[] {
  if (typeof claims.aud === "string") return [claims.aud];
  return Array.isArray(claims.aud) ? claims.aud : [];
}

export interface VerifiedToken {
  identity: UserIdentity;
  /** Expiry in seconds since the epoch (every accepted token has one). */
  expiresAt: number;
}

export class TokenVerifier {
  private readonly providers: AuthProviderConfig[];
  private readonly keySets = new Map<string, Promise<JWTVerifyGetKey>>();
  private readonly onRefused: (detail: string) => void;

  /** `onRefused` receives why a token was refused (for the server log; clients get a generic message). */
  constructor(providers: AuthProviderConfig[], onRefused: (detail: string) => void = () => {}) {
    this.providers = providers;
    this.onRefused = onRefused;
  }

  get providerCount(): number {
    return this.providers.length;
  }

  async verify(token: string): Promise<VerifiedToken> {
    try {
      return await this.verifyToken(token);
    } catch (error) {
      const failure =
        error instanceof AuthFailure
          ? error
          : new AuthFailure(`Could not verify the auth token: ${String(error)}`);
      this.onRefused(failure.detail);
      throw failure;
    }
  }

  private async verifyToken(token: string): Promise<VerifiedToken> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw new AuthFailure("Could not parse the auth token as a JWT.");
    }
    const aud = audiences(unverified);
    const iss = typeof unverified.iss === "string" ? unverified.iss : "";
    const provider = this.providers.find((candidate) =>
      candidate.kind === "customJwt"
        ? candidate.issuer === iss &&
          (candidate.applicationID === undefined || aud.includes(candidate.applicationID))
        : trimSlash(candidate.domain) === trimSlash(iss) && aud.includes(candidate.applicationID),
    );
    if (provider === undefined) {
      const configured = this.providers
        .map((p) =>
          p.kind === "customJwt"
            ? `${p.issuer} (customJwt${p.applicationID ? `, aud ${p.applicationID}` : ""})`
            : `${p.domain} (OIDC, aud ${p.applicationID})`,
        )
        .join(", ");
      throw new AuthFailure(
        `No auth provider found matching the given token (issuer "${iss}", audience ${JSON.stringify(aud)}). ` +
          `Configured providers: ${configured || "none"}. Check convex/auth.config.ts.`,
      );
    }
    let claims: JWTPayload;
    try {
      const keys = await this.keySet(provider);
      const result = await jwtVerify(token, keys, {
        issuer: provider.kind === "customJwt" ? provider.issuer : iss,
        ...(provider.applicationID ? { audience: provider.applicationID } : {}),
        ...(provider.kind === "customJwt" ? { algorithms: [provider.algorithm] } : {}),
        clockTolerance: 5,
      });
      claims = result.payload;
    } catch (error) {
      const code = (error as { code?: string }).code;
      const detail = error instanceof Error ? error.message : String(error);
      if (code === "ERR_JWT_EXPIRED") throw new AuthFailure(`Token expired: ${detail}`);
      throw new AuthFailure(`Could not verify the auth token: ${detail}`);
    }
    // Tokens must expire, soon enough: a session keeps its identity only as
    // long as its token is valid (checked again on every request and re-run).
    if (typeof claims.exp !== "number") throw new AuthFailure("The token has no `exp` claim.");
    const now = Date.now() / 1000;
    if (claims.exp <= now) throw new AuthFailure(`Token expired at ${claims.exp}.`);
    const lifetime = claims.exp - (typeof claims.iat === "number" ? claims.iat : now);
    if (lifetime > MAX_TOKEN_LIFETIME_SECONDS) {
      throw new AuthFailure(
        `Token lifetime of ${Math.round(lifetime)} s is over the ${MAX_TOKEN_LIFETIME_SECONDS} s accepted.`,
      );
    }
    return { identity: identityFromClaims(claims), expiresAt: claims.exp };
  }

  private keySet(provider: AuthProviderConfig): Promise<JWTVerifyGetKey> {
    const cacheKey =
      provider.kind === "customJwt" ? `jwt:${provider.jwks}` : `oidc:${provider.domain}`;
    let keys = this.keySets.get(cacheKey);
    if (keys === undefined) {
      keys = this.loadKeySet(provider);
      // A failed discovery is retried on the next token rather than cached.
      keys.catch(() => this.keySets.delete(cacheKey));
      this.keySets.set(cacheKey, keys);
    }
    return keys;
  }

  private async loadKeySet(provider: AuthProviderConfig): Promise<JWTVerifyGetKey> {
    if (provider.kind === "customJwt") {
      if (provider.jwks.startsWith("data:")) {
        const comma = provider.jwks.indexOf(",");
        const meta = provider.jwks.slice(5, comma);
        const payload = provider.jwks.slice(comma + 1);
        const text = meta.endsWith(";base64")
          ? Buffer.from(payload, "base64").toString("utf8")
          : decodeURIComponent(payload);
        return createLocalJWKSet(JSON.parse(text) as JSONWebKeySet);
      }
      return createRemoteJWKSet(new URL(provider.jwks));
    }
    const discoveryUrl = `${trimSlash(provider.domain)}/.well-known/openid-configuration`;
    const response = await fetch(discoveryUrl);
    if (!response.ok) {
      throw new AuthFailure(
        `OIDC discovery failed: GET ${discoveryUrl} answered ${response.status}.`,
      );
    }
    const discovery = (await response.json()) as { jwks_uri?: unknown };
    if (typeof discovery.jwks_uri !== "string") {
      throw new AuthFailure(`OIDC discovery at ${discoveryUrl} has no jwks_uri.`);
    }
    return createRemoteJWKSet(new URL(discovery.jwks_uri));
  }
}
