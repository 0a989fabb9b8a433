// Files reach people only through short-lived grants: no query hands a storage id to anyone,
// a family downloads only the final report of its own child, a coach the provisional one of
// her students, and a /files/ URL works for five minutes, then answers a generic 404.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { insertBilan, patchBilan } from "./model/bilanHeads";
import { storeBlob, uploadAs } from "./uploads.fixtures";
import { as, errorOf, freshWorld, identityFor, type T, type World } from "./world.fixtures";

const SITE = "https://nexus-test.convex.site";
const REPORT = "%PDF-1.7 rapport d'Alice";

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubEnv("EMBEDDINGS_PROVIDER", "local");
  vi.stubEnv("CONVEX_SITE_URL", SITE);
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

/** Puts the own bilan at `status` with a report PDF (final or provisional), as the worker would. */
async function withReport(
  t: T,
  world: World,
  status: "review" | "approved" | "sent",
  final: boolean,
): Promise<Id<"_storage">> {
  const storageId = await storeBlob(t, REPORT);
  await t.run(async (ctx) => {
    await patchBilan(ctx, world.bilans.own, {
      status,
      pdf: { storageId, version: 1, size: REPORT.length, final, generatedAt: Date.now() },
    });
  });
  return storageId;
}

/** Every storage id found anywhere in `value` (by key or by value). */
function storageIdsIn(value: unknown, known: Set<string>, found: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) storageIdsIn(item, known, found);
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key === "storageId") found.push(`key:${String(item)}`);
      storageIdsIn(item, known, found);
    }
  } else if (typeof value === "string" && known.has(value)) {
    found.push(value);
  }
  return found;
}

function pathOf(url: string) {
  expect(url.startsWith(`${SITE}/files/`)).toBe(true);
  return new URL(url).pathname;
}

describe("no storage id for people", () => {
  it.each(["parent", "eleve", "coach", "assistante"] as const)(
    "no query returns a storage id to %s",
    async (caller) => {
      const { t, world } = await freshWorld();
      const report = await withReport(t, world, "sent", true);
      const staffUpload = await uploadAs(t, as(t, "assistante"));
      const global = await as(t, "assistante").action(api.documents.create, {
        ...staffUpload,
        title: "Fiche commune",
        scope: "global",
      });
      const coachUpload = await uploadAs(t, as(t, "coach"), "%PDF-1.4 copie d'Alice");
      const own = await as(t, "coach").action(api.documents.create, {
        ...coachUpload,
        title: "Copie",
        scope: "student",
        studentId: world.students.own,
      });
      // A second bilan in review with a provisional report, for the review queue.
      const provisional = await storeBlob(t, "%PDF-1.7 provisoire");
      await t.run(async (ctx) => {
        const bilan = (await ctx.db.get(world.bilans.own))!;
        const { _id, _creationTime, ...fields } = bilan;
        await insertBilan(ctx, {
          ...fields,
          status: "review",
          pdf: { storageId: provisional, version: 1, size: 1, final: false, generatedAt: 1 },
        });
      });
      const known = new Set<string>([
        report,
        staffUpload.storageId,
        coachUpload.storageId,
        provisional,
      ]);
      const client = as(t, caller);
      const page = { numItems: 10, cursor: null };
      const results: unknown[] = [
        await client.query(api.bilans.get, { bilanId: world.bilans.own }),
        await client.query(api.bilans.listForStudent, {
          studentId: world.students.own,
          paginationOpts: page,
        }),
        await client.query(api.documents.get, { documentId: global.documentId }),
        await client.query(api.documents.get, { documentId: own.documentId }),
        await client.query(api.documents.list, {}),
        await client.query(api.documents.list, { studentId: world.students.own }),
        await client.query(api.documents.statuses, {
          documentIds: [global.documentId, own.documentId],
        }),
      ];
      if (caller === "coach" || caller === "assistante") {
        results.push(await client.query(api.review.queue, {}));
        results.push(await client.query(api.review.revisions, { bilanId: world.bilans.own }));
      }
      expect(storageIdsIn(results, known)).toEqual([]);
      // What the family still sees: a report is available, final, of that version and size.
      const bilan = await client.query(api.bilans.get, { bilanId: world.bilans.own });
      expect(bilan.pdf).toEqual({
        version: 1,
        size: REPORT.length,
        final: true,
        generatedAt: expect.any(Number),
      });
    },
  );

  it("shows the family no report while the PDF is provisional, even once approved", async () => {
    const { t, world } = await freshWorld();
    await withReport(t, world, "approved", false);
    for (const caller of ["parent", "eleve"] as const) {
      const bilan = await as(t, caller).query(api.bilans.get, { bilanId: world.bilans.own });
      expect(bilan.pdf).toBeUndefined();
    }
    const coachView = await as(t, "coach").query(api.bilans.get, { bilanId: world.bilans.own });
    expect(coachView.pdf).toMatchObject({ final: false, version: 1 });
  });
});

