// Per-person limits on costly work (model/rateLimits.ts): bilan submits per student,
// knowledge searches per person (refused before the embedding call), regenerations per bilan,
// generations per person (fairness), staff limits, and that a refusal writes nothing and
// leaves other families alone.
import { getQuestionnaire } from "@nexus/shared/questionnaires";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import type { AppErrorData } from "./lib/errors";
import { insertBilan, patchBilan } from "./model/bilanHeads";
import { RATE_LIMITS, refusalMessage } from "./model/rateLimits";
import {
  as,
  asStaffMember,
  countRows,
  errorOf,
  freshWorld,
  identityFor,
  outcomeOf,
  type T,
  type World,
} from "./world.fixtures";

// Counts embedding calls of the search action, whatever the provider.
const embeddings = vi.hoisted(() => ({ calls: 0 }));
vi.mock("@nexus/knowledge/embed", async (importOriginal) => {
  const original = await importOriginal<typeof import("@nexus/knowledge/embed")>();
  return {
    ...original,
    createEmbedderFromEnv: (env: Record<string, string | undefined>) => {
      const embedder = original.createEmbedderFromEnv(env);
      const embed = embedder.embed.bind(embedder);
      embedder.embed = async (texts, signal) => {
        embeddings.calls += 1;
        return await embed(texts, signal);
      };
      return embedder;
    },
  };
});

const NBSP = "\u00A0";
const s = (text: string) => text.replaceAll(" ", NBSP);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Friday 20 November 2026, 10:00 in Paris (UTC+1). */
const T0 = Date.parse("2026-11-20T10:00:00+01:00");

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
  vi.stubEnv("EMBEDDINGS_PROVIDER", "local");
  embeddings.calls = 0;
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

/** The error payload of a refused call, `retryAfterMs` included. */
async function refusalOf(promise: Promise<unknown>): Promise<AppErrorData> {
  return (await errorOf(promise)) as AppErrorData;
}

/** Signed in as another person of the world, by their stored email. */
async function asUser(t: T, userId: Id<"users">) {
  const user = await t.run(async (ctx) => await ctx.db.get(userId));
  return t.withIdentity(identityFor(user!.email!));
}

/** A new draft of `studentId` with one answer, ready to submit (as its own élève). */
async function answeredDraft(client: ReturnType<T["withIdentity"]>, studentId: Id<"students">) {
  const bilanId = await client.mutation(api.bilans.createDraft, { studentId, subject: "maths" });
  const question = getQuestionnaire("maths-premiere").questions[0]!;
  await client.mutation(api.bilans.saveAnswers, {
    bilanId,
    answers: { qcm: { [question.id]: question.correct }, survey: {} },
  });
  return bilanId;
}

/** A bilan of the own student waiting for review (as the worker would leave it). */
async function bilanInReview(t: T, world: World) {
  return await t.run(async (ctx) => {
    const source = (await ctx.db.get(world.bilans.own))!;
    const { _id, _creationTime, ...fields } = source;
    return await insertBilan(ctx, { ...fields, status: "review" });
  });
}

async function setStatus(t: T, bilanId: Id<"bilans">, status: "review") {
  await t.run(async (ctx) => await patchBilan(ctx, bilanId, { status }));
}

async function status(t: T, bilanId: Id<"bilans">) {
  return (await t.run(async (ctx) => await ctx.db.get(bilanId)))!.status;
}

describe("the limits", () => {
  it("are token buckets whose burst is at most one period's worth", () => {
    for (const limit of Object.values(RATE_LIMITS)) {
      expect(limit.kind).toBe("token bucket");
      expect(limit.capacity).toBeGreaterThan(0);
      expect(limit.capacity).toBeLessThanOrEqual(limit.rate);
    }
  });

  it.each([
    ["searchesPerUser", T0 + 6_000, `Trop de recherches : réessayez dans ${s("6 secondes")}.`],
    [
      "bilanSubmitsPerStudent",
      T0 + 8 * HOUR,
      `Trop de bilans soumis pour cet élève : réessayez aujourd'hui à partir de ${s("18 h")}.`,
    ],
    [
      "regenerationsPerBilan",
      T0 + 22 * HOUR + 15 * MINUTE,
      `Ce bilan a déjà été régénéré plusieurs fois : réessayez demain à partir de ${s("8 h 15")}.`,
    ],
  ] as const)("%s speaks French and says when to retry", (name, retryAt, expected) => {
    expect(refusalMessage(name, T0, retryAt)).toBe(expected);
  });
});

