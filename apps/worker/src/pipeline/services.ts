// Long-lived services of the pipeline handlers, created on first use and shared by
// every job of the process: the LLM provider (rate budget shared through Convex), the
// email sender, the embedder and the OCR pool (tesseract workers are expensive to start).
// Their modules (SDKs, tesseract.js) are imported on first use too, so an idle worker
// stays small.
import type { EmailSender } from "@nexus/email/email-sender";
import { DEFAULT_OUTBOX_DIR } from "@nexus/email/outbox-sender";
import type { Embedder } from "@nexus/knowledge/embedder";
import type { OcrPool } from "@nexus/knowledge/ocr-pool";
import { type CentreContact, centreContactFromEnv } from "@nexus/shared/centre";
import { formatIssues } from "@nexus/shared/zod-fr";
import type { SynthesisProvider } from "@nexus/synthesis/contracts";
import type { TutorProvider } from "@nexus/synthesis/tutor/contracts";
import { z } from "zod";
import type { WorkerConvex } from "../handler.ts";
import type { Logger } from "../logger.ts";
import { type ClerkDeletion, clerkDeletionFromEnv } from "../rgpd/clerk-users.ts";
import { createConvexRateBudget } from "./convex-rate-budget.ts";

const zPipelineEnv = z.object({
  /** Public URL of the web app, for links in emails. */
  PUBLIC_APP_URL: z.url().default("http://localhost:3000"),
  /** Unset: one tesseract worker per core but one (left to the event loop), at least 1. */
  OCR_POOL_SIZE: z.coerce.number().int().min(1).max(32).optional(),
  OCR_RECYCLE_AFTER_PAGES: z.coerce.number().int().min(1).default(40),
  OCR_PAGE_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
  DOCUMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024),
});

export interface PipelineServices {
  appUrl: string;
  /** The centre's contact (CENTRE_* variables), printed in reports and e-mails. */
  centre: CentreContact;
  documentMaxBytes: number;
  synthesisProvider(): Promise<SynthesisProvider>;
  /** ARIA's tutor (same provider choice and shared rate budget as the bilan writer). */
  tutor(): Promise<TutorProvider>;
  emailSender(): Promise<EmailSender>;
  embedder(): Promise<Embedder>;
  ocrPool(): Promise<OcrPool>;
  /** The local outbox's folder (EMAIL_OUTBOX_DIR), pruned by retention.outbox. */
  outboxDir: string;
  /** Deletes an erased person's Clerk user (no-op without CLERK_SECRET_KEY). */
  deleteClerkUser: ClerkDeletion;
  close(): Promise<void>;
}

function once<T>(make: () => Promise<T>): { get(): Promise<T>; created(): Promise<T> | undefined } {
  let value: Promise<T> | undefined;
  return {
    get: () => {
      value ??= make();
      return value;
    },
    created: () => value,
  };
}

export function createPipelineServices(
  env: Record<string, string | undefined>,
  convex: WorkerConvex,
  log: Logger,
): PipelineServices {
  const parsed = zPipelineEnv.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Configuration du pipeline invalide :\n${formatIssues(parsed.error)}`);
  }
  const config = parsed.data;
  const centre = centreContactFromEnv(env);
  const provider = once(async () => {
    const { createProviderFromEnv, parseLlmEnv } = await import("@nexus/synthesis/provider-env");
    const llm = parseLlmEnv(env);
    const budget = createConvexRateBudget(
      convex,
      {
        maxConcurrency: llm.LLM_MAX_CONCURRENCY,
        requestsPerMinute: llm.LLM_RPM,
        tokensPerMinute: llm.LLM_TPM,
      },
      { leaseMs: llm.LLM_TIMEOUT_MS + 30_000, log },
    );
    const created = createProviderFromEnv(env, { budget });
    log.info("pipeline.llm_provider", { provider: created.name, model: created.model });
    return created;
  });
  const tutor = once(async () => {
    const { createTutorFromEnv } = await import("@nexus/synthesis/tutor/tutor-env");
    const { parseLlmEnv } = await import("@nexus/synthesis/provider-env");
    const llm = parseLlmEnv(env);
    const budget = createConvexRateBudget(
      convex,
      {
        maxConcurrency: llm.LLM_MAX_CONCURRENCY,
        requestsPerMinute: llm.LLM_RPM,
        tokensPerMinute: llm.LLM_TPM,
      },
      { leaseMs: llm.LLM_TIMEOUT_MS + 30_000, log },
    );
    const created = createTutorFromEnv(env, { budget });
    log.info("pipeline.tutor", { provider: created.name, model: created.model });
    return created;
  });
  const sender = once(async () => {
    const { createEmailSenderFromEnv } = await import("@nexus/email/sender-from-env");
    return createEmailSenderFromEnv(env);
  });
  const embedder = once(async () => {
    const { createEmbedderFromEnv } = await import("@nexus/knowledge/embed");
    const created = createEmbedderFromEnv(env);
    log.info("pipeline.embedder", { model: created.model });
    return created;
  });
  const ocr = once(async () => {
    const { createOcrPool, defaultOcrPoolSize } = await import("@nexus/knowledge/ocr-pool");
    const size = config.OCR_POOL_SIZE ?? defaultOcrPoolSize();
    log.info("pipeline.ocr_pool", { size });
    return createOcrPool({
      size,
      recycleAfterPages: config.OCR_RECYCLE_AFTER_PAGES,
      pageTimeoutMs: config.OCR_PAGE_TIMEOUT_MS,
    });
  });
  return {
    appUrl: config.PUBLIC_APP_URL.replace(/\/$/, ""),
    centre,
    documentMaxBytes: config.DOCUMENT_MAX_BYTES,
    synthesisProvider: provider.get,
    tutor: tutor.get,
    emailSender: sender.get,
    embedder: embedder.get,
    ocrPool: ocr.get,
    outboxDir: env.EMAIL_OUTBOX_DIR?.trim() || DEFAULT_OUTBOX_DIR,
    deleteClerkUser: clerkDeletionFromEnv(env),
    async close() {
      await (await ocr.created())?.terminate();
    },
  };
}
