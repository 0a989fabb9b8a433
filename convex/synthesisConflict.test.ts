// review.editSynthesis never silently overwrites: each edit names the version it was based
// on (bilans.get / review.queue expose `synthesisVersion`), and a stale one is refused with
// CONFLICT, in French, saying who changed the synthesis and when.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
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
  type World,
} from "./world.fixtures";

const NBSP = "\u00A0";
/** 14:32 in Paris (winter, UTC+1). */
const T0 = Date.parse("2026-01-15T14:32:10+01:00");

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

async function generated(t: T, world: World): Promise<Id<"bilans">> {
  const bilanId = world.bilans.own;
  await as(t, "eleve").mutation(api.bilans.submit, { bilanId });
  await asWorker(t).mutation(api.pipeline.beginGeneration, { bilanId });
  await asWorker(t).mutation(api.pipeline.saveSynthesis, { bilanId, synthesis, generation });
  await t.run(async (ctx) => {
    await ctx.db.patch(world.users.coach, { name: "Nathalie Benali" });
  });
  return bilanId;
}

const edit = (
  t: T,
  caller: "coach" | "admin",
  bilanId: Id<"bilans">,
  summary: string,
  baseVersion: number,
) =>
  as(t, caller).mutation(api.review.editSynthesis, {
    bilanId,
    synthesis: { ...synthesis, summary },
    baseVersion,
  });

describe("synthesis versions", () => {
  it("exposes the version in bilans.get and review.queue; a generation makes version 1", async () => {
    const { t, world } = await freshWorld();
    expect(
      (await as(t, "eleve").query(api.bilans.get, { bilanId: world.bilans.own })).synthesisVersion,
    ).toBe(0);
    const bilanId = await generated(t, world);
    expect((await as(t, "coach").query(api.bilans.get, { bilanId })).synthesisVersion).toBe(1);
    const queue = await as(t, "coach").query(api.review.queue, {});
    expect(queue.map((b) => [b._id, b.synthesisVersion])).toEqual([[bilanId, 1]]);
    const [revision] = await as(t, "coach").query(api.review.revisions, { bilanId });
    expect(revision).toMatchObject({ source: "generated", version: 1 });
  });

  it("an edit on the current version lands and returns the next one", async () => {
    const { t, world } = await freshWorld();
    const bilanId = await generated(t, world);
    expect(await edit(t, "coach", bilanId, "Relue une fois.", 1)).toEqual({ synthesisVersion: 2 });
    expect(await edit(t, "coach", bilanId, "Relue deux fois.", 2)).toEqual({ synthesisVersion: 3 });
    const bilan = await as(t, "admin").query(api.bilans.get, { bilanId });
    expect(bilan).toMatchObject({
      synthesisVersion: 3,
      synthesis: { summary: "Relue deux fois." },
    });
    const revisions = await as(t, "admin").query(api.review.revisions, { bilanId });
    expect(revisions.map((r) => [r.source, r.version])).toEqual([
      ["edited", 3],
      ["edited", 2],
      ["generated", 1],
    ]);
  });

  it("refuses an edit based on an outdated version, naming who changed it and when", async () => {
    const { t, world } = await freshWorld();
    const bilanId = await generated(t, world);
    // The coach and the admin both loaded version 1; the coach saves first.
    await edit(t, "coach", bilanId, "Version de Nathalie.", 1);
    vi.setSystemTime(T0 + 60_000);
    const error = (await errorOf(edit(t, "admin", bilanId, "Version de l'admin.", 1))) as {
      code: string;
      message: string;
      currentVersion?: number;
    };
    expect(error).toEqual({
      code: "CONFLICT",
      message: `Nathalie Benali a modifié cette synthèse à 14${NBSP}h${NBSP}32 : rechargez-la pour voir cette version, puis reportez-y vos modifications.`,
      currentVersion: 2,
    });
    // Nothing written: the coach's version stands, no revision added.
    const bilan = await as(t, "admin").query(api.bilans.get, { bilanId });
    expect(bilan).toMatchObject({
      synthesisVersion: 2,
      synthesis: { summary: "Version de Nathalie." },
    });
    expect(await as(t, "admin").query(api.review.revisions, { bilanId })).toHaveLength(2);
  });

  it("says so when the newer version was generated, or was the caller's own from another window", async () => {
    const { t, world } = await freshWorld();
    const bilanId = await generated(t, world);
    expect((await errorOf(edit(t, "coach", bilanId, "Basée sur rien.", 0))).message).toBe(
      `Une nouvelle version de cette synthèse a été générée à 14${NBSP}h${NBSP}32 : rechargez-la pour voir cette version, puis reportez-y vos modifications.`,
    );
    await edit(t, "coach", bilanId, "Premier onglet.", 1);
    expect((await errorOf(edit(t, "coach", bilanId, "Second onglet.", 1))).message).toMatch(
      /^Vous avez modifié cette synthèse à 14\u00A0h\u00A032 dans une autre fenêtre : rechargez-la/,
    );
  });

  it("a regeneration that lands after an edit makes the edit's base stale", async () => {
    const { t, world } = await freshWorld();
    const bilanId = await generated(t, world);
    await edit(t, "coach", bilanId, "Relue.", 1);
    await as(t, "coach").mutation(api.review.requestRegeneration, { bilanId });
    await asWorker(t).mutation(api.pipeline.saveSynthesis, { bilanId, synthesis, generation });
    expect((await as(t, "coach").query(api.bilans.get, { bilanId })).synthesisVersion).toBe(3);
    expect((await errorOf(edit(t, "coach", bilanId, "Relue encore.", 2))).code).toBe("CONFLICT");
    expect(await edit(t, "coach", bilanId, "Relue encore.", 3)).toEqual({ synthesisVersion: 4 });
  });
});

