// Personal API keys: creation (staff only, the key shown once), the exchange of a key for a
// 15-minute session token through the real HTTP route (POST /auth/api-key/token, X-Api-Key), calls made with that token (as the
// key's person, with their role, until the key is revoked), audit attribution, and the
// worker's bootstrap of the first admin.
import { looksLikeApiKey } from "@nexus/service-auth/api-keys";
import {
  API_KEY_ISSUER,
  API_KEY_TOKEN_TTL_S,
  generateServiceKeyPair,
  SERVICE_AUDIENCE,
  type ServiceKeyPair,
} from "@nexus/service-auth/service-tokens";
import { createLocalJWKSet, jwtVerify } from "jose";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { makeConvexTest } from "./test.setup";
import {
  as,
  asApiKey,
  asWorker,
  countRows,
  errorOf,
  freshWorld,
  identityFor,
  insertApiKey,
  outcomeOf,
  type T,
} from "./world.fixtures";

const GENERIC_401 = { error: "Clé d'API invalide, expirée ou révoquée." };

let signing: ServiceKeyPair;
beforeAll(async () => {
  signing = await generateServiceKeyPair();
});
beforeEach(() => vi.stubEnv("API_KEY_SIGNING_KEY", JSON.stringify(signing.privateJwk)));
afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

/** POST /auth/api-key/token with the key in `X-Api-Key` (http.ts), or other headers. */
function exchange(t: T, key?: string, headers: Record<string, string> = {}) {
  return t.fetch("/auth/api-key/token", {
    method: "POST",
    headers: key === undefined ? headers : { ...headers, "x-api-key": key },
  });
}

async function keyRow(t: T, keyId: Id<"apiKeys">) {
  return (await t.run(async (ctx) => await ctx.db.get(keyId)))!;
}

async function auditRows(t: T, action: string) {
  return await t.run(async (ctx) =>
    (await ctx.db.query("auditLogs").collect()).filter((row) => row.action === action),
  );
}

/** A key exchanged through the HTTP route, and a client calling with its session token. */
async function sessionOf(t: T, key: string) {
  const response = await exchange(t, key);
  expect(response.status).toBe(200);
  const { token } = (await response.json()) as { token: string };
  const { payload } = await jwtVerify(token, createLocalJWKSet(signing.publicJwks));
  const keyId = payload.sub as Id<"apiKeys">;
  return { keyId, client: asApiKey(t, keyId) };
}

