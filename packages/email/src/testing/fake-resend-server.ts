// A local stand-in for the Resend HTTP API (POST /emails), for tests of the
// real SDK: records every request, honours Idempotency-Key like Resend (the
// same key returns the first email's id) and can be scripted to fail.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

export interface ScriptedFailure {
  status: number;
  /** JSON body (Resend's error shape) or raw text when a string. */
  body: unknown;
}

export interface FakeResend {
  url: string;
  requests: RecordedRequest[];
  /** Failures answered, in order, before normal service resumes. */
  failNext(...failures: ScriptedFailure[]): void;
  close(): Promise<void>;
}

export async function startFakeResend(): Promise<FakeResend> {
  const requests: RecordedRequest[] = [];
  const failures: ScriptedFailure[] = [];
  const idsByKey = new Map<string, string>();
  let counter = 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {}
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });

      const failure = failures.shift();
      if (failure) {
        const isText = typeof failure.body === "string";
        res.writeHead(failure.status, {
          "content-type": isText ? "text/plain" : "application/json",
        });
        res.end(isText ? failure.body : JSON.stringify(failure.body));
        return;
      }
      if (req.method !== "POST" || req.url !== "/emails") {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ statusCode: 404, name: "not_found", message: "Not found" }));
        return;
      }
      const key = req.headers["idempotency-key"];
      let id = typeof key === "string" ? idsByKey.get(key) : undefined;
      if (!id) {
        counter++;
        id = `email_${counter}`;
        if (typeof key === "string") idsByKey.set(key, id);
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (...f) => failures.push(...f),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
