// Every compose file is validated by Compose itself (`docker compose config` where the plugin
// exists, else Debian's `docker-compose config`; .ci/run installs it), with a complete
// environment and with each required variable missing; then the rules of the deployment are
// read from the resolved configuration. No Docker engine is needed.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const dockerDir = join(import.meta.dirname, "..");

function composeCommand(): string[] {
  const plugin = spawnSync("docker", ["compose", "version"], { encoding: "utf8" });
  if (plugin.status === 0) return ["docker", "compose"];
  const standalone = spawnSync("docker-compose", ["version"], { encoding: "utf8" });
  if (standalone.status === 0) return ["docker-compose"];
  throw new Error(
    "Neither `docker compose` nor `docker-compose` is installed (apt-get install docker-compose).",
  );
}

const compose = composeCommand();
/** An empty env file: docker/.env, if an operator left one here, must not leak into the test. */
const emptyEnvFile = join(mkdtempSync(join(tmpdir(), "nexus-compose-")), "empty.env");
writeFileSync(emptyEnvFile, "");

/** `config` of one file, in a clean environment plus `env` (docker/.env is not read: an empty --env-file). */
function config(file: string, env: Record<string, string>) {
  const [bin, ...pre] = compose;
  const result = spawnSync(
    bin as string,
    [...pre, "--env-file", emptyEnvFile, "-f", join(dockerDir, file), "config"],
    {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const SELF_HOSTED_ENV = {
  INSTANCE_SECRET: "0".repeat(64),
  CONVEX_CLOUD_ORIGIN: "https://api.nexus.example",
  CONVEX_SITE_ORIGIN: "https://site.nexus.example",
  SESSION_SECRET: "s".repeat(64),
  CLERK_PUBLISHABLE_KEY: "pk_live_x",
  CLERK_SECRET_KEY: "sk_live_x",
  PUBLIC_APP_URL: "https://app.nexus.example",
};
const CLOUD_ENV = {
  CONVEX_URL: "https://happy-otter-123.convex.cloud",
  SESSION_SECRET: "s".repeat(64),
  CLERK_PUBLISHABLE_KEY: "pk_live_x",
  CLERK_SECRET_KEY: "sk_live_x",
  PUBLIC_APP_URL: "https://app.nexus.example",
};

interface Service {
  image?: string;
  ports?: (string | { host_ip?: string; published?: string | number; target: number })[];
  environment?: Record<string, string | null>;
  healthcheck?: { test: string[] | string };
  restart?: string;
  mem_limit?: string | number;
  stop_grace_period?: string;
  volumes?: (string | { type: string; source: string })[];
}

const DRAIN_MS = 30_000; // WORKER_SHUTDOWN_GRACE_MS default (apps/worker/src/config.ts)

function seconds(duration: string): number {
  const match = /^(\d+)(s|m)$/.exec(duration);
  if (!match) throw new Error(`unexpected duration ${duration}`);
  return Number(match[1]) * (match[2] === "m" ? 60 : 1);
}

function bytes(limit: string | number): number {
  if (typeof limit === "number") return limit;
  const match = /^(\d+)([kmg])?b?$/i.exec(limit);
  if (!match) throw new Error(`unexpected memory limit ${limit}`);
  const unit = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? "").toLowerCase()] ?? 1;
  return Number(match[1]) * unit;
}

function hostIps(service: Service): string[] {
  return (service.ports ?? []).map((p) =>
    typeof p === "string"
      ? p.split(":").length === 3
        ? (p.split(":")[0] ?? "")
        : "0.0.0.0"
      : (p.host_ip ?? "0.0.0.0"),
  );
}

describe.each([
  ["docker-compose.yml", SELF_HOSTED_ENV, ["backend", "dashboard", "web", "worker"]],
  ["docker-compose.cloud.yml", CLOUD_ENV, ["web", "worker"]],
] as const)("%s", (file, env, services) => {
  const resolved = config(file, env);

  it("is valid for Compose", () => {
    expect(resolved.stderr).not.toMatch(/error/i);
    expect(resolved.status).toBe(0);
  });

  const parsed = parse(resolved.stdout || "{}") as {
    services: Record<string, Service>;
    volumes?: Record<string, unknown>;
  };

  it("has exactly its services", () => {
    expect(Object.keys(parsed.services).sort()).toEqual([...services].sort());
  });

  it.each(Object.keys(env))("refuses to start without %s, naming it", (name) => {
    const { [name]: _missing, ...rest } = env as Record<string, string>;
    const result = config(file, rest);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`set ${name}`);
  });

  it("binds every published port to 127.0.0.1 and pins every image (no latest)", () => {
    for (const [name, service] of Object.entries(parsed.services)) {
      for (const ip of hostIps(service)) expect(`${name} ${ip}`).toBe(`${name} 127.0.0.1`);
      expect(service.image, name).toBeDefined();
      expect(service.image).not.toMatch(/:latest$/);
      expect(service.image).toMatch(/:[\w.-]+$/);
    }
    expect(readFileSync(join(dockerDir, file), "utf8")).not.toMatch(/:latest\b/);
  });

  it("runs the worker as a safe-to-scale, restarting, 2 GB service drained before SIGKILL", () => {
    const worker = parsed.services.worker as Service;
    expect(worker.restart).toBe("unless-stopped");
    expect(bytes(worker.mem_limit ?? 0)).toBe(2 * 1024 ** 3);
    expect(seconds(worker.stop_grace_period ?? "0s") * 1000).toBeGreaterThan(
      Number(worker.environment?.WORKER_SHUTDOWN_GRACE_MS ?? DRAIN_MS),
    );
    expect(JSON.stringify(worker.healthcheck?.test)).toContain("/readyz");
    // No fixed host port and no fixed WORKER_ID: replicas cannot collide.
    expect(worker.ports ?? []).toEqual([]);
    expect(worker.environment?.WORKER_ID).toBeUndefined();
    expect(worker.environment?.NODE_ENV).toBe("production");
    expect(JSON.stringify(parsed.services.web?.healthcheck?.test)).toContain("/healthz");
  });
});

describe("the self-hosted Convex services", () => {
  const parsed = parse(config("docker-compose.yml", SELF_HOSTED_ENV).stdout) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };

  it("use the official images at the same version, with data in a named volume", () => {
    const backend = parsed.services.backend as Service;
    const dashboard = parsed.services.dashboard as Service;
    expect(backend.image).toMatch(/^ghcr\.io\/get-convex\/convex-backend:[0-9a-f]{40}$/);
    expect(dashboard.image).toMatch(/^ghcr\.io\/get-convex\/convex-dashboard:[0-9a-f]{40}$/);
    expect(backend.image?.split(":")[1]).toBe(dashboard.image?.split(":")[1]);
    expect(Object.keys(parsed.volumes)).toContain("convex-data");
    const mounts = JSON.stringify(backend.volumes);
    expect(mounts).toContain("convex-data");
    expect(mounts).toContain("/convex/data");
    expect(JSON.stringify(backend.healthcheck?.test)).toContain("/version");
  });

  it("give the web app the internal URL and browsers the public one", () => {
    const web = parsed.services.web as Service;
    expect(web.environment?.CONVEX_URL).toBe("http://backend:3210");
    expect(web.environment?.CONVEX_PUBLIC_URL).toBe(SELF_HOSTED_ENV.CONVEX_CLOUD_ORIGIN);
  });
});
