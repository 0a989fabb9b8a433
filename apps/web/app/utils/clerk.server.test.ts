// The Clerk path offline: Clerk's own SDK verifies a session token we sign (jwtKey =
// CLERK_JWT_KEY, networkless), and asks a loopback fake of Clerk's Backend API
// (CLERK_API_URL) for the "convex" JWT template.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { clerkConvexToken, convexTokenOptions } from "./clerk.server";
import { parseEnv } from "./env.server";

const FRONTEND_API = "clerk.nexus.test";
const PUBLISHABLE_KEY = `pk_live_${btoa(`${FRONTEND_API}$`)}`;
const SECRET_KEY = "sk_live_fake_secret";
const TEMPLATE_JWT = "template.jwt.for-convex";

let server: Server;
let privateKey: CryptoKey;
const apiCalls: string[] = [];

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true });
  privateKey = pair.privateKey;
  server = createServer((req, res) => {
    apiCalls.push(`${req.method} ${req.url} ${req.headers.authorization ?? ""}`);
    if (req.method === "POST" && /^\/v1\/sessions\/sess_1\/tokens\/convex$/.test(req.url ?? "")) {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ object: "token", jwt: TEMPLATE_JWT }));
      return;
    }
    res.writeHead(404, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ errors: [{ code: "resource_not_found", message: "not found" }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  vi.stubEnv("CLERK_API_URL", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  vi.stubEnv("CLERK_JWT_KEY", await exportSPKI(pair.publicKey));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await new Promise((resolve) => server.close(resolve));
});

async function sessionToken(claims: Record<string, unknown>) {
  const now = Math.floor(Date.now() / 1000);
  return await new SignJWT({ sid: "sess_1", ...claims })
    .setProtectedHeader({ alg: "RS256", kid: "ins_1" })
    .setIssuer(`https://${FRONTEND_API}`)
    .setSubject("user_1")
    .setIssuedAt(now - 5)
    .setNotBefore(now - 5)
    .setExpirationTime(now + 60)
    .sign(privateKey);
}

function signedInRequest(token: string) {
  const clientUat = Math.floor(Date.now() / 1000) - 10;
  return new Request("https://app.nexus.test/eleve", {
    headers: { Cookie: `__session=${token}; __client_uat=${clientUat}` },
  });
}

function env(extra: Record<string, string> = {}) {
  return parseEnv({
    CLERK_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
    CLERK_SECRET_KEY: SECRET_KEY,
    ...extra,
  });
}

describe("convexTokenOptions", () => {
  it("uses the session token when it already says aud=convex (Convex integration)", () => {
    expect(convexTokenOptions({}, "convex")).toBeUndefined();
    expect(convexTokenOptions({}, ["convex", "other"])).toBeUndefined();
  });
  it("asks for the template named convex otherwise, or the configured one", () => {
    expect(convexTokenOptions({}, undefined)).toEqual({ template: "convex" });
    expect(convexTokenOptions({ CLERK_JWT_TEMPLATE: "convex" }, "convex")).toEqual({
      template: "convex",
    });
  });
});

describe("clerkConvexToken through Clerk's SDK", () => {
  it("returns the verified session token of the Convex integration", async () => {
    const token = await sessionToken({ aud: "convex" });
    expect(await clerkConvexToken(signedInRequest(token), env())).toBe(token);
  });

  it("fetches the convex JWT template from Clerk's Backend API", async () => {
    apiCalls.length = 0;
    const token = await sessionToken({});
    expect(await clerkConvexToken(signedInRequest(token), env())).toBe(TEMPLATE_JWT);
    expect(apiCalls).toEqual([`POST /v1/sessions/sess_1/tokens/convex Bearer ${SECRET_KEY}`]);
  });

  it("is null when signed out", async () => {
    const request = new Request("https://app.nexus.test/eleve");
    expect(await clerkConvexToken(request, env())).toBeNull();
  });

  it("refuses a session token signed by another key", async () => {
    const other = await generateKeyPair("RS256");
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ sid: "sess_1", aud: "convex" })
      .setProtectedHeader({ alg: "RS256" })
      .setIssuer(`https://${FRONTEND_API}`)
      .setSubject("user_1")
      .setIssuedAt(now - 5)
      .setExpirationTime(now + 60)
      .sign(other.privateKey);
    await expect(
      clerkConvexToken(signedInRequest(forged), env()).catch((error: unknown) =>
        error instanceof Response ? null : Promise.reject(error),
      ),
    ).resolves.toBeNull();
  });
});