describe("bilan submits per student", () => {
  it("refuses the 4th submit of the day, writing nothing, and accepts it the next day", async () => {
    const { t, world } = await freshWorld();
    const eleve = as(t, "eleve");
    for (let i = 0; i < 3; i++) {
      const bilanId = await answeredDraft(eleve, world.students.own);
      await eleve.mutation(api.bilans.submit, { bilanId });
    }
    const fourth = await answeredDraft(eleve, world.students.own);
    const before = await countRows(t);

    const error = await refusalOf(eleve.mutation(api.bilans.submit, { bilanId: fourth }));
    expect(error).toEqual({
      code: "RATE_LIMITED",
      message: `Trop de bilans soumis pour cet élève : réessayez aujourd'hui à partir de ${s("18 h")}.`,
      retryAfterMs: 8 * HOUR + 1,
    });
    expect(await countRows(t)).toEqual(before);
    expect(await status(t, fourth)).toBe("draft");

    vi.setSystemTime(T0 + DAY);
    const { jobId } = await eleve.mutation(api.bilans.submit, { bilanId: fourth });
    expect(await status(t, fourth)).toBe("submitted");
    const job = await t.run(async (ctx) => await ctx.db.get(jobId));
    expect(job?.kind).toBe("bilan.generate");
  });

  it("counts per student: another family still submits", async () => {
    const { t, world } = await freshWorld();
    const eleve = as(t, "eleve");
    for (let i = 0; i < 3; i++) {
      await eleve.mutation(api.bilans.submit, {
        bilanId: await answeredDraft(eleve, world.students.own),
      });
    }
    const blocked = await answeredDraft(eleve, world.students.own);
    expect(await outcomeOf(eleve.mutation(api.bilans.submit, { bilanId: blocked }))).toBe(
      "RATE_LIMITED",
    );
    const other = await asUser(t, world.users.foreignEleve);
    expect(
      await outcomeOf(other.mutation(api.bilans.submit, { bilanId: world.bilans.foreign })),
    ).toBe("ok");
  });

  it("lets staff submit for a student past the student's limit (their own share applies)", async () => {
    const { t, world } = await freshWorld();
    const eleve = as(t, "eleve");
    for (let i = 0; i < 3; i++) {
      await eleve.mutation(api.bilans.submit, {
        bilanId: await answeredDraft(eleve, world.students.own),
      });
    }
    const bilanId = await answeredDraft(eleve, world.students.own);
    expect(await outcomeOf(as(t, "assistante").mutation(api.bilans.submit, { bilanId }))).toBe(
      "ok",
    );
  });

  it("does not take a token when the submit is refused for another reason", async () => {
    const { t, world } = await freshWorld();
    const eleve = as(t, "eleve");
    const bilanId = await answeredDraft(eleve, world.students.own);
    await eleve.mutation(api.bilans.submit, { bilanId });
    for (let i = 0; i < 3; i++) {
      expect(await outcomeOf(eleve.mutation(api.bilans.submit, { bilanId }))).toBe("INVALID_STATE");
    }
    for (let i = 0; i < 2; i++) {
      expect(
        await outcomeOf(
          eleve.mutation(api.bilans.submit, {
            bilanId: await answeredDraft(eleve, world.students.own),
          }),
        ),
      ).toBe("ok");
    }
  });
});

describe("knowledge searches per person", () => {
  it("refuses a parent's 11th search in a minute before any embedding call", async () => {
    const { t } = await freshWorld();
    const parent = as(t, "parent");
    for (let i = 0; i < 10; i++) {
      await parent.action(api.knowledge.search, { query: `dérivée ${i}` });
    }
    expect(embeddings.calls).toBe(10);

    const error = await refusalOf(parent.action(api.knowledge.search, { query: "dérivée" }));
    expect(error).toEqual({
      code: "RATE_LIMITED",
      message: `Trop de recherches : réessayez dans ${s("6 secondes")}.`,
      retryAfterMs: 6_001,
    });
    expect(embeddings.calls).toBe(10);

    vi.setSystemTime(T0 + error.retryAfterMs!);
    await parent.action(api.knowledge.search, { query: "dérivée" });
    expect(embeddings.calls).toBe(11);
  });

  it("counts per person: another family still searches", async () => {
    const { t, world } = await freshWorld();
    const parent = as(t, "parent");
    for (let i = 0; i < 10; i++) await parent.action(api.knowledge.search, { query: "suites" });
    expect(await outcomeOf(parent.action(api.knowledge.search, { query: "suites" }))).toBe(
      "RATE_LIMITED",
    );
    const other = await asUser(t, world.users.foreignParent);
    expect(await outcomeOf(other.action(api.knowledge.search, { query: "suites" }))).toBe("ok");
  });

  it("takes no token when the caller may not search that student", async () => {
    const { t, world } = await freshWorld();
    const parent = as(t, "parent");
    for (let i = 0; i < 12; i++) {
      expect(
        await outcomeOf(
          parent.action(api.knowledge.search, { query: "x", studentId: world.students.foreign }),
        ),
      ).toBe("NOT_FOUND");
    }
    expect(await outcomeOf(parent.action(api.knowledge.search, { query: "x" }))).toBe("ok");
  });
});

