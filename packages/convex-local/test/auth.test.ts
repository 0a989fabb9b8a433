// JWT auth against auth.config.ts providers, with a locally served JWKS and
// OIDC discovery: valid tokens give an identity; wrong issuer, bad signature
// and expired tokens are refused (401 over HTTP, AuthError over the WebSocket)
// and never run as anonymous calls.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ConvexHttpClient } from "convex/browser";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AUTH_FAILURE_MESSAGE } from "../src/jwt-auth.ts";
import { api } from "./fixture/convex/_generated/api.js";
import {
  nextValue,
  type RuntimeProcess,
  removeDir,
  startRuntime,
  tempDataDir,
  wsClient,
} from "./runtime-process.ts";

const ISSUER = "https://issuer.fixture.test";
let runtime: RuntimeProcess;
let jwksServer: Server;
let base = "";
let signingKey: CryptoKey;
let otherKey: CryptoKey;
let jwksRequests = 0;

async function token(options: {
  key?: CryptoKey;
  issuer?: string;
  audience?: string;
  /** null: no `exp` claim. */
  expiresIn?: string | number | null;
  subject?: string;
  claims?: Record<string, unknown>;
}): Promise<string> {
  const jwt = new SignJWT({
    email: "eleve@example.fr",
    name: "Élève Test",
    role: "student",
    ...options.claims,
  })
    .setProtectedHeader({ alg: "RS256", kid: options.key === otherKey ? "other" : "main" })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? "fixture-app")
    .setSubject(options.subject ?? "user-42")
    .setIssuedAt();
  if (options.expiresIn !== null) jwt.setExpirationTime(options.expiresIn ?? "1h");
  return await jwt.sign(options.key ?? signingKey);
}

/** A token that claims another account's tokenIdentifier (and subject, issuer). */
const impersonating = () =>
  token({
    subject: "user-42",
    claims: {
      tokenIdentifier: `${ISSUER}|admin`,
      subject: "admin",
      issuer: "https://admin.example",
    },
  });