describe("apiKeys.create", () => {
  it("lets staff create a key, shown once: the list never returns the hash or the key", async () => {
    const { t, world } = await freshWorld();
    const created = await as(t, "assistante").mutation(api.apiKeys.create, {
      label: "  portable\u0000 bureau  ",
      userId: world.users.coach,
    });
    expect(looksLikeApiKey(created.key)).toBe(true);
    expect(created.hint).toBe(`${created.key.slice(0, 10)}…`);
    const row = await keyRow(t, created.keyId);
    expect(row).toMatchObject({
      userId: world.users.coach,
      label: "portable bureau",
      createdBy: world.users.assistante,
    });
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(created.key);
    expect(row.expiresAt! - row.createdAt).toBe(365 * 24 * 3600 * 1000);

    // The owner and staff list it; neither sees the hash nor the key.
    for (const lister of [
      as(t, "coach").query(api.apiKeys.list, {}),
      as(t, "admin").query(api.apiKeys.list, { userId: world.users.coach }),
    ]) {
      const listed = await lister;
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ _id: created.keyId, hint: created.hint });
      expect(listed[0]).not.toHaveProperty("hash");
      expect(listed[0]).not.toHaveProperty("key");
      expect(JSON.stringify(listed)).not.toContain(row.hash);
      expect(JSON.stringify(listed)).not.toContain(created.key);
    }
    // Someone else naming the coach's account sees their own keys (none), not the coach's.
    expect(await as(t, "parent").query(api.apiKeys.list, { userId: world.users.coach })).toEqual(
      [],
    );
    const [audited] = await auditRows(t, "apiKey.create");
    expect(audited).toMatchObject({ actorId: world.users.assistante, targetId: created.keyId });
    expect(audited?.apiKeyId).toBeUndefined();
  });

  it("refuses an assistante creating a key for an admin, non-staff callers, roleless owners and empty labels", async () => {
    const { t, world } = await freshWorld();
    expect(
      await outcomeOf(
        as(t, "assistante").mutation(api.apiKeys.create, {
          label: "x",
          userId: world.users.admin,
        }),
      ),
    ).toBe("FORBIDDEN");
    expect(
      await outcomeOf(
        as(t, "admin").mutation(api.apiKeys.create, { label: "x", userId: world.users.admin }),
      ),
    ).toBe("ok");
    expect(await outcomeOf(as(t, "coach").mutation(api.apiKeys.create, { label: "x" }))).toBe(
      "FORBIDDEN",
    );
    expect(
      await outcomeOf(
        as(t, "admin").mutation(api.apiKeys.create, { label: "x", userId: world.users.noRole }),
      ),
    ).toBe("INVALID_STATE");
    const empty = await errorOf(as(t, "admin").mutation(api.apiKeys.create, { label: " \t " }));
    expect(empty.code).toBe("INVALID_ARGUMENT");
    expect(empty.message).toMatch(/nom de la clé est obligatoire/);
    const keys = await t.run(async (ctx) => await ctx.db.query("apiKeys").collect());
    expect(keys.map((k) => k.userId)).toEqual([world.users.admin]);
  });
});

describe("POST /auth/api-key/token", () => {
  it("exchanges a key for a 15-minute ES256 token whose subject is the key", async () => {
    const { t, world } = await freshWorld();
    const { key, keyId } = await as(t, "admin").mutation(api.apiKeys.create, {
      label: "CLI",
      userId: world.users.assistante,
    });
    const before = Date.now();
    const response = await exchange(t, key);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as { token: string; expiresAt: number };
    const { payload, protectedHeader } = await jwtVerify(
      body.token,
      createLocalJWKSet(signing.publicJwks),
      { issuer: API_KEY_ISSUER, audience: SERVICE_AUDIENCE },
    );
    expect(protectedHeader.alg).toBe("ES256");
    expect(payload.iss).toBe(API_KEY_ISSUER);
    expect(payload.sub).toBe(keyId);
    expect(payload.exp! - payload.iat!).toBe(API_KEY_TOKEN_TTL_S);
    expect(API_KEY_TOKEN_TTL_S).toBeLessThanOrEqual(15 * 60);
    expect(payload.exp! * 1000).toBeLessThanOrEqual(before + 15 * 60 * 1000 + 1000);
    expect(body.expiresAt).toBe(payload.exp! * 1000);
    expect(body.token).not.toContain(key);

    const row = await keyRow(t, keyId);
    expect(row.lastUsedAt).toBeGreaterThanOrEqual(before);
    const [used] = await auditRows(t, "apiKey.use");
    expect(used).toMatchObject({ actorId: world.users.assistante, targetId: keyId });
  });

  it("answers the same generic 401 for a missing, malformed, unknown, revoked, expired or misplaced key", async () => {
    vi.useFakeTimers();
    const { t, world } = await freshWorld();
    const admin = as(t, "admin");
    const revoked = await admin.mutation(api.apiKeys.create, { label: "r" });
    await admin.mutation(api.apiKeys.revoke, { keyId: revoked.keyId });
    const expiring = await admin.mutation(api.apiKeys.create, { label: "e" });
    const roleless = await admin.mutation(api.apiKeys.create, {
      label: "w",
      userId: world.users.coach,
    });
    await t.run(async (ctx) => {
      await ctx.db.patch(expiring.keyId, { expiresAt: Date.now() + 1_000 });
      await ctx.db.patch(world.users.coach, { role: undefined });
    });
    vi.setSystemTime(Date.now() + 1_000);
    const unknown = `nxr_${"A".repeat(43)}`;
    for (const presented of [
      undefined,
      "",
      `Bearer ${revoked.key}`,
      `${revoked.key}x`,
      "nxr_court",
      unknown,
      revoked.key,
      expiring.key,
      roleless.key,
    ]) {
      const response = await exchange(t, presented);
      expect(response.status, String(presented)).toBe(401);
      expect(await response.json()).toEqual(GENERIC_401);
    }
    // A live key is read from X-Api-Key only: `Authorization` carries JWTs for HTTP actions.
    const live = await admin.mutation(api.apiKeys.create, { label: "l" });
    const misplaced = await exchange(t, undefined, { authorization: `Bearer ${live.key}` });
    expect(misplaced.status).toBe(401);
    expect(await misplaced.json()).toEqual(GENERIC_401);
    expect(await auditRows(t, "apiKey.use")).toEqual([]);
  });

  it("answers 503 when API_KEY_SIGNING_KEY is not configured", async () => {
    vi.stubEnv("API_KEY_SIGNING_KEY", "");
    const { t } = await freshWorld();
    const { key } = await as(t, "admin").mutation(api.apiKeys.create, { label: "x" });
    const response = await exchange(t, key);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: "Les clés d'API ne sont pas configurées sur ce déploiement.",
    });
  });
});

