// What a failed job reports and logs: a French message for a failed Convex call, never the
// client's raw text, and no secret in the stored error nor in any log line.
import { jobPayloadSchemas } from "@nexus/shared/jobs";
import { ConvexError } from "convex/values";
import { describe, expect, it } from "vitest";
import { ConvexCallError, jobErrorMessage, NonRetryableError } from "./errors.ts";
import { defineHandler, type WorkerConvex } from "./handler.ts";
import { reportedError, runJob } from "./job-runner.ts";
import { createLogger } from "./logger.ts";
import { MemoryQueue } from "./memory-queue.test-helpers.ts";

const OPENAI_KEY = "sk-proj-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe";
const JWT =
  "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ3b3JrZXI6cHJvZCJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
const RAW_SERVER_ERROR =
  "[Request ID: 3f2a9c] Server Error\nUncaught Error: boom\n    at handler (../convex/ingestion.ts:42:11)";

describe("jobErrorMessage", () => {
  it.each([
    [
      "a ConvexError of ours keeps its French message",
      new ConvexCallError(
        "pipeline:saveSynthesis",
        new ConvexError({ code: "INVALID_STATE", message: "Le bilan a changé de statut." }),
      ),
      "Erreur du serveur Convex lors de l'appel à « pipeline:saveSynthesis » : Le bilan a changé de statut.",
    ],
    [
      "a Server Error hides the raw text",
      new ConvexCallError("ingestion:insertChunks", new Error(RAW_SERVER_ERROR)),
      "Erreur du serveur Convex lors de l'appel à « ingestion:insertChunks ».",
    ],
    [
      "a handler's wrapper still names the failed call",
      new NonRetryableError("Le bilan a changé de statut.", {
        cause: new ConvexCallError("pipeline:beginGeneration", new Error(RAW_SERVER_ERROR)),
      }),
      "Erreur du serveur Convex lors de l'appel à « pipeline:beginGeneration ».",
    ],
    [
      "an unwrapped Server Error text is replaced too",
      new Error(RAW_SERVER_ERROR),
      "Erreur du serveur Convex lors d'un appel du worker.",
    ],
    [
      "any other error keeps its message",
      new Error("Fournisseur indisponible (HTTP 503)."),
      "Fournisseur indisponible (HTTP 503).",
    ],
  ])("%s", (_case, error, expected) => {
    expect(jobErrorMessage(error)).toBe(expected);
  });
});

describe("reportedError", () => {
  it("redacts keys, tokens and configured secrets from the message and the stack", () => {
    const error = new Error(`OpenAI 401 ${OPENAI_KEY} Bearer ${JWT} with my-worker-secret-value`);
    const reported = reportedError(error, ["my-worker-secret-value"]);
    const stored = `${reported.message}\n${reported.stack}`;
    for (const secret of [OPENAI_KEY, JWT, "my-worker-secret-value"]) {
      expect(stored).not.toContain(secret);
    }
    expect(reported.stack).toMatch(/^Error: OpenAI 401 \[secret masqué\]/);
    expect(reported.stack).toContain("job-error.test.ts");
  });
});

describe("a failing job", () => {
  it("stores and logs neither an API key nor a JWT", async () => {
    const queue = new MemoryQueue();
    const lines: string[] = [];
    const log = createLogger({
      write: (line) => lines.push(line),
      secrets: ["cle-du-worker-12345"],
    });
    const id = queue.add("system.echo", { sleepMs: 0 }, { maxAttempts: 1 });
    const job = (await queue.claim({ workerId: "w", kinds: ["system.echo"], leaseMs: 1_000 }))!;
    const outcome = await runJob({
      queue,
      handler: defineHandler({
        kind: "system.echo",
        schema: jobPayloadSchemas["system.echo"],
        timeoutMs: 60_000,
        retry: { baseMs: 1, maxMs: 10 },
        async run() {
          throw new Error(`Clé refusée : ${OPENAI_KEY} (jeton ${JWT}, cle-du-worker-12345)`);
        },
      }),
      job,
      leaseMs: 1_000,
      heartbeatMs: 50,
      log,
      convex: {} as WorkerConvex,
      shutdownSignal: new AbortController().signal,
      secrets: ["cle-du-worker-12345"],
    });
    expect(outcome).toBe("failed");
    const stored = JSON.stringify(queue.get(id));
    const logged = lines.join("\n");
    for (const text of [stored, logged]) {
      expect(text).not.toContain(OPENAI_KEY);
      expect(text).not.toContain(JWT);
      expect(text).not.toContain("cle-du-worker-12345");
      expect(text).toContain("[secret masqué]");
    }
  });
});