beforeAll(async () => {
  const main = await generateKeyPair("RS256", { extractable: true });
  const other = await generateKeyPair("RS256", { extractable: true });
  signingKey = main.privateKey;
  otherKey = other.privateKey;
  const publicJwk: JWK = {
    ...(await exportJWK(main.publicKey)),
    kid: "main",
    alg: "RS256",
    use: "sig",
  };
  jwksServer = createServer((request, response) => {
    response.setHeader("Content-Type", "application/json");
    if (request.url === "/jwks.json" || request.url === "/oidc/jwks.json") {
      jwksRequests += 1;
      response.end(JSON.stringify({ keys: [publicJwk] }));
    } else if (request.url === "/oidc/.well-known/openid-configuration") {
      response.end(JSON.stringify({ issuer: `${base}/oidc`, jwks_uri: `${base}/oidc/jwks.json` }));
    } else {
      response.statusCode = 404;
      response.end("{}");
    }
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
  runtime = await startRuntime({
    dataDir: tempDataDir("auth"),
    env: {
      FIXTURE_JWT_ISSUER: ISSUER,
      FIXTURE_JWKS_URL: `${base}/jwks.json`,
      FIXTURE_OIDC_DOMAIN: `${base}/oidc`,
    },
  });
});

afterAll(async () => {
  await runtime.stop();
  removeDir(runtime.dataDir);
  await new Promise((resolve) => jwksServer.close(resolve));
});

describe("HTTP requests with a Bearer token", () => {
  test("a valid custom JWT gives the function its identity", async () => {
    const client = new ConvexHttpClient(runtime.url, { logger: false });
    expect(await client.query(api.messages.whoami, {})).toBeNull();
    client.setAuth(await token({}));
    expect(await client.query(api.messages.whoami, {})).toEqual({
      subject: "user-42",
      issuer: ISSUER,
      tokenIdentifier: `${ISSUER}|user-42`,
      email: "eleve@example.fr",
      name: "Élève Test",
    });
    expect(jwksRequests).toBeGreaterThan(0);
  });

  test("an OIDC (Clerk-style) token is verified through discovery", async () => {
    const client = new ConvexHttpClient(runtime.url, { logger: false });
    client.setAuth(
      await token({ issuer: `${base}/oidc`, audience: "fixture-oidc", subject: "clerk-7" }),
    );
    const identity = await client.query(api.messages.whoami, {});
    expect(identity?.tokenIdentifier).toBe(`${base}/oidc|clerk-7`);
  });

  test("a claim naming another account's tokenIdentifier does not sign in as that account", async () => {
    const client = new ConvexHttpClient(runtime.url, { logger: false });
    client.setAuth(await impersonating());
    const identity = await client.query(api.messages.whoami, {});
    expect(identity?.tokenIdentifier).toBe(`${ISSUER}|user-42`);
    expect(identity?.subject).toBe("user-42");
    expect(identity?.issuer).toBe(ISSUER);
  });

  test.each([
    ["wrong issuer", () => token({ issuer: "https://evil.example" })],
    ["wrong audience", () => token({ audience: "someone-else" })],
    ["bad signature", () => token({ key: otherKey })],
    ["expired", () => token({ expiresIn: Math.floor(Date.now() / 1000) - 3600 })],
    ["without exp", () => token({ expiresIn: null })],
    ["valid for 2 days", () => token({ expiresIn: "2d" })],
    ["not a JWT", async () => "not-a-token"],
  ])("%s → 401, the function does not run", async (_label, makeToken) => {
    const bad = await makeToken();
    // The body says nothing about why the token was refused.
    const response = await fetch(`${runtime.url}/api/query`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${bad}` },
      body: JSON.stringify({ path: "messages:whoami", args: {}, format: "json" }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      code: "Unauthenticated",
      message: AUTH_FAILURE_MESSAGE,
    });
    const client = new ConvexHttpClient(runtime.url, { logger: false });
    client.setAuth(bad);
    await expect(client.query(api.messages.whoami, {})).rejects.toThrow(/Unauthenticated/);
    await expect(
      client.mutation(api.messages.sendAsMe, { channel: "auth-http", body: "should not exist" }),
    ).rejects.toThrow(/Unauthenticated/);
    const anonymous = new ConvexHttpClient(runtime.url, { logger: false });
    expect(await anonymous.query(api.messages.list, { channel: "auth-http" })).toEqual([]);
  });
});

describe("WebSocket authentication", () => {
  test("a valid token is confirmed and queries see the identity", async () => {
    const client = wsClient(runtime.url);
    const confirmed = new Promise<boolean>((resolve) => {
      client.setAuth(() => token({ subject: "ws-user" }), resolve);
    });
    expect(await confirmed).toBe(true);
    const identity = await nextValue<{ subject: string } | null>(
      (cb) => client.onUpdate(api.messages.whoami, {}, cb),
      (value) => value !== null,
    );
    expect(identity?.subject).toBe("ws-user");
    const id = await client.mutation(api.messages.sendAsMe, { channel: "auth-ws", body: "hello" });
    const rows = await new ConvexHttpClient(runtime.url).query(api.messages.list, {
      channel: "auth-ws",
    });
    expect(rows.find((row) => row._id === id)?.author).toBe("ws-user");
    await client.close();
  });

  test("re-authentication switches the identity of live queries", async () => {
    const client = wsClient(runtime.url);
    await new Promise<boolean>((resolve) =>
      client.setAuth(() => token({ subject: "first" }), resolve),
    );
    await nextValue<{ subject: string } | null>(
      (cb) => client.onUpdate(api.messages.whoami, {}, cb),
      (value) => value?.subject === "first",
    );
    const watched = nextValue<{ subject: string } | null>(
      (cb) => client.onUpdate(api.messages.whoami, {}, cb),
      (value) => value?.subject === "second",
    );
    await new Promise<boolean>((resolve) =>
      client.setAuth(() => token({ subject: "second" }), resolve),
    );
    expect((await watched)?.subject).toBe("second");
    await client.close();
  });

  test("a claim naming another account's tokenIdentifier gets the token's own identity", async () => {
    const client = wsClient(runtime.url);
    const forged = await impersonating();
    await new Promise<boolean>((resolve) => client.setAuth(async () => forged, resolve));
    const identity = await nextValue<{ tokenIdentifier: string; subject: string } | null>(
      (cb) => client.onUpdate(api.messages.whoami, {}, cb),
      (value) => value !== null,
    );
    expect(identity?.tokenIdentifier).toBe(`${ISSUER}|user-42`);
    expect(identity?.subject).toBe("user-42");
    await client.close();
  });

  test("one user runs at most 400 live queries across connections; other users are not affected", async () => {
    const subscribe = async (subject: string, count: number) => {
      const client = wsClient(runtime.url);
      const userToken = await token({ subject });
      await new Promise<boolean>((resolve) => client.setAuth(async () => userToken, resolve));
      const state = { values: 0, errors: [] as string[] };
      for (let i = 0; i < count; i += 1) {
        client.onUpdate(
          api.messages.page,
          { channel: "auth-cap", paginationOpts: { numItems: 5, cursor: null, id: i } },
          () => {
            state.values += 1;
          },
          (error) => {
            state.errors.push(error.message);
          },
        );
      }
      while (state.values + state.errors.length < count) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return { client, state };
    };
    const sessions = [];
    for (let i = 0; i < 3; i += 1) sessions.push(await subscribe("busy-user", 200));
    const values = sessions.reduce((sum, { state }) => sum + state.values, 0);
    const errors = sessions.flatMap(({ state }) => state.errors);
    expect(values).toBe(400);
    expect(errors).toHaveLength(200);
    expect(errors[0]).toMatch(/Too many live queries for this user.*400/);
    const other = await subscribe("other-user", 10);
    expect(other.state).toEqual({ values: 10, errors: [] });
    await Promise.all([...sessions, other].map(({ client }) => client.close()));
  });

  test("an expired token stops a live session: AuthError, the client fetches a fresh token, writes go on", async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 3;
    const shortLived = await token({ subject: "short-lived", expiresIn: expiresAt });
    const fetches: Array<{ forceRefreshToken: boolean; afterExpiry: boolean }> = [];
    const client = wsClient(runtime.url);
    // Until it expires the "identity provider" hands out the same token; then a fresh one.
    const fetchToken = async ({ forceRefreshToken }: { forceRefreshToken: boolean }) => {
      const afterExpiry = Date.now() / 1000 >= expiresAt;
      fetches.push({ forceRefreshToken, afterExpiry });
      return afterExpiry ? await token({ subject: "refreshed" }) : shortLived;
    };
    await new Promise<boolean>((resolve) => client.setAuth(fetchToken, resolve));
    await nextValue<{ subject: string } | null>(
      (cb) => client.onUpdate(api.messages.whoami, {}, cb),
      (value) => value?.subject === "short-lived",
    );
    const counts: number[] = [];
    const unsubscribe = client.onUpdate(api.messages.count, { channel: "auth-expiry" }, (n) =>
      counts.push(n),
    );
    // Another client keeps writing what the session is subscribed to.
    const writer = new ConvexHttpClient(runtime.url, { logger: false });
    let writes = 0;
    let writing = true;
    const writeLoop = (async () => {
      while (writing) {
        await writer.mutation(api.messages.send, {
          channel: "auth-expiry",
          author: "w",
          body: "x",
        });
        writes += 1;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const refreshed = await nextValue<{ subject: string } | null>(
      (cb) => client.onUpdate(api.messages.whoami, {}, cb),
      (value) => value?.subject === "refreshed",
      15_000,
    );
    expect(refreshed?.subject).toBe("refreshed");
    expect(fetches.some((f) => f.forceRefreshToken && f.afterExpiry)).toBe(true);
    // The session follows the writes again, under its fresh token.
    const target = writes + 2;
    await nextValue<number>(
      (cb) => client.onUpdate(api.messages.count, { channel: "auth-expiry" }, cb),
      (n) => n >= target,
    );
    writing = false;
    await writeLoop;
    unsubscribe();
    expect(counts.length).toBeGreaterThan(1);
    await client.close();
  });

  test.each([
    ["wrong issuer", () => token({ issuer: "https://evil.example", subject: "evil" })],
    ["bad signature", () => token({ key: otherKey, subject: "forger" })],
    ["expired", () => token({ expiresIn: Math.floor(Date.now() / 1000) - 3600, subject: "late" })],
    ["without exp", () => token({ expiresIn: null, subject: "forever" })],
    ["valid for 2 days", () => token({ expiresIn: "2d", subject: "long" })],
  ])("%s → AuthError: onChange(false), nothing runs as that user", async (_label, makeToken) => {
    const client = wsClient(runtime.url);
    const bad = await makeToken();
    const authChange = new Promise<boolean>((resolve) => client.setAuth(async () => bad, resolve));
    const attempt = client
      .mutation(api.messages.sendAsMe, { channel: "auth-ws-bad", body: "should not exist" })
      .then(
        () => "ran",
        (error: { data?: { code?: string } }) => error.data?.code ?? "error",
      );
    expect(await authChange).toBe(false);
    // The client drops the refused token and retries the mutation anonymously:
    // it is refused by the function, never run as the token's subject.
    expect(await attempt).toBe("UNAUTHENTICATED");
    const rows = await new ConvexHttpClient(runtime.url).query(api.messages.list, {
      channel: "auth-ws-bad",
    });
    expect(rows).toEqual([]);
    await client.close();
  });
});
