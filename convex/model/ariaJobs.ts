// What the end of an ARIA job means for its record (hooks merged into model/jobOutcomes.ts):
// an answer whose job failed or was cancelled ends « interrompu » with its text kept and the
// « Réessayer » button; a job staff put back in the queue starts its answer over.
import type { JobKind } from "@nexus/shared/jobs";
import type { Doc } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { interruptAnswer } from "./ariaConversations";
import type { JobOutcomeHooks } from "./jobOutcomes";

function answerOf(ctx: MutationCtx, job: Doc<"jobs">) {
  return ctx.db.normalizeId("ariaMessages", String(job.payload?.messageId ?? ""));
}

async function sheetFailed(ctx: MutationCtx, job: Doc<"jobs">, reason: string) {
  const sheetId = ctx.db.normalizeId("ariaSheets", String(job.payload?.sheetId ?? ""));
  const sheet = sheetId ? await ctx.db.get(sheetId) : null;
  if (sheet && sheet.status === "pending") {
    await ctx.db.patch(sheet._id, { status: "failed", error: reason });
  }
}

export const ariaJobOutcomes: Partial<Record<JobKind, JobOutcomeHooks>> = {
  "aria.answer": {
    async onFailed(ctx, job) {
      const id = answerOf(ctx, job);
      if (id) {
        await interruptAnswer(
          ctx,
          id,
          "ARIA n'a pas pu terminer sa réponse (service momentanément indisponible).",
        );
      }
    },
    async onCancelled(ctx, job) {
      const id = answerOf(ctx, job);
      if (id) await interruptAnswer(ctx, id, "La réponse a été arrêtée par l'équipe du centre.");
    },
    async onRetried(ctx, job) {
      const id = answerOf(ctx, job);
      const message = id ? await ctx.db.get(id) : null;
      if (message && message.status === "interrupted" && message.jobId === job._id) {
        await ctx.db.patch(message._id, {
          status: "pending",
          text: "",
          chunkCount: 0,
          error: undefined,
          attempt: undefined,
          firstTextAt: undefined,
          finishedAt: undefined,
        });
      }
    },
  },
  "aria.sheet": {
    onFailed: sheetFailed,
    onCancelled: (ctx, job) => sheetFailed(ctx, job, "La fiche a été annulée par l'équipe."),
  },
};
