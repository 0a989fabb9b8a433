// generateSynthesis: the whole bilan-writing step. Validates the input, picks the
// offers by rule, asks the provider, then accepts the answer only if it matches
// zSynthesis AND passes the grounding check. An LLM gets exactly one repair
// attempt with the list of problems; otherwise generation fails with a
// SynthesisError. An ungrounded synthesis is never returned.
import { type Synthesis, zSynthesis } from "@nexus/shared/synthesis";
import { z } from "zod";
import {
  type OfferSuggestion,
  type ProviderOutput,
  type SynthesisInput,
  type SynthesisProvider,
  type SynthesisResult,
  zSynthesisInput,
} from "./contracts";
import { SynthesisError } from "./errors";
import { checkGrounding, type GroundingViolation } from "./grounding";
import { defaultOfferCatalogue, type OfferCatalogue, selectOffers } from "./offers";

export interface GenerateOptions {
  signal?: AbortSignal;
  catalogue?: OfferCatalogue;
  /** Clock, injectable for tests. */
  now?: () => number;
}

type Evaluation =
  | { ok: true; synthesis: Synthesis }
  | { ok: false; kind: "invalid_output" | "ungrounded"; problems: string[] };

function formatIssues(error: z.ZodError): string[] {
  return error.issues.map(
    (i) => `${i.path.length > 0 ? z.core.toDotPath(i.path) : "(racine)"} : ${i.message}`,
  );
}

function formatViolations(violations: GroundingViolation[]): string[] {
  return violations.map((v) => `${v.path} : ${v.message}`);
}

/** The rules choose the offers; the provider may only rephrase their reasons. */
function applyOffers(s: Synthesis, offers: OfferSuggestion[]): Synthesis {
  const byId = new Map(s.offers.map((o) => [o.offerId, o]));
  return {
    ...s,
    offers: offers.map((o) => ({
      offerId: o.offerId,
      title: o.title,
      reason: byId.get(o.offerId)?.reason.trim() || o.reason,
    })),
  };
}

function evaluate(
  output: ProviderOutput,
  input: SynthesisInput,
  offers: OfferSuggestion[],
  catalogue: OfferCatalogue,
): Evaluation {
  if (
    typeof output.content === "string" ||
    output.content === undefined ||
    output.content === null
  ) {
    const preview = output.rawText.trim().slice(0, 80);
    return {
      ok: false,
      kind: "invalid_output",
      problems: [
        `La réponse n’est pas un objet JSON valide${preview ? ` (début : « ${preview} »)` : " (réponse vide)"}.`,
      ],
    };
  }
  const parsed = zSynthesis.safeParse(output.content);
  if (!parsed.success)
    return { ok: false, kind: "invalid_output", problems: formatIssues(parsed.error) };
  const ctx = {
    scores: input.scores,
    profile: input.profile,
    chunks: input.chunks,
    catalogue,
    allowedOfferIds: offers.map((o) => o.offerId),
  };
  const violations = checkGrounding(parsed.data, ctx);
  if (violations.length > 0)
    return { ok: false, kind: "ungrounded", problems: formatViolations(violations) };
  const synthesis = applyOffers(parsed.data, offers);
  // Offer reasons restored from the rules are grounded by construction; check anyway.
  const after = checkGrounding(synthesis, ctx);
  if (after.length > 0) return { ok: false, kind: "ungrounded", problems: formatViolations(after) };
  return { ok: true, synthesis };
}

function failure(
  e: Extract<Evaluation, { ok: false }>,
  provider: SynthesisProvider,
  repaired: boolean,
): SynthesisError {
  const what =
    e.kind === "invalid_output"
      ? "une réponse non conforme au format attendu"
      : "un texte contenant des informations non vérifiées";
  const after = repaired ? " après une tentative de correction" : "";
  const head = e.problems.slice(0, 3).join(" ; ");
  return new SynthesisError(
    e.kind,
    `Le fournisseur ${provider.name} (${provider.model}) a produit ${what}${after} : ${head}${e.problems.length > 3 ? ` (et ${e.problems.length - 3} autre(s))` : ""}.`,
    false,
    e.problems,
  );
}

export async function generateSynthesis(
  input: SynthesisInput,
  provider: SynthesisProvider,
  opts: GenerateOptions = {},
): Promise<SynthesisResult> {
  const now = opts.now ?? Date.now;
  const parsedInput = zSynthesisInput.safeParse(input);
  if (!parsedInput.success) {
    const problems = formatIssues(parsedInput.error);
    throw new SynthesisError(
      "invalid_input",
      `Les données du bilan sont incomplètes ou invalides : ${problems.slice(0, 3).join(" ; ")}.`,
      false,
      problems,
    );
  }
  const data = parsedInput.data;
  const catalogue = opts.catalogue ?? defaultOfferCatalogue;
  const offers = selectOffers(data.scores, data.profile, data.student, catalogue, data.subject);
  const started = now();

  const first = await provider.generate({ input: data, offers }, opts.signal);
  let usage = { ...first.usage };
  let result = evaluate(first, data, offers, catalogue);
  let repaired = false;
  if (!result.ok) {
    if (!provider.supportsRepair) throw failure(result, provider, false);
    const second = await provider.generate(
      { input: data, offers, repair: { previous: first, problems: result.problems } },
      opts.signal,
    );
    usage = {
      inputTokens: usage.inputTokens + second.usage.inputTokens,
      outputTokens: usage.outputTokens + second.usage.outputTokens,
    };
    result = evaluate(second, data, offers, catalogue);
    if (!result.ok) throw failure(result, provider, true);
    repaired = true;
  }
  const finished = now();
  return {
    synthesis: result.synthesis,
    repaired,
    meta: {
      provider: provider.name,
      model: provider.model,
      promptVersion: provider.promptVersion,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      durationMs: Math.max(0, finished - started),
      generatedAt: finished,
    },
  };
}
