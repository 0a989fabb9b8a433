// JWT auth against auth.config.ts providers, with a locally served JWKS and
// OIDC discovery: valid tokens give an identity; wrong issuer, bad signature
// and expired tokens are refused (401 over HTTP, AuthError over the WebSocket)
// and never run as anonymous calls.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ConvexHttpClient } from "convex/browser";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
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
  expiresIn?: string | number;
  subject?: string;
}): Promise<string> {
  return await new SignJWT({ email: "eleve@example.fr", name: "Élève Test", role: "student" })
    .setProtectedHeader({ alg: "RS256", kid: options.key === otherKey ? "other" : "main" })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? "fixture-app")
    .setSubject(options.subject ?? "user-42")
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "1h")
    .sign(options.key ?? signingKey);
}

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

  test.each([
    ["wrong issuer", () => token({ issuer: "https://evil.example" }), /No auth provider found/],
    ["wrong audience", () => token({ audience: "someone-else" }), /No auth provider found/],
    ["bad signature", () => token({ key: otherKey }), /Could not verify/],
    ["expired", () => token({ expiresIn: Math.floor(Date.now() / 1000) - 3600 }), /expired/i],
    ["not a JWT", async () => "not-a-token", /Could not parse/],
  ])("%s → 401, the function does not run", async (_label, makeToken, message) => {
    const client = new ConvexHttpClient(runtime.url, { logger: false });
    client.setAuth(await makeToken());
    await expect(client.query(api.messages.whoami, {})).rejects.toThrow(message);
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

  test.each([
    ["wrong issuer", () => token({ issuer: "https://evil.example", subject: "evil" })],
    ["bad signature", () => token({ key: otherKey, subject: "forger" })],
    ["expired", () => token({ expiresIn: Math.floor(Date.now() / 1000) - 3600, subject: "late" })],
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
