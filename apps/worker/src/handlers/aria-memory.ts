// aria.memory: summarises an idle ARIA conversation into a few embedded facts about the
// student (convex/ariaMemory.ts); later answers recall the relevant ones (aria.recall).
import { jobPayloadSchemas } from "@nexus/shared/jobs";
import { summariseConversation } from "@nexus/synthesis/tutor/memory";
import { api } from "../../../../convex/_generated/api";
import type { Id } from "../../../../convex/_generated/dataModel";
import { defineHandler } from "../handler.ts";
import type { PipelineServices } from "../pipeline/services.ts";

export function ariaMemoryHandler(services: Pick<PipelineServices, "embedder">) {
  return defineHandler({
    kind: "aria.memory",
    schema: jobPayloadSchemas["aria.memory"],
    timeoutMs: 60_000,
    retry: { baseMs: 5_000, maxMs: 5 * 60_000 },
    async run({ conversationId }, { convex }) {
      const id = conversationId as Id<"ariaConversations">;
      const context = await convex.query(api.ariaMemory.context, { conversationId: id });
      if (!context) return { skipped: "conversation supprimée" };
      const facts = summariseConversation(context);
      const embedder = await services.embedder();
      const embeddings = facts.length > 0 ? await embedder.embed(facts) : [];
      const saved = await convex.mutation(api.ariaMemory.save, {
        conversationId: id,
        summarisedAt: context.lastMessageAt,
        embeddingModel: embedder.model,
        facts: facts.map((text, i) => ({ text, embedding: embeddings[i]! })),
      });
      return { facts: saved };
    },
  });
}