describe("approval names the version it approves", () => {
  const approve = (
    t: T,
    caller: "coach" | "admin",
    bilanId: Id<"bilans">,
    expectedVersion: number,
  ) => as(t, caller).mutation(api.review.approve, { bilanId, expectedVersion });

  it("refuses a version another reviewer replaced since, naming them, and writes nothing", async () => {
    const { t, world } = await freshWorld();
    const bilanId = await generated(t, world);
    // The admin read version 1; the coach's edit lands before the admin approves.
    await edit(t, "coach", bilanId, "Version de Nathalie.", 1);
    vi.setSystemTime(T0 + 60_000);
    expect(await errorOf(approve(t, "admin", bilanId, 1))).toEqual({
      code: "CONFLICT",
      message: `Nathalie Benali a modifié cette synthèse à 14${NBSP}h${NBSP}32 : relisez la dernière version avant de l'approuver.`,
      currentVersion: 2,
    });
    const bilan = await as(t, "admin").query(api.bilans.get, { bilanId });
    expect(bilan).toMatchObject({ status: "review", synthesisVersion: 2 });
    expect(bilan.review).toBeUndefined();
    // No final report queued (the provisional one comes from the generation).
    const finalPdfJobs = await t.run(async (ctx) =>
      (await ctx.db.query("jobs").collect()).filter(
        (j) => j.kind === "bilan.pdf" && (j.payload as { final?: boolean }).final === true,
      ),
    );
    expect(finalPdfJobs).toEqual([]);
  });

  it("says so when the newer version was generated, and approves the current version", async () => {
    const { t, world } = await freshWorld();
    const bilanId = await generated(t, world);
    expect((await errorOf(approve(t, "coach", bilanId, 0))).message).toBe(
      `Une nouvelle version de cette synthèse a été générée à 14${NBSP}h${NBSP}32 : relisez la dernière version avant de l'approuver.`,
    );
    await edit(t, "coach", bilanId, "Relue.", 1);
    await approve(t, "coach", bilanId, 2);
    const bilan = await as(t, "coach").query(api.bilans.get, { bilanId });
    expect(bilan).toMatchObject({ status: "approved", synthesisVersion: 2 });
  });
});

describe("revision history", () => {
  it("names each revision's author and role; a generated one has none", async () => {
    const { t, world } = await freshWorld();
    const bilanId = await generated(t, world);
    await edit(t, "coach", bilanId, "Relue par Nathalie.", 1);
    const revisions = await as(t, "admin").query(api.review.revisions, { bilanId });
    expect(revisions.map((r) => [r.source, r.author])).toEqual([
      ["edited", { name: "Nathalie Benali", role: "coach" }],
      ["generated", undefined],
    ]);
  });
});
