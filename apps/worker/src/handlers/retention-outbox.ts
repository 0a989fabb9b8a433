// retention.outbox: the daily retention run (convex/retention.ts) queues it so the worker, which
// owns the local outbox's folder, prunes the .eml files older than 30 days (policy
// « outboxFiles ») and adds what it removed to the run's figures. The cut-off comes from the
// run's start, so a retry removes nothing twice and counts only what it removed itself.
import { jobPayloadSchemas } from "@nexus/shared/jobs";
import { api } from "../../../../convex/_generated/api";
import type { Id } from "../../../../convex/_generated/dataModel";
import { defineHandler } from "../handler.ts";
import { pruneOutbox } from "../rgpd/outbox-retention.ts";

export function retentionOutboxHandler(outboxDir: string) {
  return defineHandler({
    kind: "retention.outbox",
    schema: jobPayloadSchemas["retention.outbox"],
    timeoutMs: 10 * 60_000,
    retry: { baseMs: 30_000, maxMs: 30 * 60_000 },
    async run({ runId, startedAt }, { convex }) {
      const { removed, kept } = await pruneOutbox(outboxDir, startedAt, false);
      await convex.mutation(api.retention.recordOutbox, {
        runId: runId as Id<"retentionRuns">,
        removed,
      });
      return { removed, kept };
    },
  });
}