describe("files.bilanReportUrl", () => {
  it("gives a parent a working URL for the final report of their own child, for five minutes", async () => {
    const { t, world } = await freshWorld();
    await withReport(t, world, "review", false);
    const early = await errorOf(
      as(t, "parent").action(api.files.bilanReportUrl, { bilanId: world.bilans.own }),
    );
    expect(early.code).toBe("NOT_FOUND");

    await withReport(t, world, "sent", true);
    const { url, expiresAt } = await as(t, "parent").action(api.files.bilanReportUrl, {
      bilanId: world.bilans.own,
    });
    expect(expiresAt).toBe(Date.now() + 5 * 60_000);
    const path = pathOf(url);
    const response = await t.fetch(path, { method: "GET" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(REPORT);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toBe(
      'attachment; filename="bilan-alice-mathematiques.pdf"',
    );
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    // Nothing but the hash of the token is stored.
    const token = path.slice("/files/".length);
    const grants = await t.run(async (ctx) => await ctx.db.query("fileGrants").collect());
    expect(grants).toHaveLength(1);
    expect(grants[0]!.tokenHash).not.toContain(token);

    vi.advanceTimersByTime(4 * 60_000);
    expect((await t.fetch(path, { method: "GET" })).status).toBe(200);
    vi.advanceTimersByTime(60_000 + 1);
    const expired = await t.fetch(path, { method: "GET" });
    expect(expired.status).toBe(404);
    expect(await expired.text()).not.toContain("%PDF");
  });

  it("refuses a foreign parent (NOT_FOUND), as for a bilan that does not exist", async () => {
    const { t, world } = await freshWorld();
    await withReport(t, world, "sent", true);
    const error = await errorOf(
      as(t, "parent").action(api.files.bilanReportUrl, { bilanId: world.bilans.foreign }),
    );
    expect(error.code).toBe("NOT_FOUND");
    expect(
      (await errorOf(t.action(api.files.bilanReportUrl, { bilanId: world.bilans.own }))).code,
    ).toBe("UNAUTHENTICATED");
  });

  it.each([
    ["coach", "ok"],
    ["assistante", "ok"],
    ["parent", "NOT_FOUND"],
    ["eleve", "NOT_FOUND"],
    ["foreignCoach", "NOT_FOUND"],
  ] as const)("a provisional report for %s → %s", async (caller, outcome) => {
    const { t, world } = await freshWorld();
    await withReport(t, world, "review", false);
    const client =
      caller === "foreignCoach"
        ? t.withIdentity(identityFor("coach.autre@test.fr"))
        : as(t, caller);
    const call = client.action(api.files.bilanReportUrl, { bilanId: world.bilans.own });
    if (outcome === "ok") {
      const { url } = await call;
      expect((await t.fetch(pathOf(url), { method: "GET" })).status).toBe(200);
    } else {
      expect((await errorOf(call)).code).toBe(outcome);
    }
  });
});

describe("files.documentUrl and the /files/ route", () => {
  it("follows the document read rules and streams the file as an attachment", async () => {
    const { t, world } = await freshWorld();
    const upload = await uploadAs(t, as(t, "coach"), "%PDF-1.4 copie d'Alice");
    const { documentId } = await as(t, "coach").action(api.documents.create, {
      ...upload,
      title: "Copie n°2 : « dérivées »",
      scope: "student",
      studentId: world.students.own,
    });
    for (const caller of ["parent", "eleve", "coach", "admin"] as const) {
      const { url } = await as(t, caller).action(api.files.documentUrl, { documentId });
      const response = await t.fetch(pathOf(url), { method: "GET" });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-disposition")).toBe(
        'attachment; filename="Copie-n-2-derivees.pdf"',
      );
    }
    const foreign = await errorOf(
      t
        .withIdentity(identityFor("parent.autre@test.fr"))
        .action(api.files.documentUrl, { documentId }),
    );
    expect(foreign.code).toBe("NOT_FOUND");
  });

  it("answers a generic 404 to unknown and malformed tokens, and to a deleted file", async () => {
    const { t, world } = await freshWorld();
    for (const path of [
      "/files/",
      "/files/abc",
      `/files/${"0".repeat(32)}`,
      `/files/${"a".repeat(33)}`,
    ]) {
      const response = await t.fetch(path, { method: "GET" });
      expect(response.status).toBe(404);
      expect(await response.text()).toBe("Fichier introuvable ou lien expiré.");
    }
    const upload = await uploadAs(t, as(t, "coach"));
    const { documentId } = await as(t, "coach").action(api.documents.create, {
      ...upload,
      title: "Copie",
      scope: "student",
      studentId: world.students.own,
    });
    const { url } = await as(t, "parent").action(api.files.documentUrl, { documentId });
    await as(t, "coach").mutation(api.documents.remove, { documentId });
    expect((await t.fetch(pathOf(url), { method: "GET" })).status).toBe(404);
  });

  it("purges expired grants in batches", async () => {
    const { t, world } = await freshWorld();
    await withReport(t, world, "sent", true);
    for (let i = 0; i < 3; i++) {
      await as(t, "parent").action(api.files.bilanReportUrl, { bilanId: world.bilans.own });
    }
    vi.advanceTimersByTime(2 * 60_000);
    await as(t, "eleve").action(api.files.bilanReportUrl, { bilanId: world.bilans.own });
    vi.advanceTimersByTime(3 * 60_000 + 1);
    await t.mutation(internal.files.purgeGrants, {});
    const left = await t.run(async (ctx) => await ctx.db.query("fileGrants").collect());
    expect(left).toHaveLength(1);
  });
});
