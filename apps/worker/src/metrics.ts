// The worker's metrics in Prometheus' text format (GET /metrics on the health server, so on
// 127.0.0.1 unless WORKER_HEALTH_HOST says otherwise), through prom-client: jobs by kind and
// outcome, their durations, how long they waited in the queue, jobs running, OCR pages and
// LLM tokens (read from the handlers' results), plus the process' own metrics.
import type { JobKind } from "@nexus/shared/jobs";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { JobOutcome } from "./job-runner.ts";

export interface WorkerMetrics {
  registry: Registry;
  jobClaimed(job: { kind: JobKind; runAt: number; claimedAt: number }): void;
  jobFinished(
    job: { kind: JobKind },
    outcome: JobOutcome,
    durationMs: number,
    result: unknown,
  ): void;
  /** The text served at /metrics. */
  render(): Promise<string>;
  contentType: string;
}

const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];
const QUEUE_AGE_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600];

export function createWorkerMetrics(options: {
  workerId: string;
  defaults?: boolean;
}): WorkerMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ worker: options.workerId });
  if (options.defaults !== false)
    collectDefaultMetrics({ register: registry, prefix: "nexus_worker_" });
  const jobs = new Counter({
    name: "nexus_worker_jobs_total",
    help: "Job attempts finished by this worker, by kind and outcome.",
    labelNames: ["kind", "outcome"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "nexus_worker_job_duration_seconds",
    help: "Duration of job attempts, by kind and outcome.",
    labelNames: ["kind", "outcome"] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const queueAge = new Histogram({
    name: "nexus_worker_job_queue_age_seconds",
    help: "Time between a job becoming due and its claim by this worker, by kind.",
    labelNames: ["kind"] as const,
    buckets: QUEUE_AGE_BUCKETS,
    registers: [registry],
  });
  const running = new Gauge({
    name: "nexus_worker_jobs_running",
    help: "Jobs this worker is running now, by kind.",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  const ocrPages = new Counter({
    name: "nexus_worker_ocr_pages_total",
    help: "Document pages read by OCR (document.ingest).",
    registers: [registry],
  });
  const llmTokens = new Counter({
    name: "nexus_worker_llm_tokens_total",
    help: "LLM tokens used by bilan generation, by provider and direction.",
    labelNames: ["provider", "direction"] as const,
    registers: [registry],
  });
  return {
    registry,
    contentType: registry.contentType,
    jobClaimed(job) {
      running.inc({ kind: job.kind });
      queueAge.observe({ kind: job.kind }, Math.max(0, job.claimedAt - job.runAt) / 1000);
    },
    jobFinished(job, outcome, durationMs, result) {
      running.dec({ kind: job.kind });
      jobs.inc({ kind: job.kind, outcome });
      duration.observe({ kind: job.kind, outcome }, durationMs / 1000);
      if (outcome !== "completed" || typeof result !== "object" || result === null) return;
      const r = result as Record<string, unknown>;
      if (typeof r.ocrPages === "number" && r.ocrPages > 0) ocrPages.inc(r.ocrPages);
      const provider = typeof r.provider === "string" ? r.provider : "inconnu";
      if (typeof r.inputTokens === "number" && r.inputTokens > 0) {
        llmTokens.inc({ provider, direction: "input" }, r.inputTokens);
      }
      if (typeof r.outputTokens === "number" && r.outputTokens > 0) {
        llmTokens.inc({ provider, direction: "output" }, r.outputTokens);
      }
    },
    render: () => registry.metrics(),
  };
}
