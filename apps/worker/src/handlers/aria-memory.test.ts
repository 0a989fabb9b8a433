// aria.memory against the real Convex functions (convex-test): an idle conversation becomes
// embedded facts about the sections the answers relied on; a second run replaces them (no
// duplicates); a deleted conversation is skipped.
import { LocalEmbedder } from "@nexus/knowledge/local-embedder";
import { describe, expect, it } from "vitest";
import type { Id } from "../../../../convex/_generated/dataModel";
import { ariaConversation, citeGlobalPdf } from "../../../../convex/ariaAccess.fixtures";
import { as, freshWorld, type T } from "../../../../convex/world.fixtures";
import { workerConvexOf } from "../convex-test.test-helpers.ts";
import type { JobHelpers } from "../handler.ts";
import { createLogger } from "../logger.ts";
import { ariaMemoryHandler } from "./aria-memory.ts";

function helpers(t: T) {
  return {
    job: { id: "j1", kind: "aria.memory", attempt: 1, maxAttempts: 5, createdAt: 0 },
    signal: new AbortController().signal,
    log: createLogger({ level: "error" }),
    progress: () => {},
    convex: workerConvexOf(t),
  } as JobHelpers;
}

async function memories(t: T) {
  return await t.run(async (ctx) => ctx.db.query("ariaMemories").take(50));
}

describe("aria.memory against Convex", () => {
  it("summarises the cited sections into embedded facts, replaced on a second run", async () => {
    const { t, world } = await freshWorld();
    const { conversationId, answerId } = await ariaConversation(as(t, "eleve"), world, "own");
    await citeGlobalPdf(t, answerId, {
      excerpt: "Pour u et v dérivables : (uv)' = u'v + uv'",
    });
    const handler = ariaMemoryHandler({ embedder: async () => new LocalEmbedder() });
    await handler.run({ conversationId }, helpers(t));
    const first = await memories(t);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ studentId: world.students.own, subject: "maths" });
    expect(first[0]!.text).toContain("« La dérivation » (p. 2)");
    expect(first[0]!.embedding).toHaveLength(1536);
    await handler.run({ conversationId }, helpers(t));
    expect(await memories(t)).toHaveLength(1);
    const conversation = await t.run(async (ctx) => ctx.db.get(conversationId));
    expect(conversation?.summarisedAt).toBe(conversation?.lastMessageAt);
  });

  it("skips a conversation deleted meanwhile", async () => {
    const { t } = await freshWorld();
    const gone = "1".repeat(15) + "ariaConversations";
    const result = await ariaMemoryHandler({ embedder: async () => new LocalEmbedder() }).run(
      { conversationId: gone as Id<"ariaConversations"> },
      helpers(t),
    );
    expect(result).toEqual({ skipped: "conversation supprimée" });
  });
});
