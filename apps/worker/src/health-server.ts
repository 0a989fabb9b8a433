// Liveness and readiness over HTTP for the process supervisor:
//   GET /livez  → 200 while the process runs its event loop
//   GET /readyz → 200 when connected to Convex and the last claim/poll
//                 succeeded recently, 503 otherwise (body says why)
//   GET /metrics → Prometheus text format (metrics.ts), when metrics are given
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { WorkerStatus } from "./worker.ts";

export interface Readiness {
  ready: boolean;
  reasons: string[];
}

/** Ready = running, connected, and a successful claim/poll within `staleAfterMs`. */
export function readiness(status: WorkerStatus, now: number, staleAfterMs: number): Readiness {
  const reasons: string[] = [];
  if (status.state !== "running") reasons.push(`state=${status.state}`);
  if (!status.connected) reasons.push("not connected to Convex");
  if (status.lastPollOkAt === null) reasons.push("no successful poll yet");
  else if (now - status.lastPollOkAt > staleAfterMs) {
    reasons.push(`last successful poll ${now - status.lastPollOkAt} ms ago`);
  }
  return { ready: reasons.length === 0, reasons };
}

export async function startHealthServer(options: {
  port: number;
  /** Interface to bind (default 127.0.0.1; WORKER_HEALTH_HOST=0.0.0.0 in a container). */
  host?: string;
  status: () => WorkerStatus;
  staleAfterMs: number;
  metrics?: { render(): Promise<string>; contentType: string };
}): Promise<{ host: string; port: number; close: () => Promise<void> }> {
  const startedAt = Date.now();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const status = options.status();
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (path === "/livez" || path === "/health") {
      send(200, { ok: true, workerId: status.workerId, uptimeMs: Date.now() - startedAt });
    } else if (path === "/readyz") {
      const r = readiness(status, Date.now(), options.staleAfterMs);
      send(r.ready ? 200 : 503, { ...r, ...status });
    } else if (path === "/metrics" && options.metrics) {
      const metrics = options.metrics;
      metrics.render().then(
        (text) => {
          res.writeHead(200, { "content-type": metrics.contentType });
          res.end(text);
        },
        (error: unknown) => send(500, { error: String(error) }),
      );
    } else {
      send(404, {
        error: "not found",
        routes: ["/livez", "/readyz", ...(options.metrics ? ["/metrics"] : [])],
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
