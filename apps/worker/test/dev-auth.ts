// A local JWKS and RS256 tokens for demo accounts, as the web app's dev sign-in issues them:
// lets tests call Convex as a seeded student, parent or coach through the real auth path.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

export interface DevAuth {
  issuer: string;
  jwksUrl: string;
  token(email: string, name?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startDevAuth(): Promise<DevAuth> {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test", alg: "RS256", use: "sig" };
  const server: Server = createServer((req, res) => {
    if (req.url?.endsWith("/jwks.json")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // Never keeps a test process or benchmark alive on its own.
  server.unref();
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}/dev-auth`;
  return {
    issuer,
    jwksUrl: `${issuer}/jwks.json`,
    token: (email, name = email) =>
      new SignJWT({ email, name })
        .setProtectedHeader({ alg: "RS256", kid: "test" })
        .setIssuer(issuer)
        .setSubject(email)
        .setAudience("convex")
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(privateKey),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