describe("calls with an API key's session token", () => {
  it("run as the key's person with their role: an assistante's jobs, not a coach's", async () => {
    const { t, world } = await freshWorld();
    const admin = as(t, "admin");
    const assistanteKey = await admin.mutation(api.apiKeys.create, {
      label: "a",
      userId: world.users.assistante,
    });
    const coachKey = await admin.mutation(api.apiKeys.create, {
      label: "c",
      userId: world.users.coach,
    });
    const assistante = (await sessionOf(t, assistanteKey.key)).client;
    const coach = (await sessionOf(t, coachKey.key)).client;
    const page = { paginationOpts: { numItems: 10, cursor: null } };

    expect((await assistante.query(api.users.me, {}))?._id).toBe(world.users.assistante);
    const { job } = await assistante.mutation(api.jobs.enqueue, {
      kind: "system.echo",
      payload: { sleepMs: 0 },
    });
    expect((await assistante.query(api.jobs.list, page)).page.map((j) => j.id)).toEqual([job.id]);
    const stored = await t.run(async (ctx) => await ctx.db.get(job.id as Id<"jobs">));
    expect(stored?.createdBy).toBe(world.users.assistante);

    expect(await outcomeOf(coach.query(api.jobs.list, page))).toBe("FORBIDDEN");
    expect(await outcomeOf(coach.mutation(api.apiKeys.create, { label: "x" }))).toBe("FORBIDDEN");
    // …but the coach reads their own student, as in the web app.
    expect(await outcomeOf(coach.query(api.students.get, { studentId: world.students.own }))).toBe(
      "ok",
    );
    expect(
      await outcomeOf(coach.query(api.students.get, { studentId: world.students.foreign })),
    ).toBe("NOT_FOUND");
  });

  it("stop on the very next call once the key is revoked, by its person or by staff", async () => {
    const { t, world } = await freshWorld();
    const admin = as(t, "admin");
    const page = { paginationOpts: { numItems: 1, cursor: null } };
    const own = await admin.mutation(api.apiKeys.create, {
      label: "a",
      userId: world.users.assistante,
    });
    const session = await sessionOf(t, own.key);
    expect(await outcomeOf(session.client.query(api.jobs.list, page))).toBe("ok");
    // The person revokes the key they are calling with.
    const revoked = await session.client.mutation(api.apiKeys.revoke, { keyId: session.keyId });
    expect(revoked.revokedAt).toEqual(expect.any(Number));
    expect(revoked).not.toHaveProperty("hash");
    const refused = await errorOf(session.client.query(api.jobs.list, page));
    expect(refused.code).toBe("UNAUTHENTICATED");
    expect(refused.message).toMatch(/Clé d'API révoquée/);
    expect(await outcomeOf(session.client.query(api.users.me, {}))).toBe("ok");
    expect(await session.client.query(api.users.me, {})).toBeNull();
    expect((await exchange(t, own.key)).status).toBe(401);

    // Staff revoke someone else's key: the live session stops at once.
    const other = await admin.mutation(api.apiKeys.create, {
      label: "b",
      userId: world.users.assistante,
    });
    const otherSession = await sessionOf(t, other.key);
    expect(await outcomeOf(otherSession.client.query(api.jobs.list, page))).toBe("ok");
    await admin.mutation(api.apiKeys.revoke, { keyId: other.keyId });
    expect(await outcomeOf(otherSession.client.query(api.jobs.list, page))).toBe("UNAUTHENTICATED");
    // Revoking twice changes nothing; a stranger cannot even see the key.
    const again = await admin.mutation(api.apiKeys.revoke, { keyId: other.keyId });
    expect(again.revokedAt).toBe((await keyRow(t, other.keyId)).revokedAt);
    expect(
      await outcomeOf(as(t, "coach").mutation(api.apiKeys.revoke, { keyId: other.keyId })),
    ).toBe("NOT_FOUND");
    expect(await auditRows(t, "apiKey.revoke")).toHaveLength(2);
  });

  it("are attributed to the key in the audit log; web sessions are not", async () => {
    const { t, world } = await freshWorld();
    const { key } = await as(t, "admin").mutation(api.apiKeys.create, {
      label: "a",
      userId: world.users.assistante,
    });
    const session = await sessionOf(t, key);
    const viaKey = await session.client.mutation(api.apiKeys.create, {
      label: "pour le coach",
      userId: world.users.coach,
    });
    await session.client.mutation(api.students.assignCoach, {
      studentId: world.students.foreign,
      coachId: world.users.spareCoach,
    });
    const viaWeb = await as(t, "assistante").mutation(api.apiKeys.create, {
      label: "web",
      userId: world.users.coach,
    });
    const rows = await t.run(async (ctx) => await ctx.db.query("auditLogs").collect());
    const byKey = rows.filter((row) => row.apiKeyId !== undefined);
    expect(byKey.map((row) => row.action).sort()).toEqual(
      ["apiKey.create", "student.assignCoach"].sort(),
    );
    for (const row of byKey) {
      expect(row).toMatchObject({ actorId: world.users.assistante, apiKeyId: session.keyId });
    }
    expect(byKey.find((row) => row.action === "apiKey.create")?.targetId).toBe(viaKey.keyId);
    const web = rows.find((row) => row.targetId === viaWeb.keyId);
    expect(web?.apiKeyId).toBeUndefined();
  });
});

describe("users.ensureCurrent with an API key", () => {
  it("returns the key's person and never creates or changes a row", async () => {
    const { t, world } = await freshWorld();
    const keyId = await insertApiKey(t, world.users.coach);
    const rowBefore = await t.run(async (ctx) => await ctx.db.get(world.users.coach));
    const before = await countRows(t);
    expect(await asApiKey(t, keyId).mutation(api.users.ensureCurrent, {})).toEqual(rowBefore);

    const revoked = await insertApiKey(t, world.users.coach, { revokedAt: 1 });
    const removedKey = await insertApiKey(t, world.users.coach);
    await t.run(async (ctx) => await ctx.db.delete(removedKey));
    for (const client of [
      asApiKey(t, revoked),
      asApiKey(t, removedKey),
      // A subject that is no apiKeys id at all.
      t.withIdentity({
        issuer: API_KEY_ISSUER,
        subject: "inconnu@test.fr",
        tokenIdentifier: `${API_KEY_ISSUER}|inconnu@test.fr`,
        email: "inconnu@test.fr",
      }),
    ]) {
      expect(await outcomeOf(client.mutation(api.users.ensureCurrent, {}))).toBe("UNAUTHENTICATED");
    }
    // No users row (nor anything else) was written.
    expect(await countRows(t)).toEqual(before);
    expect(await t.run(async (ctx) => await ctx.db.get(world.users.coach))).toEqual(rowBefore);
  });
});

describe("apiKeys.bootstrap (worker)", () => {
  async function bare() {
    const t = makeConvexTest();
    const userIds = await t.run(async (ctx) => {
      const insert = (email: string, role?: "coach" | "admin") =>
        ctx.db.insert("users", {
          tokenIdentifier: identityFor(email).tokenIdentifier,
          email,
          name: email.split("@")[0]!,
          role,
          createdAt: 0,
          lastSeenAt: 0,
        });
      return {
        first: await insert("premiere@test.fr"),
        coach: await insert("coach@test.fr", "coach"),
      };
    });
    return { t, ...userIds };
  }

  it("makes the named person the first admin and issues them a working key", async () => {
    const { t, first } = await bare();
    const created = await asWorker(t).mutation(api.apiKeys.bootstrap, {
      email: " Premiere@Test.FR ",
      label: "opérateur",
    });
    expect(looksLikeApiKey(created.key)).toBe(true);
    expect((await t.run(async (ctx) => await ctx.db.get(first)))?.role).toBe("admin");
    expect(await keyRow(t, created.keyId)).toMatchObject({ userId: first, label: "opérateur" });
    const actions = (await t.run(async (ctx) => await ctx.db.query("auditLogs").collect())).map(
      (row) => [row.action, row.actorKind],
    );
    expect(actions).toEqual([
      ["user.bootstrapAdmin", "worker"],
      ["apiKey.bootstrap", "worker"],
    ]);
    // The key works: the new admin creates a key for someone else.
    const admin = (await sessionOf(t, created.key)).client;
    expect(await outcomeOf(admin.mutation(api.apiKeys.create, { label: "x" }))).toBe("ok");
  });

  it("once an admin exists, serves only admins", async () => {
    const { t, first, coach } = await bare();
    const worker = asWorker(t);
    await worker.mutation(api.apiKeys.bootstrap, { email: "premiere@test.fr", label: "a" });
    const refused = await errorOf(
      worker.mutation(api.apiKeys.bootstrap, { email: "coach@test.fr", label: "b" }),
    );
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.message).toMatch(/administrateur existe déjà/);
    expect((await t.run(async (ctx) => await ctx.db.get(coach)))?.role).toBe("coach");
    // The existing admin who lost their key gets a new one.
    const again = await worker.mutation(api.apiKeys.bootstrap, {
      email: "premiere@test.fr",
      label: "c",
    });
    expect((await keyRow(t, again.keyId)).userId).toBe(first);
    const keys = await t.run(async (ctx) => await ctx.db.query("apiKeys").collect());
    expect(keys.map((k) => k.userId)).toEqual([first, first]);
  });

  it("is refused to people (signed in or with a key) and NOT_FOUND for an unknown email", async () => {
    const { t, first } = await bare();
    const before = await countRows(t);
    const person = t.withIdentity(identityFor("premiere@test.fr"));
    const keyId = await insertApiKey(t, first);
    for (const caller of [t, person, asApiKey(t, keyId)]) {
      expect(
        await outcomeOf(
          caller.mutation(api.apiKeys.bootstrap, { email: "premiere@test.fr", label: "x" }),
        ),
      ).toBe("WORKER_AUTH");
    }
    const unknown = await errorOf(
      asWorker(t).mutation(api.apiKeys.bootstrap, { email: "personne@test.fr", label: "x" }),
    );
    expect(unknown.code).toBe("NOT_FOUND");
    expect(unknown.message).toMatch(/connectez-vous une première fois/);
    expect(await countRows(t)).toEqual(before);
    expect((await t.run(async (ctx) => await ctx.db.get(first)))?.role).toBeUndefined();
  });
});
