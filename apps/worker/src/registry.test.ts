import { jobKinds, jobPayloadSchemas } from "@nexus/shared/jobs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONCURRENCY } from "./config.ts";
import type { WorkerConvex } from "./handler.ts";
import { defineHandler } from "./handler.ts";
import { createLogger } from "./logger.ts";
import { createPipelineServices } from "./pipeline/services.ts";
import { claimableKinds, createRegistry, defaultHandlers, productHandlers } from "./registry.ts";

const ingest = defineHandler({
  kind: "document.ingest",
  schema: jobPayloadSchemas["document.ingest"],
  timeoutMs: 1_000,
  retry: { baseMs: 1_000, maxMs: 10_000 },
  run: async () => null,
});

describe("registry", () => {
  it("maps each registered kind to its handler", () => {
    const registry = createRegistry(defaultHandlers);
    expect(registry.get("system.echo")?.kind).toBe("system.echo");
    for (const handler of defaultHandlers) {
      expect(jobKinds).toContain(handler.kind);
      expect(handler.timeoutMs).toBeGreaterThan(0);
      expect(handler.retry.baseMs).toBeGreaterThan(0);
    }
  });

  it("has one product handler for every job kind, without starting any service", () => {
    const unused = new Proxy({}, { get: () => () => Promise.reject(new Error("not called")) });
    const services = createPipelineServices(
      {},
      unused as WorkerConvex,
      createLogger({ level: "error" }),
    );
    const registry = createRegistry(productHandlers(services));
    expect([...registry.keys()].sort()).toEqual([...jobKinds].sort());
  });

  it("refuses two handlers for one kind", () => {
    expect(() => createRegistry([ingest, ingest])).toThrow(/Two handlers/);
  });

  it("claims only registered kinds with a slot", () => {
    const registry = createRegistry([...defaultHandlers, ingest]);
    expect(claimableKinds(registry, DEFAULT_CONCURRENCY)).toEqual(
      new Map([
        ["system.echo", 4],
        ["document.ingest", 1],
      ]),
    );
    expect([
      ...claimableKinds(registry, { ...DEFAULT_CONCURRENCY, "system.echo": 0 }).keys(),
    ]).toEqual(["document.ingest"]);
  });
});
