// Uploads are bound to their uploader: a slot per upload URL, claimed once, by its owner,
// within the hour, with a file posted after it and referenced by nothing. Refusals delete
// only the caller's own file; documents.remove and recordPdf never touch a foreign file;
// the storage sweep deletes orphans older than an hour and nothing else.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { patchBilan } from "./model/bilanHeads";
import { blobExists, PDF_BYTES, storeBlob, uploadAs } from "./uploads.fixtures";
import { as, asWorker, errorOf, freshWorld, type T, type World } from "./world.fixtures";

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubEnv("EMBEDDINGS_PROVIDER", "local");
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

const MINUTE = 60_000;

async function documentCount(t: T) {
  return await t.run(async (ctx) => (await ctx.db.query("documents").collect()).length);
}

/** Gives the foreign family's bilan a final report PDF, as the worker would. */
async function foreignReport(t: T, world: World): Promise<Id<"_storage">> {
  const storageId = await storeBlob(t, "%PDF-1.7 rapport de Bruno");
  await t.run(async (ctx) => {
    await patchBilan(ctx, world.bilans.foreign, {
      status: "sent",
      pdf: { storageId, version: 1, size: 25, final: true, generatedAt: Date.now() },
    });
  });
  return storageId;
}

function createOwnStudentDocument(
  t: T,
  world: World,
  ids: { uploadId: Id<"uploads">; storageId: Id<"_storage"> },
) {
  return as(t, "coach").action(api.documents.create, {
    ...ids,
    title: "Copie",
    scope: "student",
    studentId: world.students.own,
  });
}

