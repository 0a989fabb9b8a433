import { describe, expect, it } from "vitest";
import { startHealthServer } from "./health-server.ts";
import type { WorkerStatus } from "./worker.ts";

const status = (): WorkerStatus => ({
  workerId: "w",
  state: "running",
  connected: true,
  subscription: "live",
  lastPollOkAt: Date.now(),
  lastClaimAt: null,
  running: [],
  completed: 0,
  failedCalls: 0,
});

describe("startHealthServer: the interface it binds", () => {
  it("listens on 127.0.0.1 only when no host is given", async () => {
    const server = await startHealthServer({ port: 0, status, staleAfterMs: 15_000 });
    try {
      expect(server.host).toBe("127.0.0.1");
      const response = await fetch(`http://127.0.0.1:${server.port}/livez`);
      expect(response.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("listens on the host it is given (0.0.0.0 for a container)", async () => {
    const server = await startHealthServer({
      port: 0,
      host: "0.0.0.0",
      status,
      staleAfterMs: 15_000,
    });
    try {
      expect(server.host).toBe("0.0.0.0");
      expect((await fetch(`http://127.0.0.1:${server.port}/readyz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
