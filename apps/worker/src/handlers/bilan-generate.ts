// bilan.generate: retrieve knowledge for the weakest domains, write the structured synthesis
// with the configured provider (grounding-checked inside generateSynthesis), save it → review.
// It only throws: when the job fails for good or is cancelled, Convex marks the bilan
// `failed` with the reason (convex/model/jobOutcomes.ts).
import { subjectLabels } from "@nexus/shared/domain";
import { jobPayloadSchemas } from "@nexus/shared/jobs";
import type { RetrievedChunk } from "@nexus/synthesis/contracts";
import { SynthesisError } from "@nexus/synthesis/errors";
import { api } from "../../../../convex/_generated/api";
import type { Id } from "../../../../convex/_generated/dataModel";
import { errorMessage, NonRetryableError } from "../errors.ts";
import { defineHandler, type WorkerConvex } from "../handler.ts";
import type { Logger } from "../logger.ts";
import { type BilanContext, loadBilanContext, orNonRetryable } from "../pipeline/bilan-context.ts";
import type { PipelineServices } from "../pipeline/services.ts";

const WEAK_DOMAINS = 3;
const CHUNKS_PER_DOMAIN = 3;

/** A retrieved chunk and the document it comes from (kept on the revision for provenance). */
export type RetrievedPassage = RetrievedChunk & { documentId?: Id<"documents"> };

/** The weakest domains (below 60 %, else the two lowest) with the chunks retrieved for each. */
export async function retrieveForWeakDomains(
  convex: WorkerConvex,
  context: BilanContext,
  log: Logger,
): Promise<RetrievedPassage[]> {
  const domains = [...(context.bilan.scores?.domains ?? [])].sort((a, b) => a.percent - b.percent);
  const weak = domains.filter((d) => d.percent < 60).slice(0, WEAK_DOMAINS);
  const targets = weak.length > 0 ? weak : domains.slice(0, 2);
  const byId = new Map<string, RetrievedPassage>();
  for (const domain of targets) {
    try {
      const hits = await convex.action(api.knowledge.searchForBilan, {
        query: `${domain.label} — ${subjectLabels[context.bilan.subject]}, ${context.bilan.niveau}`,
        studentId: context.student._id,
        limit: CHUNKS_PER_DOMAIN,
      });
      for (const hit of hits) {
        const existing = byId.get(hit.chunkId);
        if (existing) existing.domainIds = [...(existing.domainIds ?? []), domain.domainId];
        else {
          byId.set(hit.chunkId, {
            chunkId: hit.chunkId,
            documentId: hit.documentId,
            documentTitle: hit.documentTitle,
            page: hit.pageStart,
            text: hit.text,
            domainIds: [domain.domainId],
            score: hit.score,
          });
        }
      }
    } catch (error) {
      // Retrieval enriches the bilan; without it the synthesis is still grounded in the scores.
      log.warn("bilan.retrieval_failed", { domainId: domain.domainId, error: errorMessage(error) });
    }
  }
  return [...byId.values()];
}

export function bilanGenerateHandler(services: PipelineServices) {
  return defineHandler({
    kind: "bilan.generate",
    schema: jobPayloadSchemas["bilan.generate"],
    timeoutMs: 5 * 60_000,
    retry: { baseMs: 5_000, maxMs: 5 * 60_000 },
    async run({ bilanId, instructions }, { convex, signal, progress, log, job }) {
      const context = await loadBilanContext(convex, bilanId);
      const { bilan, student } = context;
      if (!bilan.scores || !bilan.profile) {
        throw new NonRetryableError(
          "Ce bilan n'a pas de réponses soumises : il n'y a rien à analyser.",
        );
      }
      await orNonRetryable(
        convex.mutation(api.pipeline.beginGeneration, { bilanId: bilanId as Id<"bilans"> }),
      );
      progress("retrieval", 10, "Recherche dans la base de connaissances");
      const chunks = await retrieveForWeakDomains(convex, context, log);
      progress("generation", 30, `Rédaction (${chunks.length} extraits)`);
      try {
        const { generateSynthesis } = await import("@nexus/synthesis/generate");
        const result = await generateSynthesis(
          {
            student,
            subject: bilan.subject,
            scores: bilan.scores,
            profile: bilan.profile,
            chunks,
            instructions,
          },
          await services.synthesisProvider(),
          { signal },
        );
        progress("saving", 90);
        await orNonRetryable(
          convex.mutation(api.pipeline.saveSynthesis, {
            bilanId: bilanId as Id<"bilans">,
            synthesis: result.synthesis,
            generation: result.meta,
            jobId: job.id as Id<"jobs">,
            retrieved: chunks.map(({ chunkId, documentId, documentTitle, page }) => ({
              chunkId,
              documentId,
              documentTitle,
              page,
            })),
          }),
        );
        return {
          provider: result.meta.provider,
          model: result.meta.model,
          repaired: result.repaired,
          chunks: chunks.length,
          sources: result.synthesis.recommendations.reduce((n, r) => n + r.sources.length, 0),
          // For the worker's metrics (LLM tokens by provider).
          inputTokens: result.meta.inputTokens,
          outputTokens: result.meta.outputTokens,
        };
      } catch (error) {
        // A provider error says whether retrying can help (ungrounded output after the repair: no).
        if (error instanceof SynthesisError && !error.retryable && !signal.aborted) {
          throw new NonRetryableError(errorMessage(error), { cause: error });
        }
        throw error;
      }
    },
  });
}
