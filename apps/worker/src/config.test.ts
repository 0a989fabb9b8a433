import { generateServiceKeyPair } from "@nexus/service-auth/service-tokens";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  DEFAULT_CONCURRENCY,
  loadCliConfig,
  loadWorkerConfig,
  parseConcurrency,
} from "./config.ts";

const { privateJwk } = await generateServiceKeyPair();
const KEY = JSON.stringify(privateJwk);

describe("parseConcurrency", () => {
  it("keeps the defaults when unset or blank", () => {
    expect(parseConcurrency(undefined)).toEqual(DEFAULT_CONCURRENCY);
    expect(parseConcurrency("  ")).toEqual(DEFAULT_CONCURRENCY);
    expect(DEFAULT_CONCURRENCY).toMatchObject({
      "document.ingest": 1,
      "bilan.generate": 4,
      "bilan.pdf": 2,
      "email.send": 4,
    });
  });

  it.each([
    ["document.ingest=2", { "document.ingest": 2, "bilan.generate": 4 }],
    ["document.ingest=1,bilan.generate=8", { "document.ingest": 1, "bilan.generate": 8 }],
    [" system.echo = 0 , email.send=1 ,", { "system.echo": 0, "email.send": 1 }],
  ])("reads %j", (spec, expected) => {
    expect(parseConcurrency(spec)).toMatchObject(expected);
  });

  it.each([
    ["document.ingest", /type=nombre/],
    ["ocr=2", /type de tâche inconnu « ocr »/],
    ["system.echo=-1", /type=nombre/],
    ["system.echo=1.5", /type=nombre/],
    ["system.echo=100", /trop élevé/],
  ])("rejects %j", (spec, message) => {
    expect(() => parseConcurrency(spec)).toThrow(ConfigError);
    expect(() => parseConcurrency(spec)).toThrow(message);
  });
});

describe("loadWorkerConfig", () => {
  it("applies the defaults", () => {
    const c = loadWorkerConfig({ WORKER_PRIVATE_KEY: KEY });
    expect(c).toMatchObject({
      convexUrl: "http://127.0.0.1:3210",
      workerKey: privateJwk,
      pollIntervalMs: 5_000,
      healthPort: 8_081,
      leaseMs: 30_000,
      heartbeatMs: 10_000,
      disableSubscription: false,
      retryBaseMsOverride: undefined,
    });
    expect(c.workerId).toMatch(new RegExp(`-${process.pid}$`));
    expect(c.concurrency).toEqual(DEFAULT_CONCURRENCY);
  });

  it("reads every variable", () => {
    const c = loadWorkerConfig({
      CONVEX_URL: "https://convex.example.fr",
      WORKER_PRIVATE_KEY: KEY,
      POLL_INTERVAL_MS: "250",
      WORKER_HEALTH_PORT: "0",
      WORKER_CONCURRENCY: "system.echo=2",
      WORKER_ID: "vps-1",
      LEASE_MS: "3000",
      WORKER_DISABLE_SUBSCRIPTION: "1",
      WORKER_RETRY_BASE_MS: "50",
      WORKER_SHUTDOWN_GRACE_MS: "100",
    });
    expect(c).toMatchObject({
      convexUrl: "https://convex.example.fr",
      pollIntervalMs: 250,
      healthPort: 0,
      workerId: "vps-1",
      leaseMs: 3_000,
      heartbeatMs: 1_000,
      disableSubscription: true,
      retryBaseMsOverride: 50,
      shutdownGraceMs: 100,
    });
    expect(c.concurrency["system.echo"]).toBe(2);
  });

  it("says clearly that the worker's private key is required and must be one", () => {
    expect(() => loadWorkerConfig({})).toThrow(
      /WORKER_PRIVATE_KEY \(ou WORKER_PRIVATE_KEY_FILE\) est obligatoire/,
    );
    expect(() => loadWorkerConfig({ WORKER_PRIVATE_KEY: "" })).toThrow(/est obligatoire/);
    expect(() => loadWorkerConfig({ WORKER_PRIVATE_KEY: "secret" })).toThrow(/JSON valide/);
    expect(() => loadWorkerConfig({ WORKER_PRIVATE_KEY_FILE: "/nonexistent/key.json" })).toThrow(
      /impossible de lire/,
    );
  });

  it("finds the deployment's HTTP-actions host for the CLI", () => {
    expect(loadCliConfig({}).siteUrl).toBe("http://127.0.0.1:3211");
    expect(loadCliConfig({ CONVEX_URL: "https://happy-cat-123.convex.cloud" }).siteUrl).toBe(
      "https://happy-cat-123.convex.site",
    );
    expect(
      loadCliConfig({
        CONVEX_URL: "https://api.nexus.fr",
        CONVEX_SITE_URL: "https://site.nexus.fr/",
      }).siteUrl,
    ).toBe("https://site.nexus.fr");
    expect(() => loadCliConfig({ CONVEX_URL: "https://api.nexus.fr" })).toThrow(ConfigError);
  });

  it.each([
    [{ POLL_INTERVAL_MS: "abc" }, /POLL_INTERVAL_MS/],
    [{ POLL_INTERVAL_MS: "10" }, /POLL_INTERVAL_MS/],
    [{ WORKER_HEALTH_PORT: "70000" }, /WORKER_HEALTH_PORT/],
    [{ CONVEX_URL: "not a url" }, /CONVEX_URL/],
    [{ WORKER_DISABLE_SUBSCRIPTION: "maybe" }, /WORKER_DISABLE_SUBSCRIPTION/],
  ])("rejects %j", (env, message) => {
    expect(() => loadWorkerConfig({ WORKER_PRIVATE_KEY: KEY, ...env })).toThrow(message);
  });
});
