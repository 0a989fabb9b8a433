// system.echo: diagnostics and benchmarks. Sleeps `sleepMs` (abortably), then
// fails its first `failTimes` attempts and every attempt before `failUntil` (a retry resets
// attempts, so only `failUntil` lets a retried job succeed), then succeeds with what it saw.
import { jobPayloadSchemas } from "@nexus/shared/jobs";
import { defineHandler } from "../handler.ts";

export const systemEcho = defineHandler({
  kind: "system.echo",
  schema: jobPayloadSchemas["system.echo"],
  timeoutMs: 11 * 60_000, // above the schema's 10-minute sleep limit
  retry: { baseMs: 1_000, maxMs: 60_000 },
  async run(payload, { job, signal, progress }) {
    if (payload.sleepMs > 0) {
      progress("sleep", 0, `pause de ${payload.sleepMs} ms`);
      await sleep(payload.sleepMs, signal);
    }
    if (job.attempt <= (payload.failTimes ?? 0)) {
      throw new Error(
        `system.echo: échec volontaire (tentative ${job.attempt}/${payload.failTimes})`,
      );
    }
    if (payload.failUntil !== undefined && Date.now() < payload.failUntil) {
      throw new Error(
        `system.echo: échec volontaire jusqu'à ${new Date(payload.failUntil).toISOString()}`,
      );
    }
    return { echoed: payload, attempt: job.attempt };
  },
});

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
