import { jobPayloadSchemas } from "@nexus/shared/jobs";
import { describe, expect, it } from "vitest";
import { NonRetryableError } from "./errors.ts";
import { defineHandler, type JobHandler, type WorkerConvex } from "./handler.ts";
import { systemEcho } from "./handlers/system-echo.ts";
import { runJob } from "./job-runner.ts";
import { createLogger } from "./logger.ts";
import { MemoryQueue } from "./memory-queue.test-helpers.ts";

const convex = {} as WorkerConvex;

function setup(handler: JobHandler<any> | undefined, payload: unknown, maxAttempts = 3) {
  const queue = new MemoryQueue();
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ write: (l) => lines.push(JSON.parse(l)) });
  const id = queue.add("system.echo", payload, { maxAttempts });
  const shutdown = new AbortController();
  const run = async () => {
    const job = (await queue.claim({ workerId: "w", kinds: ["system.echo"], leaseMs: 1_000 }))!;
    return runJob({
      queue,
      handler,
      job,
      leaseMs: 1_000,
      heartbeatMs: 5,
      log,
      convex,
      shutdownSignal: shutdown.signal,
    });
  };
  return { queue, id, run, lines, shutdown };
}

/** An echo-kind handler with custom behaviour. */
function handlerFor(run: JobHandler<"system.echo">["run"], timeoutMs = 60_000) {
  return defineHandler({
    kind: "system.echo",
    schema: jobPayloadSchemas["system.echo"],
    timeoutMs,
    retry: { baseMs: 1, maxMs: 10 },
    run,
  });
}

describe("runJob", () => {
  it("completes with the handler's result and logs one structured line", async () => {
    const { queue, id, run, lines } = setup(systemEcho, { sleepMs: 0 });
    expect(await run()).toBe("completed");
    expect(queue.get(id)).toMatchObject({
      status: "completed",
      result: { echoed: { sleepMs: 0 }, attempt: 1 },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: "job.finished",
      jobId: id,
      kind: "system.echo",
      attempt: 1,
      outcome: "completed",
    });
    expect(typeof lines[0]?.durationMs).toBe("number");
  });

  it("retries a throwing handler, then dead-letters it with its message", async () => {
    const { queue, id, run } = setup(systemEcho, { sleepMs: 0, failTimes: 5 }, 2);
    expect(await run()).toBe("retry_scheduled");
    expect(queue.get(id).error).toEqual({
      message: "system.echo: échec volontaire (tentative 1/5)",
      retryable: true,
    });
    queue.get(id).runAt = 0;
    expect(await run()).toBe("failed");
    expect(queue.get(id)).toMatchObject({ status: "failed", attempts: 2 });
  });

  it("fails at once, non-retryable, on an invalid payload or a NonRetryableError", async () => {
    const bad = setup(systemEcho, { sleepMs: "soon" });
    expect(await bad.run()).toBe("failed");
    expect(bad.queue.get(bad.id).error?.message).toMatch(/Données de la tâche invalides/);
    expect(bad.queue.get(bad.id).error?.retryable).toBe(false);

    const missing = setup(
      handlerFor(async () => {
        throw new NonRetryableError("Bilan introuvable");
      }),
      { sleepMs: 0 },
    );
    expect(await missing.run()).toBe("failed");
    expect(missing.queue.get(missing.id).error).toEqual({
      message: "Bilan introuvable",
      retryable: false,
    });
  });

  it("fails non-retryable when no handler is registered for the kind", async () => {
    const { queue, id, run } = setup(undefined, { sleepMs: 0 });
    expect(await run()).toBe("failed");
    expect(queue.get(id).error?.message).toMatch(/Aucun gestionnaire/);
  });

  it("aborts the handler when a heartbeat reports a cancellation", async () => {
    const { queue, id, run } = setup(systemEcho, { sleepMs: 60_000 });
    const done = run();
    await until(() => queue.get(id).status === "running");
    queue.get(id).cancelRequested = true;
    expect(await done).toBe("cancelled");
    expect(queue.get(id).error?.message).toMatch(/annulée/);
  });

  it("aborts a handler that passes its timeout, with a clear error", async () => {
    let sawAbort = false;
    const slow = handlerFor(async (_p, { signal }) => {
      await new Promise((_, reject) =>
        signal.addEventListener("abort", () => {
          sawAbort = true;
          reject(signal.reason);
        }),
      );
    }, 20);
    const { queue, id, run } = setup(slow, { sleepMs: 0 });
    expect(await run()).toBe("retry_scheduled");
    expect(sawAbort).toBe(true);
    expect(queue.get(id).error?.message).toMatch(/Délai dépassé/);
  });

  it("stops without completing when the lease was lost", async () => {
    const { queue, id, run } = setup(systemEcho, { sleepMs: 60_000 });
    const done = run();
    await until(() => queue.get(id).status === "running");
    queue.steal(id);
    expect(await done).toBe("lease_lost");
    expect(queue.calls).not.toContain("complete");
    expect(queue.calls).not.toContain("fail");
  });

  it("releases the job on shutdown", async () => {
    const { queue, id, run, shutdown } = setup(systemEcho, { sleepMs: 60_000 });
    const done = run();
    await until(() => queue.get(id).status === "running");
    shutdown.abort();
    expect(await done).toBe("released");
    expect(queue.get(id)).toMatchObject({ status: "pending", attempts: 0 });
  });

  it("sends progress with heartbeats", async () => {
    const handler = handlerFor(async (_p, { progress }) => {
      progress("ocr", 50, "page 1/2");
      await until(() => queue.get(id).progress !== undefined);
    });
    const { queue, id, run } = setup(handler, { sleepMs: 0 });
    expect(await run()).toBe("completed");
    expect(queue.get(id).progress).toEqual({ stage: "ocr", percent: 50, message: "page 1/2" });
  });
});

async function until(check: () => boolean) {
  for (let i = 0; i < 2_000 && !check(); i++) await new Promise((r) => setTimeout(r, 2));
  if (!check()) throw new Error("condition never met");
}
