// `nexus-worker start`: the daemon. Wires config, Convex client, registry,
// health server and signals together.
import { secretValuesFromEnv } from "@nexus/shared/redact";
import { workerTokens } from "./auth/credentials.ts";
import { loadWorkerConfig } from "./config.ts";
import { createConvexQueueClient } from "./convex-queue-client.ts";
import { startHealthServer } from "./health-server.ts";
import { convexClientLogger, createLogger, errorFields } from "./logger.ts";
import { createWorkerMetrics } from "./metrics.ts";
import { createPipelineServices } from "./pipeline/services.ts";
import { createRegistry, productHandlers } from "./registry.ts";
import { checkWorkerEnvironment } from "./startup.ts";
import { Worker } from "./worker.ts";
import { createWorkerConvex } from "./worker-convex.ts";

export async function startWorker(env: Record<string, string | undefined>): Promise<number> {
  const config = loadWorkerConfig(env);
  // Before anything connects: production variables and every provider's settings (one line).
  const modes = checkWorkerEnvironment(env, config.convexUrl);
  // Secrets never reach a log line or a stored job error: the environment's and the worker key's.
  const secrets = [
    ...secretValuesFromEnv(env),
    ...(config.workerKey.d ? [config.workerKey.d] : []),
  ];
  const log = createLogger({
    level: config.logLevel,
    bindings: { workerId: config.workerId },
    secrets,
    format: config.logFormat,
  });
  log.info("worker.config", { ...modes });
  const { queue, client } = createConvexQueueClient({
    convexUrl: config.convexUrl,
    tokens: workerTokens(config.workerKey, config.workerId),
    // The client's own lines (reconnecting, auth) in our log format, not bare console output.
    logger: convexClientLogger(log),
  });
  const convex = createWorkerConvex(client);
  const services = createPipelineServices(env, convex, log);
  const metrics = createWorkerMetrics({ workerId: config.workerId });
  const worker = new Worker({
    queue,
    registry: createRegistry(productHandlers(services)),
    convex,
    log,
    workerId: config.workerId,
    concurrency: config.concurrency,
    pollIntervalMs: config.pollIntervalMs,
    leaseMs: config.leaseMs,
    heartbeatMs: config.heartbeatMs,
    beatIntervalMs: config.beatIntervalMs,
    shutdownGraceMs: config.shutdownGraceMs,
    disableSubscription: config.disableSubscription,
    retryBaseMsOverride: config.retryBaseMsOverride,
    secrets,
    metrics,
  });
  const health = await startHealthServer({
    port: config.healthPort,
    host: config.healthHost,
    status: () => worker.status(),
    staleAfterMs: Math.max(3 * config.pollIntervalMs, 15_000),
    metrics,
  });
  log.info("worker.health_listening", {
    host: health.host,
    port: health.port,
    convexUrl: config.convexUrl,
  });

  let signals = 0;
  const stopped = new Promise<void>((resolve) => {
    const onSignal = (signal: string) => {
      signals++;
      log.info("worker.signal", { signal, count: signals });
      // First signal: graceful; second: force.
      void worker.shutdown(signal).then(resolve);
    };
    process.on("SIGTERM", () => onSignal("SIGTERM"));
    process.on("SIGINT", () => onSignal("SIGINT"));
  });

  try {
    await worker.start();
  } catch (error) {
    log.error("worker.start_failed", errorFields(error));
    await health.close();
    await client.close();
    return 1;
  }
  // ARIA's first answer must not pay for loading the tutor's modules (decision 0008).
  if ((config.concurrency["aria.answer"] ?? 0) > 0) {
    services.tutor().catch((error) => log.warn("pipeline.tutor_failed", errorFields(error)));
  }
  await stopped;
  await services.close();
  await health.close();
  await client.close();
  return 0;
}
