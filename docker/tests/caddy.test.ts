// docker/Caddyfile: TLS on every public site (Caddy's automatic HTTPS: named domains, no
// `tls internal`, no plain http://), the Convex site proxied with the WebSocket sync left
// streaming, the dashboard not published, and the upload limit on the Convex domain equal to
// the functions' DOCUMENT_MAX_BYTES default.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { maxDocumentBytes } from "../../convex/model/uploads.ts";

const text = readFileSync(join(import.meta.dirname, "../Caddyfile"), "utf8");
const code = text
  .split("\n")
  .filter((line) => !line.trim().startsWith("#"))
  .join("\n");

/** The body of the site block opened by `{$NAME} {`. */
function site(name: string): string {
  const start = code.indexOf(`{$${name}} {`);
  expect(start, name).toBeGreaterThan(-1);
  let depth = 0;
  for (let i = code.indexOf("{", start + name.length + 3); i < code.length; i++) {
    if (code[i] === "{") depth++;
    if (code[i] === "}" && --depth === 0) return code.slice(start, i + 1);
  }
  throw new Error(`unterminated block ${name}`);
}

describe("docker/Caddyfile", () => {
  it("serves every site over automatic HTTPS", () => {
    expect(code).not.toMatch(/tls\s+internal/);
    expect(code).not.toMatch(/http:\/\/\S+\s*\{/);
    expect(code).toMatch(/email \{\$ACME_EMAIL\}/);
  });

  it("proxies the web app, Convex (sync WebSocket streamed) and its HTTP actions", () => {
    expect(site("APP_DOMAIN")).toContain("reverse_proxy 127.0.0.1:3000");
    const convex = site("CONVEX_DOMAIN");
    expect(convex).toContain("reverse_proxy 127.0.0.1:3210");
    expect(convex).toMatch(/flush_interval -1/);
    expect(site("CONVEX_SITE_DOMAIN")).toContain("reverse_proxy 127.0.0.1:3211");
    expect(code).not.toContain("6791");
  });

  it("limits uploads on the Convex domain to DOCUMENT_MAX_BYTES", () => {
    const limit = /max_size (\d+)/.exec(site("CONVEX_DOMAIN"))?.[1];
    expect(Number(limit)).toBe(maxDocumentBytes());
    expect(maxDocumentBytes()).toBe(20_971_520);
  });
});
