// Every setting of the worker and the CLI, read once from the environment and
// validated with zod. All defaults live here.
import { hostname } from "node:os";
import type { JWK } from "@nexus/service-auth/service-tokens";
import { type JobKind, jobKinds, zJobKind } from "@nexus/shared/jobs";
import { z } from "zod";
import { readWorkerKey, siteUrlFor } from "./auth/credentials.ts";

/** Sized for a 2-core VPS: OCR is CPU-bound, LLM calls and emails wait on the network. */
export const DEFAULT_CONCURRENCY: Record<JobKind, number> = {
  "document.ingest": 1,
  "bilan.generate": 4,
  "bilan.pdf": 2,
  "email.send": 4,
  "system.echo": 4,
  "alerts.notify": 1,
  "invitation.send": 2,
  "payment.receipt": 1,
  "session.confirm": 2,
  "session.remind": 2,
  "aria.answer": 4,
  "aria.memory": 1,
  "aria.sheet": 1,
  "rgpd.export": 1,
  "rgpd.erase": 1,
  "retention.outbox": 1,
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** "document.ingest=1,bilan.generate=4" → overrides of DEFAULT_CONCURRENCY (0 turns a kind off). */
export function parseConcurrency(spec: string | undefined): Record<JobKind, number> {
  const out = { ...DEFAULT_CONCURRENCY };
  if (!spec?.trim()) return out;
  for (const part of spec.split(",")) {
    const item = part.trim();
    if (!item) continue;
    const match = /^([a-z.]+)\s*=\s*(\d+)$/.exec(item);
    if (!match) {
      throw new ConfigError(
        `WORKER_CONCURRENCY : « ${item} » n'est pas de la forme type=nombre (ex. document.ingest=1).`,
      );
    }
    const kind = zJobKind.safeParse(match[1]);
    if (!kind.success) {
      throw new ConfigError(
        `WORKER_CONCURRENCY : type de tâche inconnu « ${match[1]} » (connus : ${jobKinds.join(", ")}).`,
      );
    }
    const n = Number(match[2]);
    if (n > 64)
      throw new ConfigError(`WORKER_CONCURRENCY : ${n} est trop élevé pour ${kind.data} (max 64).`);
    out[kind.data] = n;
  }
  return out;
}

export const DEFAULT_HEALTH_HOST = "127.0.0.1";

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z
  .enum(["1", "0", "true", "false", ""])
  .optional()
  .transform((value) => value === "1" || value === "true");

const envSchema = z.object({
  CONVEX_URL: z.url().default("http://127.0.0.1:3210"),
  POLL_INTERVAL_MS: int(50, 600_000).default(5_000),
  WORKER_HEALTH_PORT: int(0, 65_535).default(8_081),
  /** Loopback by default: /readyz reveals the worker's state. 0.0.0.0 in a container. */
  WORKER_HEALTH_HOST: z
    .union([z.ipv4(), z.ipv6(), z.hostname()], {
      error: "adresse IP ou nom d'hôte attendu (ex. 127.0.0.1, 0.0.0.0, ::)",
    })
    .default(DEFAULT_HEALTH_HOST),
  WORKER_CONCURRENCY: z.string().optional(),
  WORKER_ID: z.string().min(1).max(200).optional(),
  LEASE_MS: int(500, 15 * 60_000).default(30_000),
  WORKER_HEARTBEAT_MS: int(100, 5 * 60_000).optional(),
  WORKER_BEAT_INTERVAL_MS: int(100, 5 * 60_000).default(5_000),
  WORKER_SHUTDOWN_GRACE_MS: int(0, 60 * 60_000).default(30_000),
  WORKER_DISABLE_SUBSCRIPTION: flag,
  /** Overrides every handler's retry base delay (diagnostics and tests). */
  WORKER_RETRY_BASE_MS: int(10, 3_600_000).optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** json for machines (production); pretty for people (`bun run dev` sets it). */
  LOG_FORMAT: z.enum(["json", "pretty"]).default("json"),
});

/** The health server's address, on its own: `nexus-worker start` and its tests read it. */
export function loadHealthConfig(env: Record<string, string | undefined>): {
  host: string;
  port: number;
} {
  const e = readEnv(env);
  return { host: e.WORKER_HEALTH_HOST, port: e.WORKER_HEALTH_PORT };
}

export interface WorkerConfig {
  convexUrl: string;
  workerKey: JWK;
  pollIntervalMs: number;
  healthPort: number;
  healthHost: string;
  concurrency: Record<JobKind, number>;
  workerId: string;
  leaseMs: number;
  heartbeatMs: number;
  beatIntervalMs: number;
  shutdownGraceMs: number;
  disableSubscription: boolean;
  retryBaseMsOverride: number | undefined;
  logLevel: "debug" | "info" | "warn" | "error";
  logFormat: "json" | "pretty";
}

function readEnv(env: Record<string, string | undefined>) {
  // Empty variables count as unset, as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    // One line, naming every variable at fault: it is what the process prints before exiting.
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")} : ${i.message}`);
    throw new ConfigError(`Configuration invalide : ${issues.join(" ; ")}`);
  }
  return parsed.data;
}

export function loadWorkerConfig(env: Record<string, string | undefined>): WorkerConfig {
  const e = readEnv(env);
  return {
    convexUrl: e.CONVEX_URL,
    workerKey: readWorkerKey(env),
    pollIntervalMs: e.POLL_INTERVAL_MS,
    healthPort: e.WORKER_HEALTH_PORT,
    healthHost: e.WORKER_HEALTH_HOST,
    concurrency: parseConcurrency(e.WORKER_CONCURRENCY),
    workerId: e.WORKER_ID ?? `${hostname()}-${process.pid}`,
    leaseMs: e.LEASE_MS,
    // Three heartbeats per lease: one lost heartbeat does not lose the job.
    heartbeatMs: Math.min(e.WORKER_HEARTBEAT_MS ?? Math.floor(e.LEASE_MS / 3), e.LEASE_MS),
    beatIntervalMs: e.WORKER_BEAT_INTERVAL_MS,
    shutdownGraceMs: e.WORKER_SHUTDOWN_GRACE_MS,
    disableSubscription: e.WORKER_DISABLE_SUBSCRIPTION,
    retryBaseMsOverride: e.WORKER_RETRY_BASE_MS,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
  };
}

export interface CliConfig {
  convexUrl: string;
  siteUrl: string;
}

/** Where the CLI calls; its credentials are read when a command needs them (auth/credentials.ts). */
export function loadCliConfig(env: Record<string, string | undefined>): CliConfig {
  const e = readEnv(env);
  return { convexUrl: e.CONVEX_URL, siteUrl: siteUrlFor(e.CONVEX_URL, env) };
}
