// The structured written bilan. Every provider (OpenAI, Anthropic, local writer)
// must produce exactly this shape; coaches edit it under the same schema.
import { z } from "zod";
import "./zod-fr";

const text = z.string().trim().min(1);

export const zSourceRef = z.object({
  chunkId: z.string(),
  documentTitle: z.string(),
  page: z.number().int().min(1),
});
export type SourceRef = z.infer<typeof zSourceRef>;

export const zSynthesis = z.object({
  summary: text,
  strengths: z.array(z.object({ domainId: z.string(), text })),
  weaknesses: z.array(z.object({ domainId: z.string(), text })),
  recommendations: z
    .array(
      z.object({
        title: text,
        text,
        domainIds: z.array(z.string()).min(1),
        sources: z.array(zSourceRef),
      }),
    )
    .min(1),
  studyPlan: z
    .array(
      z.object({
        week: z.number().int().min(1),
        objectives: z.array(text).min(1),
        activities: z
          .array(z.object({ description: text, hours: z.number().positive().max(40) }))
          .min(1),
      }),
    )
    .min(1),
  offers: z.array(z.object({ offerId: z.string(), title: text, reason: text })),
  parentSummary: text,
});
export type Synthesis = z.infer<typeof zSynthesis>;

export const zGenerationMeta = z.object({
  provider: z.enum(["openai", "anthropic", "local"]),
  model: z.string(),
  promptVersion: z.string(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  durationMs: z.number(),
  generatedAt: z.number(),
});
export type GenerationMeta = z.infer<typeof zGenerationMeta>;
