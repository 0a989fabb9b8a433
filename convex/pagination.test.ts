// One rule for every page size a client asks for (convex/lib/pagination.ts): an integer
// of at least 1, capped per function; NaN, negative or fractional sizes are a French
// INVALID_ARGUMENT, never the database's raw error.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import { MAX_PAGE_SIZE, pageSize } from "./lib/pagination";
import { enqueueJob } from "./model/jobs";
import { as, errorOf, freshWorld } from "./world.fixtures";

const BAD_SIZES = [Number.NaN, -1, 0, 1.5, Number.POSITIVE_INFINITY];
const message = (value: number) =>
  `Le nombre de résultats demandé doit être un entier supérieur ou égal à 1 (reçu : ${value}).`;

describe("pageSize", () => {
  it.each([
    [undefined, { fallback: 20 }, 20],
    [undefined, { fallback: 500 }, 100],
    [1, { fallback: 20 }, 1],
    [100, { fallback: 20 }, 100],
    [101, { fallback: 20 }, 100],
    [1_000_000, { fallback: 5, max: 20 }, 20],
  ] as const)("%s with %j → %s", (requested, options, expected) => {
    expect(pageSize(requested, options)).toBe(expected);
  });

  it.each(BAD_SIZES)("refuses %s in French", (value) => {
    let data: unknown;
    try {
      pageSize(value, { fallback: 20 });
    } catch (error) {
      data = (error as { data?: unknown }).data;
    }
    expect(data).toEqual({ code: "INVALID_ARGUMENT", message: message(value) });
  });
});

describe("public functions taking a page size", () => {
  beforeEach(() => vi.stubEnv("EMBEDDINGS_PROVIDER", "local"));
  afterEach(() => vi.unstubAllEnvs());

  it("jobs.list caps a page at 100 jobs", async () => {
    const { t } = await freshWorld();
    await t.run(async (ctx) => {
      for (let i = 0; i < MAX_PAGE_SIZE + 5; i++) {
        await enqueueJob(ctx, "system.echo", { sleepMs: 0 });
      }
    });
    const page = await as(t, "admin").query(api.jobs.list, {
      paginationOpts: { numItems: 1_000_000, cursor: null },
    });
    expect(page.page).toHaveLength(MAX_PAGE_SIZE);
    expect(page.isDone).toBe(false);
  });

  it.each(BAD_SIZES)("jobs.list refuses numItems %s in French", async (numItems) => {
    const { t } = await freshWorld();
    const error = await errorOf(
      as(t, "admin").query(api.jobs.list, { paginationOpts: { numItems, cursor: null } }),
    );
    expect(error).toEqual({ code: "INVALID_ARGUMENT", message: message(numItems) });
  });

  it.each([
    [
      "users.list",
      (c: ReturnType<typeof as>, n: number) =>
        c.query(api.users.list, { paginationOpts: { numItems: n, cursor: null } }),
    ],
    [
      "students.listMine",
      (c: ReturnType<typeof as>, n: number) =>
        c.query(api.students.listMine, { paginationOpts: { numItems: n, cursor: null } }),
    ],
    [
      "alerts.list",
      (c: ReturnType<typeof as>, n: number) => c.query(api.alerts.list, { limit: n }),
    ],
    [
      "documents.list",
      (c: ReturnType<typeof as>, n: number) => c.query(api.documents.list, { limit: n }),
    ],
    [
      "knowledge.search",
      (c: ReturnType<typeof as>, n: number) =>
        c.action(api.knowledge.search, { query: "dérivée", limit: n }),
    ],
  ] as const)("%s refuses a NaN size in French", async (_name, call) => {
    const { t } = await freshWorld();
    const error = await errorOf(call(as(t, "admin"), Number.NaN));
    expect(error).toEqual({ code: "INVALID_ARGUMENT", message: message(Number.NaN) });
  });

  it("bilans.listForStudent refuses a negative size in French", async () => {
    const { t, world } = await freshWorld();
    const error = await errorOf(
      as(t, "admin").query(api.bilans.listForStudent, {
        studentId: world.students.own,
        paginationOpts: { numItems: -3, cursor: null },
      }),
    );
    expect(error).toEqual({ code: "INVALID_ARGUMENT", message: message(-3) });
  });
});
