// bilans.progress: the page waiting for a bilan follows its generation job live; the family
// reads fixed French labels, the coach and staff the worker's messages and errors.
import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import {
  as,
  asWorker,
  errorOf,
  freshWorld,
  testGeneration as generation,
  testSynthesis as synthesis,
  type T,
} from "./world.fixtures";

function claimGeneration(t: T) {
  return asWorker(t).mutation(api.jobs.claim, {
    workerId: "w1",
    kinds: ["bilan.generate"],
    leaseMs: 60_000,
  });
}

async function progressAs(
  t: T,
  caller: "eleve" | "parent" | "coach" | "admin",
  bilanId: Id<"bilans">,
) {
  return await as(t, caller).query(api.bilans.progress, { bilanId });
}

describe("bilans.progress", () => {
  it("is null for a draft", async () => {
    const { t, world } = await freshWorld();
    expect(await progressAs(t, "eleve", world.bilans.own)).toBeNull();
  });

  it("follows the job: queued, running with the worker's stages, then null in review", async () => {
    const { t, world } = await freshWorld();
    const bilanId = world.bilans.own;
    await as(t, "eleve").mutation(api.bilans.submit, { bilanId });
    expect(await progressAs(t, "parent", bilanId)).toMatchObject({
      bilanStatus: "submitted",
      regenerating: false,
      state: "queued",
      stage: "queued",
      percent: null,
      message: "En attente de rédaction",
      attempt: 0,
    });

    const claimed = (await claimGeneration(t))!;
    expect(await progressAs(t, "eleve", bilanId)).toMatchObject({
      state: "running",
      stage: "starting",
      message: "Préparation du bilan",
      attempt: 1,
    });
    await asWorker(t).mutation(api.pipeline.beginGeneration, { bilanId });
    await asWorker(t).mutation(api.jobs.heartbeat, {
      jobId: claimed.jobId,
      claimToken: claimed.claimToken,
      leaseMs: 60_000,
      progress: { stage: "generation", percent: 30, message: "Rédaction (4 extraits)" },
    });
    // The family reads the fixed label; the coach and staff the worker's own message.
    expect(await progressAs(t, "eleve", bilanId)).toMatchObject({
      bilanStatus: "generating",
      state: "running",
      stage: "generation",
      percent: 30,
      message: "Rédaction de la synthèse",
    });
    expect(await progressAs(t, "coach", bilanId)).toMatchObject({
      message: "Rédaction (4 extraits)",
      percent: 30,
    });

    await asWorker(t).mutation(api.pipeline.saveSynthesis, { bilanId, synthesis, generation });
    expect(await progressAs(t, "coach", bilanId)).toBeNull();
  });

  it("shows a retry to the family without the error, and the error to the coach", async () => {
    const { t, world } = await freshWorld();
    const bilanId = world.bilans.own;
    await as(t, "eleve").mutation(api.bilans.submit, { bilanId });
    const claimed = (await claimGeneration(t))!;
    await asWorker(t).mutation(api.jobs.fail, {
      jobId: claimed.jobId,
      claimToken: claimed.claimToken,
      error: { message: "Fournisseur indisponible (HTTP 503)" },
      retryable: true,
    });
    for (const caller of ["eleve", "parent"] as const) {
      const seen = await progressAs(t, caller, bilanId);
      expect(seen).toMatchObject({
        state: "retrying",
        message: "Nouvelle tentative de rédaction",
        attempt: 1,
      });
      expect(seen).not.toHaveProperty("lastError");
      expect(JSON.stringify(seen)).not.toContain("503");
    }
    expect(await progressAs(t, "admin", bilanId)).toMatchObject({
      state: "retrying",
      lastError: "Fournisseur indisponible (HTTP 503)",
    });
  });

  it("follows a coach's regeneration of a bilan in review", async () => {
    const { t, world } = await freshWorld();
    const bilanId = world.bilans.own;
    await as(t, "eleve").mutation(api.bilans.submit, { bilanId });
    await asWorker(t).mutation(api.pipeline.beginGeneration, { bilanId });
    await asWorker(t).mutation(api.pipeline.saveSynthesis, { bilanId, synthesis, generation });
    await as(t, "coach").mutation(api.review.requestRegeneration, { bilanId });
    expect(await progressAs(t, "coach", bilanId)).toMatchObject({
      bilanStatus: "generating",
      regenerating: true,
      state: "queued",
    });
  });

  it("hides a foreign bilan", async () => {
    const { t, world } = await freshWorld();
    expect(
      (await errorOf(as(t, "coach").query(api.bilans.progress, { bilanId: world.bilans.foreign })))
        .code,
    ).toBe("NOT_FOUND");
  });
});