describe("regenerations", () => {
  it("allows 3 regenerations of a bilan a day, then refuses without writing", async () => {
    const { t, world } = await freshWorld();
    const coach = as(t, "coach");
    const bilanId = await bilanInReview(t, world);
    for (let i = 0; i < 3; i++) {
      await coach.mutation(api.review.requestRegeneration, { bilanId });
      await setStatus(t, bilanId, "review");
    }
    const before = await countRows(t);
    const error = await refusalOf(coach.mutation(api.review.requestRegeneration, { bilanId }));
    expect(error).toEqual({
      code: "RATE_LIMITED",
      message: `Ce bilan a déjà été régénéré plusieurs fois : réessayez aujourd'hui à partir de ${s("18 h")}.`,
      retryAfterMs: 8 * HOUR + 1,
    });
    expect(await countRows(t)).toEqual(before);
    expect(await status(t, bilanId)).toBe("review");

    // Per bilan: the coach regenerates another one; staff are exempt from the per-bilan limit.
    const other = await bilanInReview(t, world);
    expect(
      await outcomeOf(coach.mutation(api.review.requestRegeneration, { bilanId: other })),
    ).toBe("ok");
    expect(
      await outcomeOf(as(t, "admin").mutation(api.review.requestRegeneration, { bilanId })),
    ).toBe("ok");

    vi.setSystemTime(T0 + error.retryAfterMs!);
    await setStatus(t, bilanId, "review");
    expect(await outcomeOf(coach.mutation(api.review.requestRegeneration, { bilanId }))).toBe("ok");
  });

  it("caps the generations one coach starts in an hour, across bilans (fairness)", async () => {
    const { t, world } = await freshWorld();
    const coach = as(t, "coach");
    const limit = RATE_LIMITS.generationsPerUser.capacity;
    for (let i = 0; i < limit; i++) {
      const bilanId = await bilanInReview(t, world);
      await coach.mutation(api.review.requestRegeneration, { bilanId });
    }
    const bilanId = await bilanInReview(t, world);
    const error = await refusalOf(coach.mutation(api.review.requestRegeneration, { bilanId }));
    expect(error.code).toBe("RATE_LIMITED");
    expect(error.message).toBe(
      `Trop de générations de bilans demandées depuis votre compte : réessayez dans ${s("6 minutes")}.`,
    );
    expect(await status(t, bilanId)).toBe("review");
    // Another reviewer (staff, their own bucket) is not held up.
    expect(
      await outcomeOf(as(t, "assistante").mutation(api.review.requestRegeneration, { bilanId })),
    ).toBe("ok");
  });
});

describe("staff", () => {
  it("have a generous per-person limit on enqueued generations and reprocessing", async () => {
    const { t, world } = await freshWorld();
    const admin = await asStaffMember(t);
    const limit = RATE_LIMITS.generationsPerStaff.capacity;
    for (let i = 0; i < limit; i++) {
      await admin.mutation(api.jobs.enqueue, {
        kind: "bilan.generate",
        payload: { bilanId: world.bilans.own },
      });
    }
    const before = await countRows(t);
    expect(
      await outcomeOf(
        admin.mutation(api.jobs.enqueue, {
          kind: "bilan.generate",
          payload: { bilanId: world.bilans.own },
        }),
      ),
    ).toBe("RATE_LIMITED");
    expect(
      await outcomeOf(
        admin.mutation(api.jobs.reprocess, { target: "bilan", id: world.bilans.own }),
      ),
    ).toBe("RATE_LIMITED");
    expect(await countRows(t)).toEqual(before);
    // Work that costs nothing is not limited.
    expect(
      await outcomeOf(
        admin.mutation(api.jobs.enqueue, { kind: "system.echo", payload: { sleepMs: 0 } }),
      ),
    ).toBe("ok");
  });
});

describe("document indexing", () => {
  it("limits the uploads a coach starts in an hour", async () => {
    const { t } = await freshWorld();
    const coach = as(t, "coach");
    for (let i = 0; i < RATE_LIMITS.indexingsPerUser.capacity; i++) {
      await coach.mutation(api.documents.generateUploadUrl, {});
    }
    expect(await outcomeOf(coach.mutation(api.documents.generateUploadUrl, {}))).toBe(
      "RATE_LIMITED",
    );
    expect(await outcomeOf(as(t, "assistante").mutation(api.documents.generateUploadUrl, {}))).toBe(
      "ok",
    );
  });
});
