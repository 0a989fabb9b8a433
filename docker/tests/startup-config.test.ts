// Start-up configuration of the real processes: with NODE_ENV=production, each required
// variable missing (or one malformed) stops the web server and the worker before they listen,
// with ONE line naming it; the dev sign-in is refused in production; the modes are logged once
// and no secret ever reaches the output.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { generateServiceKeyPair } from "@nexus/service-auth/service-tokens";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const workerBin = join(root, "apps/worker/bin/nexus-worker.ts");
const webServer = join(root, "apps/web/server.ts");

const base = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" };
const workerKey = JSON.stringify((await generateServiceKeyPair()).privateJwk);

const WORKER_PRODUCTION = {
  NODE_ENV: "production",
  CONVEX_URL: "http://127.0.0.1:9",
  PUBLIC_APP_URL: "https://app.nexus.example",
  WORKER_PRIVATE_KEY: workerKey,
  WORKER_HEALTH_PORT: "0",
};

const WEB_PRODUCTION = {
  NODE_ENV: "production",
  CONVEX_URL: "https://convex.nexus.example",
  SESSION_SECRET: "w".repeat(40),
  CLERK_PUBLISHABLE_KEY: "pk_live_Y2xlcmsubmV4dXMuZXhhbXBsZSQ",
  CLERK_SECRET_KEY: "sk_live_never_logged",
  PORT: "0",
};

function run(args: string[], env: Record<string, string | undefined>) {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
  const result = spawnSync("bun", args, {
    cwd: root,
    env: { ...base, ...clean } as Record<string, string>,
    encoding: "utf8",
    timeout: 30_000,
  });
  return {
    code: result.status,
    lines: `${result.stdout}${result.stderr}`.split("\n").filter((l) => l.trim() !== ""),
  };
}

describe("the worker (nexus-worker start) in production", () => {
  it.each([
    ["WORKER_PRIVATE_KEY", { WORKER_PRIVATE_KEY: undefined }],
    ["CONVEX_URL", { CONVEX_URL: undefined }],
    ["PUBLIC_APP_URL", { PUBLIC_APP_URL: undefined }],
    ["LLM_PROVIDER", { LLM_PROVIDER: "gpt" }],
    ["WORKER_HEALTH_PORT", { WORKER_HEALTH_PORT: "abc" }],
    ["OPENAI_API_KEY", { LLM_PROVIDER: "openai" }],
    ["EMAIL_FROM", { EMAIL_FROM: "pas une adresse" }],
  ])("stops with one line naming %s", (name, change) => {
    const { code, lines } = run([workerBin, "start"], { ...WORKER_PRODUCTION, ...change });
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
  });

  it("logs its modes once and never a secret", async () => {
    const secret = "sk-proj-never-in-the-logs-0123456789";
    const child = spawn("bun", [workerBin, "start"], {
      cwd: root,
      env: { ...base, ...WORKER_PRODUCTION, LLM_PROVIDER: "openai", OPENAI_API_KEY: secret },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const seen = new Promise<void>((done) => {
      const feed = (chunk: Buffer) => {
        output += chunk.toString("utf8");
        if (output.includes('"worker.health_listening"')) done();
      };
      child.stdout.on("data", feed);
      child.stderr.on("data", feed);
    });
    await seen;
    child.kill("SIGKILL");
    const configs = output.split("\n").filter((l) => l.includes('"worker.config"'));
    expect(configs).toHaveLength(1);
    expect(JSON.parse(configs[0] ?? "{}")).toMatchObject({
      nodeEnv: "production",
      convex: "local",
      llm: "openai",
      llmModel: "gpt-4o-mini",
      embeddings: "openai",
      email: "outbox",
    });
    expect(output).not.toContain(secret);
    expect(output).not.toContain(JSON.parse(workerKey).d);
  });
});

describe("the web server (apps/web/server.ts) in production", () => {
  it.each([
    ["CONVEX_URL", { CONVEX_URL: undefined }],
    ["SESSION_SECRET", { SESSION_SECRET: undefined }],
    ["SESSION_SECRET", { SESSION_SECRET: "trop-court" }],
    ["CLERK_SECRET_KEY", { CLERK_SECRET_KEY: undefined }],
    ["CONVEX_URL", { CONVEX_URL: "pas une url" }],
    ["PORT", { PORT: "quatre-vingts" }],
  ])("stops with one line naming %s", (name, change) => {
    const { code, lines } = run([webServer], { ...WEB_PRODUCTION, ...change });
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
    expect(lines[0]).not.toContain("sk_live_never_logged");
  });

  it("refuses the dev sign-in (no Clerk keys) with NODE_ENV=production", () => {
    const { code, lines } = run([webServer], {
      ...WEB_PRODUCTION,
      CLERK_PUBLISHABLE_KEY: undefined,
      CLERK_SECRET_KEY: undefined,
    });
    expect(code).toBe(1);
    expect(lines).toEqual([
      "Invalid web environment: CLERK_PUBLISHABLE_KEY: required in production (the dev sign-in is refused with NODE_ENV=production): set CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY",
    ]);
  });
});
