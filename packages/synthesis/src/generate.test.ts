import { zGenerationMeta } from "@nexus/shared/synthesis";
import { describe, expect, it } from "vitest";
import type { ProviderOutput, SynthesisProvider } from "./contracts";
import { SynthesisError } from "./errors";
import { generateSynthesis } from "./generate";
import { LocalSynthesisProvider } from "./local-provider";
import { writeLocalSynthesis } from "./local-writer";
import type { OfferCatalogue } from "./offers";
import { makeInput } from "./test-fixtures";

const input = makeInput({
  subject: "nsi",
  masteries: ["non_acquis", "acquis", "en_cours", "maitrise"],
  chunks: true,
});

describe("generateSynthesis with the local provider", () => {
  it("returns a grounded synthesis with meta", async () => {
    let t = 1_000;
    const result = await generateSynthesis(input, new LocalSynthesisProvider(), {
      now: () => (t += 7),
    });
    expect(result.repaired).toBe(false);
    expect(zGenerationMeta.parse(result.meta)).toEqual(result.meta);
    expect(result.meta).toMatchObject({
      provider: "local",
      model: "nexus-local-writer",
      promptVersion: "local-writer-v1",
      durationMs: 7,
      generatedAt: 1_014,
    });
    expect(result.meta.inputTokens).toBeGreaterThan(100);
    expect(result.meta.outputTokens).toBeGreaterThan(100);
  });

  it("uses a custom offer catalogue", async () => {
    const catalogue: OfferCatalogue = {
      maxOffers: 2,
      offers: [
        {
          id: "atelier-python",
          title: "Atelier Python",
          priority: 1,
          when: { subject: ["nsi"] },
          reason: "Pour pratiquer.",
        },
      ],
    };
    const result = await generateSynthesis(input, new LocalSynthesisProvider(), { catalogue });
    expect(result.synthesis.offers).toEqual([
      { offerId: "atelier-python", title: "Atelier Python", reason: "Pour pratiquer." },
    ]);
  });

  it("rejects invalid input with a clear, non-retryable error", async () => {
    const bad = { ...input, scores: { ...input.scores, domains: [] } };
    const error = await generateSynthesis(bad, new LocalSynthesisProvider()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SynthesisError);
    expect(error).toMatchObject({ code: "invalid_input", retryable: false });
    expect((error as Error).message).toContain("aucun domaine");
    const noName = { ...input, student: { ...input.student, firstName: " " } };
    await expect(generateSynthesis(noName, new LocalSynthesisProvider())).rejects.toMatchObject({
      code: "invalid_input",
    });
  });

  it("never returns an ungrounded synthesis from a provider without repair", async () => {
    const calls: number[] = [];
    const liar: SynthesisProvider = {
      name: "local",
      model: "liar",
      promptVersion: "test",
      supportsRepair: false,
      async generate(req): Promise<ProviderOutput> {
        calls.push(1);
        const s = writeLocalSynthesis(req.input, req.offers);
        s.summary = "Réussite globale : 12 %.";
        return {
          content: s,
          rawText: JSON.stringify(s),
          usage: { inputTokens: 1, outputTokens: 1 },
        };
      },
    };
    await expect(generateSynthesis(input, liar)).rejects.toMatchObject({
      code: "ungrounded",
      retryable: false,
    });
    expect(calls).toHaveLength(1);
  });
});
