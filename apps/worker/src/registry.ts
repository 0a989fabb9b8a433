// kind → handler. A new job kind = one module in src/handlers/ plus one line
// in `productHandlers`. The worker claims only the kinds registered here (and
// whose concurrency is above zero).
import type { JobKind } from "@nexus/shared/jobs";
import type { JobHandler } from "./handler.ts";
import { alertsNotifyHandler } from "./handlers/alerts-notify.ts";
import { ariaAnswerHandler } from "./handlers/aria-answer.ts";
import { ariaMemoryHandler } from "./handlers/aria-memory.ts";
import { ariaSheetHandler } from "./handlers/aria-sheet.ts";
import { bilanGenerateHandler } from "./handlers/bilan-generate.ts";
import { bilanPdfHandler } from "./handlers/bilan-pdf.ts";
import {
  paymentReceiptHandler,
  sessionConfirmHandler,
  sessionRemindHandler,
} from "./handlers/coaching-mail.ts";
import { documentIngestHandler } from "./handlers/document-ingest.ts";
import { emailSendHandler } from "./handlers/email-send.ts";
import { invitationSendHandler } from "./handlers/invitation-send.ts";
import { retentionOutboxHandler } from "./handlers/retention-outbox.ts";
import { rgpdEraseHandler } from "./handlers/rgpd-erase.ts";
import { rgpdExportHandler } from "./handlers/rgpd-export.ts";
import { systemEcho } from "./handlers/system-echo.ts";
import type { PipelineServices } from "./pipeline/services.ts";

/** Handlers that need no external service (diagnostics, tests). */
export const defaultHandlers: readonly JobHandler<any>[] = [systemEcho];

/** Every job kind of the product, as the daemon runs them. */
export function productHandlers(services: PipelineServices): JobHandler<any>[] {
  return [
    systemEcho,
    bilanGenerateHandler(services),
    bilanPdfHandler(services),
    emailSendHandler(services),
    documentIngestHandler(services),
    alertsNotifyHandler(services),
    invitationSendHandler(services),
    sessionConfirmHandler(services),
    sessionRemindHandler(services),
    paymentReceiptHandler(services),
    ariaAnswerHandler(services),
    ariaMemoryHandler(services),
    ariaSheetHandler(services),
    rgpdExportHandler,
    rgpdEraseHandler(services.deleteClerkUser),
    retentionOutboxHandler(services.outboxDir),
  ];
}

export type Registry = ReadonlyMap<JobKind, JobHandler<any>>;

export function createRegistry(handlers: readonly JobHandler<any>[]): Registry {
  const registry = new Map<JobKind, JobHandler<any>>();
  for (const handler of handlers) {
    if (registry.has(handler.kind)) {
      throw new Error(`Two handlers for job kind "${handler.kind}"`);
    }
    if (!(handler.timeoutMs > 0)) throw new Error(`Handler "${handler.kind}" needs a timeoutMs`);
    registry.set(handler.kind, handler);
  }
  return registry;
}

/** Kinds the worker will claim, with their slot count. */
export function claimableKinds(
  registry: Registry,
  concurrency: Record<JobKind, number>,
): Map<JobKind, number> {
  const out = new Map<JobKind, number>();
  for (const kind of registry.keys()) {
    const slots = concurrency[kind] ?? 0;
    if (slots > 0) out.set(kind, slots);
  }
  return out;
}
