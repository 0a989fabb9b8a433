// The worker's Prometheus metrics and the pretty log format, parsed as a scraper would.
import { describe, expect, it } from "vitest";
import { convexClientLogger, createLogger, prettyLine } from "./logger.ts";
import { createWorkerMetrics } from "./metrics.ts";
import { parsePrometheus } from "./prometheus.test-helpers.ts";

describe("worker metrics", () => {
  it("counts jobs by kind and outcome, durations, queue age, OCR pages and LLM tokens", async () => {
    const metrics = createWorkerMetrics({ workerId: "w1", defaults: false });
    const ingest = { kind: "document.ingest" as const, runAt: 1_000, claimedAt: 3_500 };
    metrics.jobClaimed(ingest);
    metrics.jobFinished(ingest, "completed", 1_200, { pages: 3, ocrPages: 2 });
    const bilan = { kind: "bilan.generate" as const, runAt: 0, claimedAt: 0 };
    metrics.jobClaimed(bilan);
    metrics.jobFinished(bilan, "completed", 800, {
      provider: "local",
      inputTokens: 1_000,
      outputTokens: 250,
    });
    metrics.jobClaimed(bilan);
    metrics.jobFinished(bilan, "failed", 10, null);
    const samples = parsePrometheus(await metrics.render());
    const value = (name: string, labels: Record<string, string> = {}) =>
      samples.find(
        (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      )?.value;
    expect(value("nexus_worker_jobs_total", { kind: "bilan.generate", outcome: "completed" })).toBe(
      1,
    );
    expect(value("nexus_worker_jobs_total", { kind: "bilan.generate", outcome: "failed" })).toBe(1);
    expect(value("nexus_worker_jobs_total", { kind: "document.ingest", worker: "w1" })).toBe(1);
    expect(value("nexus_worker_job_duration_seconds_sum", { kind: "document.ingest" })).toBe(1.2);
    expect(value("nexus_worker_job_queue_age_seconds_sum", { kind: "document.ingest" })).toBe(2.5);
    expect(value("nexus_worker_jobs_running", { kind: "bilan.generate" })).toBe(0);
    expect(value("nexus_worker_ocr_pages_total")).toBe(2);
    expect(value("nexus_worker_llm_tokens_total", { provider: "local", direction: "input" })).toBe(
      1_000,
    );
    expect(value("nexus_worker_llm_tokens_total", { direction: "output" })).toBe(250);
  });
});

describe("log format", () => {
  it("pretty: one readable line with the fields; json stays one object a line", () => {
    const lines: string[] = [];
    const pretty = createLogger({
      format: "pretty",
      write: (l) => lines.push(l),
      bindings: { workerId: "w" },
    });
    pretty.info("job.finished", { kind: "system.echo", durationMs: 12, error: "pause de 5 s" });
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d INFO {2}job\.finished {2}kind=system\.echo durationMs=12 error="pause de 5 s"$/,
    );
    const json = createLogger({ write: (l) => lines.push(l) });
    json.warn("worker.backoff", { delayMs: 5 });
    expect(JSON.parse(lines[1]!)).toMatchObject({
      level: "warn",
      msg: "worker.backoff",
      delayMs: 5,
    });
    expect(prettyLine({ time: "x", level: "error", msg: "m" })).toBe("x ERROR m");
  });

  it("the Convex client's own messages become log lines", () => {
    const lines: string[] = [];
    const logger = convexClientLogger(
      createLogger({ write: (l) => lines.push(l), level: "debug" }),
    );
    logger.warn("Attempting reconnect in", 120, "ms");
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: "warn",
      msg: "convex.client",
      message: "Attempting reconnect in 120 ms",
    });
  });
});