describe("documents.create binds the file to its uploader", () => {
  it("refuses a family's report PDF filed by a coach as her student's document, and keeps it", async () => {
    const { t, world } = await freshWorld();
    // The slot is issued first, so only the reference check stands in the way.
    const { uploadId } = await as(t, "coach").mutation(api.documents.generateUploadUrl, {});
    const report = await foreignReport(t, world);
    const error = await errorOf(
      createOwnStudentDocument(t, world, { uploadId, storageId: report }),
    );
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(await blobExists(t, report)).toBe(true);
    expect(await documentCount(t)).toBe(0);
    const bilan = await t.run(async (ctx) => await ctx.db.get(world.bilans.foreign));
    expect(bilan?.pdf?.storageId).toBe(report);
  });

  it("refuses a global document's file filed as a student's document, and keeps it", async () => {
    const { t, world } = await freshWorld();
    const { uploadId } = await as(t, "coach").mutation(api.documents.generateUploadUrl, {});
    const staffUpload = await uploadAs(t, as(t, "assistante"));
    const global = await as(t, "assistante").action(api.documents.create, {
      ...staffUpload,
      title: "Fiche commune",
      scope: "global",
    });
    const error = await errorOf(
      createOwnStudentDocument(t, world, { uploadId, storageId: staffUpload.storageId }),
    );
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(await blobExists(t, staffUpload.storageId)).toBe(true);
    expect(await documentCount(t)).toBe(1);
    // The slot was not burnt by someone else's file: the coach's own upload still goes through.
    const own = await storeBlob(t, "%PDF-1.4 copie d'Alice");
    const created = await createOwnStudentDocument(t, world, { uploadId, storageId: own });
    expect(created.documentId).not.toBe(global.documentId);
  });

  it("refuses a second use of a slot and deletes the second file only", async () => {
    const { t, world } = await freshWorld();
    const first = await uploadAs(t, as(t, "coach"));
    await createOwnStudentDocument(t, world, first);
    const second = await storeBlob(t, "%PDF-1.4 une autre copie");
    const error = await errorOf(
      createOwnStudentDocument(t, world, { uploadId: first.uploadId, storageId: second }),
    );
    expect(error).toMatchObject({ code: "INVALID_STATE" });
    expect(error.message).toMatch(/déjà servi/);
    expect(await blobExists(t, second)).toBe(false);
    expect(await blobExists(t, first.storageId)).toBe(true);
    expect(await documentCount(t)).toBe(1);
    // Retrying the very same claim is refused too, without deleting the claimed file.
    expect((await errorOf(createOwnStudentDocument(t, world, first))).code).toBe(
      "INVALID_ARGUMENT",
    );
    expect(await blobExists(t, first.storageId)).toBe(true);
  });

  it("refuses an expired slot and deletes its file", async () => {
    const { t, world } = await freshWorld();
    const { uploadId } = await as(t, "coach").mutation(api.documents.generateUploadUrl, {});
    vi.advanceTimersByTime(61 * MINUTE);
    const storageId = await storeBlob(t, PDF_BYTES);
    const error = await errorOf(createOwnStudentDocument(t, world, { uploadId, storageId }));
    expect(error).toMatchObject({ code: "INVALID_STATE" });
    expect(error.message).toMatch(/expiré/);
    expect(await blobExists(t, storageId)).toBe(false);
    expect(await documentCount(t)).toBe(0);
  });

  it("refuses a file created before the slot, without deleting it", async () => {
    const { t, world } = await freshWorld();
    const earlier = await storeBlob(t, PDF_BYTES);
    vi.advanceTimersByTime(1000);
    const { uploadId } = await as(t, "coach").mutation(api.documents.generateUploadUrl, {});
    const error = await errorOf(
      createOwnStudentDocument(t, world, { uploadId, storageId: earlier }),
    );
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(await blobExists(t, earlier)).toBe(true);
    expect(await documentCount(t)).toBe(0);
  });

  it("refuses someone else's slot (NOT_FOUND) and leaves the file alone", async () => {
    const { t, world } = await freshWorld();
    const staffUpload = await uploadAs(t, as(t, "assistante"));
    const error = await errorOf(createOwnStudentDocument(t, world, staffUpload));
    expect(error.code).toBe("NOT_FOUND");
    expect(await blobExists(t, staffUpload.storageId)).toBe(true);
    // The owner still can use it.
    const created = await as(t, "assistante").action(api.documents.create, {
      ...staffUpload,
      title: "Fiche",
      scope: "global",
    });
    expect(created.duplicate).toBe(false);
  });

  it("refuses an oversize file from its metadata, before reading it, and deletes it", async () => {
    const { t, world } = await freshWorld();
    const upload = await uploadAs(t, as(t, "coach"));
    // The metadata says 50 Mo; the bytes are tiny: only a metadata check can refuse it.
    await t.run(async (ctx) => {
      await (ctx.db as any).patch(upload.storageId, { size: 50 * 1024 * 1024 });
    });
    const read = vi.spyOn(Blob.prototype, "arrayBuffer");
    const error = await errorOf(createOwnStudentDocument(t, world, upload));
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toMatch(/trop volumineux \(50 Mo\)/);
    expect(read).not.toHaveBeenCalled();
    read.mockRestore();
    expect(await blobExists(t, upload.storageId)).toBe(false);
    expect(await documentCount(t)).toBe(0);
  });

  it("refuses a declared type that is not accepted, and deletes the file", async () => {
    const { t, world } = await freshWorld();
    const upload = await uploadAs(t, as(t, "coach"));
    await t.run(async (ctx) => {
      await (ctx.db as any).patch(upload.storageId, { contentType: "text/html" });
    });
    const error = await errorOf(createOwnStudentDocument(t, world, upload));
    expect(error.message).toMatch(/PDF, PNG, JPEG ou WebP/);
    expect(await blobExists(t, upload.storageId)).toBe(false);
    // The refused slot cannot be used again.
    const again = await storeBlob(t, PDF_BYTES);
    expect(
      (
        await errorOf(
          createOwnStudentDocument(t, world, { uploadId: upload.uploadId, storageId: again }),
        )
      ).code,
    ).toBe("INVALID_STATE");
  });

  it("refuses bytes that are not an accepted type and deletes the caller's file", async () => {
    const { t, world } = await freshWorld();
    const upload = await uploadAs(t, as(t, "coach"), "Ceci n'est pas un PDF");
    const error = await errorOf(createOwnStudentDocument(t, world, upload));
    expect(error.message).toMatch(/PDF, PNG, JPEG ou WebP/);
    expect(await blobExists(t, upload.storageId)).toBe(false);
  });
});

