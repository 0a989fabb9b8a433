// aria.answer: writes ARIA's answer to one question, streamed into its message row
// (docs/decisions/0008-aria-streaming.md). The quota was checked by aria.ask; the search
// scope comes from the message in Convex (aria.retrieve), never from the payload or the text.
// - Resume: a new attempt on an answer that already holds text replays it with a
//   deterministic tutor (offline) and continues; an LLM's answer cannot be replayed, so it
//   ends « interrompu » with the retry button.
// - Failures before any text are retried as a job (429, outage); after text, the answer ends
//   « interrompu » with its text kept. What a failed job means is decided in Convex
//   (model/ariaJobs.ts).
import { jobPayloadSchemas } from "@nexus/shared/jobs";
import { TutorError, type TutorResult } from "@nexus/synthesis/tutor/contracts";
import { withSocraticGuard } from "@nexus/synthesis/tutor/socratic-guard";
import { api } from "../../../../convex/_generated/api";
import type { Id } from "../../../../convex/_generated/dataModel";
import { ChunkWriter } from "../aria/chunk-writer.ts";
import { defineHandler } from "../handler.ts";
import type { PipelineServices } from "../pipeline/services.ts";

export const RESTART_MESSAGE =
  "La réponse a été interrompue par un redémarrage du service : appuie sur « Réessayer ».";
const LEAK_MESSAGE =
  "Cette réponse a été arrêtée : elle ne respectait pas les règles d'ARIA. Reformule ta question.";

const EXCERPT_CHARS = 160;

export function ariaAnswerHandler(services: Pick<PipelineServices, "tutor">) {
  return defineHandler({
    kind: "aria.answer",
    schema: jobPayloadSchemas["aria.answer"],
    timeoutMs: 3 * 60_000,
    retry: { baseMs: 1_000, maxMs: 30_000 },
    async run({ messageId }, { convex, job, signal, log }) {
      const ref = {
        messageId: messageId as Id<"ariaMessages">,
        jobId: job.id as Id<"jobs">,
        attempt: job.attempt,
      };
      // Phase times since the question was asked (job.createdAt), logged for the bench.
      const since = () => Date.now() - job.createdAt;
      const timing: Record<string, number> = { pickedUpMs: since() };
      // Everything before the first token at once (decision 0008): the answer's start, the
      // passages and memories (searched with the message's own question) and the tutor.
      // A retrieval that fails is awaited (and thrown) only once the answer is known to be ours.
      const retrieval = Promise.all([
        convex.action(api.aria.retrieve, { messageId: ref.messageId, limit: 6 }),
        convex.action(api.aria.recall, { messageId: ref.messageId }),
      ]);
      retrieval.catch(() => {});
      const tutorReady = services.tutor();
      tutorReady.catch(() => {});
      const context = await convex.mutation(api.aria.startAnswer, ref);
      timing.startedMs = since();
      if (!context) return { skipped: "réponse supprimée ou déjà terminée" };
      // Whatever the provider, a first Socratic reply never gives the final answer.
      const tutor = withSocraticGuard(await tutorReady);
      timing.tutorMs = since();
      const interrupt = async (reason: string) => {
        await convex.mutation(api.aria.interruptAnswer, { ...ref, reason });
        return { interrupted: reason };
      };
      if (context.text.length > 0 && !tutor.deterministic) return await interrupt(RESTART_MESSAGE);

      const [passages, memories] = await retrieval;
      timing.retrievedMs = since();
      const writer = new ChunkWriter(convex, ref, context);
      const stream = tutor.answer(
        {
          question: context.question,
          mode: context.mode,
          subject: context.subject,
          history: context.history,
          passages,
          weakDomains: context.weakDomains,
          memories,
        },
        signal,
      );
      let result: TutorResult;
      try {
        for (;;) {
          const next = await stream.next();
          if (next.done) {
            result = next.value;
            break;
          }
          if (!(await writer.push(next.value))) break;
          timing.firstTextMs ??= since();
        }
        await writer.flush();
      } catch (error) {
        await writer.flush();
        const partial = writer.wrote || (error instanceof TutorError && error.partial);
        // Nothing written yet and worth another try: the job's retry policy takes it.
        if (!partial && error instanceof TutorError && error.retryable) throw error;
        log.warn("aria.answer_interrupted", { error: String(error) });
        return await interrupt(
          error instanceof TutorError ? error.message : "ARIA n'a pas pu terminer sa réponse.",
        );
      }
      log.info("aria.answer_timing", timing);
      if (writer.state === "stopped") return { stopped: true };
      if (writer.state === "leak") return await interrupt(LEAK_MESSAGE);
      if (writer.state === "mismatch" || !writer.resumed) return await interrupt(RESTART_MESSAGE);
      await convex.mutation(api.aria.finishAnswer, {
        ...ref,
        citations: result!.cited.map((i) => {
          const p = passages[i]!;
          return {
            chunkId: p.chunkId,
            documentId: p.documentId,
            title: p.documentTitle,
            pageStart: p.pageStart,
            pageEnd: p.pageEnd,
            excerpt: p.text.replace(/\s+/g, " ").trim().slice(0, EXCERPT_CHARS),
          };
        }),
        noSource: result!.noSource,
        provider: tutor.name,
        model: tutor.model,
        inputTokens: result!.inputTokens,
        outputTokens: result!.outputTokens,
      });
      return { passages: passages.length, cited: result!.cited.length };
    },
  });
}