describe("files that belong to someone else", () => {
  it("documents.remove never deletes a file the document does not own alone", async () => {
    const { t, world } = await freshWorld();
    const report = await foreignReport(t, world);
    // A row written before uploads were bound, pointing at the family's report.
    const legacy = await t.run(
      async (ctx) =>
        await ctx.db.insert("documents", {
          scope: "student",
          studentId: world.students.foreign,
          title: "Ancien classement",
          mime: "application/pdf",
          size: 25,
          sha256: "legacy",
          storageId: report,
          status: "indexed",
          createdAt: 1,
          updatedAt: 1,
        }),
    );
    await as(t, "assistante").mutation(api.documents.remove, { documentId: legacy });
    expect(await blobExists(t, report)).toBe(true);

    // A document's own file goes with it.
    const upload = await uploadAs(t, as(t, "coach"));
    const { documentId } = await createOwnStudentDocument(t, world, upload);
    await as(t, "coach").mutation(api.documents.remove, { documentId });
    expect(await blobExists(t, upload.storageId)).toBe(false);
  });

  it("recordPdf refuses a file that already belongs to something, and keeps it", async () => {
    const { t, world } = await freshWorld();
    const upload = await uploadAs(t, as(t, "coach"));
    await createOwnStudentDocument(t, world, upload);
    await t.run(async (ctx) => {
      await patchBilan(ctx, world.bilans.own, { status: "review" });
    });
    const recorded = await asWorker(t).mutation(api.pipeline.recordPdf, {
      bilanId: world.bilans.own,
      storageId: upload.storageId,
      size: 1,
      final: false,
    });
    expect(recorded.accepted).toBe(false);
    expect(await blobExists(t, upload.storageId)).toBe(true);
    const bilan = await t.run(async (ctx) => await ctx.db.get(world.bilans.own));
    expect(bilan?.pdf).toBeUndefined();
  });
});

describe("storage sweep", () => {
  async function sweepAll(t: T) {
    for (let i = 0; i < 20; i++) {
      const { done } = await t.mutation(internal.files.sweepStorage, {});
      if (done) return;
    }
    throw new Error("sweep never finished");
  }

  it("deletes orphans older than an hour and keeps referenced or fresh files", async () => {
    const { t, world } = await freshWorld();
    const orphan = await storeBlob(t, "%PDF-1.4 orphelin");
    const report = await foreignReport(t, world);
    const upload = await uploadAs(t, as(t, "coach"));
    await createOwnStudentDocument(t, world, upload);
    vi.advanceTimersByTime(61 * MINUTE);
    const fresh = await storeBlob(t, "%PDF-1.4 envoi en cours");
    await sweepAll(t);
    expect(await blobExists(t, orphan)).toBe(false);
    expect(await blobExists(t, report)).toBe(true);
    expect(await blobExists(t, upload.storageId)).toBe(true);
    expect(await blobExists(t, fresh)).toBe(true);

    vi.advanceTimersByTime(61 * MINUTE);
    await sweepAll(t);
    expect(await blobExists(t, fresh)).toBe(false);
    expect(await blobExists(t, report)).toBe(true);
  });

  it("goes through storage in bounded batches, resuming from its cursor", async () => {
    const { t } = await freshWorld();
    for (let i = 0; i < 120; i++) await storeBlob(t, `%PDF-1.4 orphelin ${i}`);
    vi.advanceTimersByTime(61 * MINUTE);
    const first = await t.mutation(internal.files.sweepStorage, {});
    expect(first).toEqual({ scanned: 100, deleted: 100, done: false });
    const second = await t.mutation(internal.files.sweepStorage, {});
    expect(second).toMatchObject({ scanned: 20, deleted: 20, done: true });
    const left = await t.run(
      async (ctx) => (await ctx.db.system.query("_storage").collect()).length,
    );
    expect(left).toBe(0);
  });
});
