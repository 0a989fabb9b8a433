// Documents, ingestion generations and hybrid search: upload checks, access, atomic
// re-indexing, deletion, and scope isolation (a family never sees another family's chunks).
import { LOCAL_EMBEDDING_MODEL, localEmbedding } from "@nexus/knowledge/local-embedder";
import type { Subject } from "@nexus/shared/vocabulary";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { READABLE_STUDENTS_CAP } from "./model/access";
import { uploadAs } from "./uploads.fixtures";
import {
  as,
  asWorker,
  countRows,
  errorOf,
  freshWorld,
  outcomeOf,
  type T,
  withApiKey,
} from "./world.fixtures";

const PDF = new TextEncoder().encode("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF");

beforeEach(() => {
  vi.stubEnv("EMBEDDINGS_PROVIDER", "local");
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

async function blobExists(t: T, id: Id<"_storage">) {
  return (await t.run(async (ctx) => await ctx.storage.get(id))) !== null;
}

/** Indexes `texts` as the next generation of a document, the way the worker does. */
async function index(
  t: T,
  documentId: Id<"documents">,
  texts: string[],
  activate = true,
  embeddingModel = LOCAL_EMBEDDING_MODEL,
) {
  const worker = asWorker(t);
  const begun = await worker.mutation(api.ingestion.beginGeneration, { documentId });
  const generation = begun!.generation;
  await worker.mutation(api.ingestion.insertChunks, {
    documentId,
    generation,
    embeddingModel,
    chunks: texts.map((text, ordinal) => ({
      ordinal,
      text,
      pageStart: ordinal + 1,
      pageEnd: ordinal + 1,
      contentHash: `h${generation}-${ordinal}`,
      embedding: localEmbedding(text),
    })),
  });
  if (activate) {
    await worker.mutation(api.ingestion.activateGeneration, {
      documentId,
      generation,
      embeddingModel,
      pages: texts.length,
      ocrPages: 0,
      chunkCount: texts.length,
    });
  }
  return generation;
}

async function createDoc(
  t: T,
  caller: Parameters<typeof as>[1],
  args: {
    title: string;
    scope: "global" | "student";
    studentId?: Id<"students">;
    subject?: Subject;
  },
  bytes: Uint8Array = PDF,
) {
  const upload = await uploadAs(t, as(t, caller), bytes);
  return await as(t, caller).action(api.documents.create, { ...upload, ...args });
}

describe("document upload", () => {
  it("creates the document, enqueues its ingestion, and recognises the same content in the same scope", async () => {
    const { t } = await freshWorld();
    const first = await createDoc(t, "assistante", { title: "Fiche dérivées", scope: "global" });
    expect(first.duplicate).toBe(false);
    const row = await t.run(async (ctx) => await ctx.db.get(first.documentId));
    expect(row).toMatchObject({
      status: "uploaded",
      mime: "application/pdf",
      size: PDF.byteLength,
    });
    expect(row?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const jobs = await t.run(async (ctx) => await ctx.db.query("jobs").collect());
    expect(jobs.map((j) => [j.kind, j.payload])).toEqual([
      ["document.ingest", { documentId: first.documentId }],
    ]);

    const second = await uploadAs(t, as(t, "admin"), PDF);
    const secondBlob = second.storageId;
    const again = await as(t, "admin").action(api.documents.create, {
      ...second,
      title: "Copie",
      scope: "global",
    });
    expect(again).toEqual({ documentId: first.documentId, duplicate: true });
    expect(await blobExists(t, secondBlob)).toBe(false);
    expect(await t.run(async (ctx) => (await ctx.db.query("jobs").collect()).length)).toBe(1);
  });

  // Mutants this catches: the duplicate lookup on the hash alone (or on scope + hash) in
  // model/documents.ts createDocumentRow, which would hand one family another family's document.
  it("keeps the same bytes for two students, and globally, as separate documents", async () => {
    const { t, world } = await freshWorld();
    const own = await createDoc(t, "assistante", {
      title: "Copie de Camille",
      scope: "student",
      studentId: world.students.own,
    });
    const foreign = await createDoc(t, "assistante", {
      title: "Copie d'un autre élève",
      scope: "student",
      studentId: world.students.foreign,
    });
    const global = await createDoc(t, "assistante", { title: "Fiche", scope: "global" });
    for (const created of [own, foreign, global]) expect(created.duplicate).toBe(false);
    expect(new Set([own.documentId, foreign.documentId, global.documentId]).size).toBe(3);
    const rows = await t.run(
      async (ctx) =>
        await Promise.all([own, foreign, global].map(async (c) => await ctx.db.get(c.documentId))),
    );
    expect(rows.map((r) => [r?.scope, r?.studentId])).toEqual([
      ["student", world.students.own],
      ["student", world.students.foreign],
      ["global", undefined],
    ]);
    expect(new Set(rows.map((r) => r?.sha256)).size).toBe(1);
    // Each its own file and its own ingestion.
    expect(new Set(rows.map((r) => r?.storageId)).size).toBe(3);
    const ingests = await t.run(async (ctx) => await ctx.db.query("jobs").collect());
    expect(ingests.filter((j) => j.kind === "document.ingest")).toHaveLength(3);
    // The coach of the own student uploading the same bytes again for that student: a duplicate
    // of that student's document, never the other family's.
    const again = await createDoc(t, "coach", {
      title: "Encore",
      scope: "student",
      studentId: world.students.own,
    });
    expect(again).toEqual({ documentId: own.documentId, duplicate: true });
  });

  it("checks the type from the bytes and the size limit, deleting refused files and writing nothing", async () => {
    const { t } = await freshWorld();
    const before = await countRows(t);
    const fakeUpload = await uploadAs(
      t,
      as(t, "assistante"),
      new TextEncoder().encode("Ceci n'est pas un PDF"),
    );
    const fake = fakeUpload.storageId;
    const error = await errorOf(
      as(t, "assistante").action(api.documents.create, {
        ...fakeUpload,
        title: "x.pdf",
        scope: "global",
      }),
    );
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toMatch(/PDF, PNG, JPEG ou WebP/);
    expect(await blobExists(t, fake)).toBe(false);

    vi.stubEnv("DOCUMENT_MAX_BYTES", "10");
    const big = await uploadAs(t, as(t, "assistante"), PDF);
    const tooBig = await errorOf(
      as(t, "assistante").action(api.documents.create, {
        ...big,
        title: "Gros",
        scope: "global",
      }),
    );
    expect(tooBig.message).toMatch(/trop volumineux/);
    expect(await countRows(t)).toEqual(before);
  });

  it.each([
    ["coach", "global", undefined, "FORBIDDEN"],
    ["coach", "student", "own", "ok"],
    ["coach", "student", "foreign", "NOT_FOUND"],
    ["parent", "student", "own", "FORBIDDEN"],
    ["eleve", "student", "own", "FORBIDDEN"],
    ["assistante", "student", "foreign", "ok"],
  ] as const)(
    "upload by %s to a %s document (%s student) → %s",
    async (caller, scope, target, outcome) => {
      const { t, world } = await freshWorld();
      const studentId = target ? world.students[target] : undefined;
      expect(
        await outcomeOf(createDoc(t, caller, { title: "Copie corrigée", scope, studentId })),
      ).toBe(outcome);
    },
  );
});

describe("search", () => {
  async function indexedWorld() {
    const { t, world } = await freshWorld();
    const global = await createDoc(t, "assistante", {
      title: "Méthode : les suites",
      scope: "global",
    });
    await index(t, global.documentId, ["Une suite arithmétique a une raison constante r."]);
    const own = await createDoc(
      t,
      "coach",
      { title: "Copie d'Alice", scope: "student", studentId: world.students.own },
      new TextEncoder().encode("%PDF-1.4 alice"),
    );
    await index(t, own.documentId, ["Copie d'Alice : erreur de signe sur la dérivée du quotient."]);
    const foreign = await createDoc(
      t,
      "assistante",
      { title: "Copie de Bruno", scope: "student", studentId: world.students.foreign },
      new TextEncoder().encode("%PDF-1.4 bruno"),
    );
    await index(t, foreign.documentId, [
      "Copie de Bruno : erreur de signe sur la dérivée du quotient.",
    ]);
    return {
      t,
      world,
      global: global.documentId,
      own: own.documentId,
      foreign: foreign.documentId,
    };
  }

  it("finds the right chunk with its document title and page", async () => {
    const { t } = await indexedWorld();
    const hits = await as(t, "admin").action(api.knowledge.search, {
      query: "raison d'une suite arithmétique",
    });
    expect(hits[0]).toMatchObject({ documentTitle: "Méthode : les suites", pageStart: 1 });
  });

  it("never returns another family's chunks, even for a query that matches them exactly", async () => {
    const { t, world } = await indexedWorld();
    const query = "Copie de Bruno : erreur de signe sur la dérivée du quotient";
    const parentHits = await as(t, "parent").action(api.knowledge.search, { query, limit: 20 });
    expect(parentHits.map((h) => h.documentTitle).sort()).toEqual([
      "Copie d'Alice",
      "Méthode : les suites",
    ]);
    const eleveHits = await as(t, "eleve").action(api.knowledge.search, { query, limit: 20 });
    expect(eleveHits.some((h) => h.documentTitle === "Copie de Bruno")).toBe(false);
    expect(
      await outcomeOf(
        as(t, "parent").action(api.knowledge.search, { query, studentId: world.students.foreign }),
      ),
    ).toBe("NOT_FOUND");
    expect(await outcomeOf(as(t, "anon").action(api.knowledge.search, { query }))).toBe(
      "UNAUTHENTICATED",
    );
    const coachHits = await as(t, "coach").action(api.knowledge.search, {
      query,
      studentId: world.students.own,
      limit: 20,
    });
    expect(coachHits.some((h) => h.documentTitle === "Copie de Bruno")).toBe(false);
    const workerHits = await asWorker(t).action(api.knowledge.searchForBilan, {
      query,
      studentId: world.students.foreign,
      limit: 20,
    });
    expect(workerHits.some((h) => h.documentTitle === "Copie d'Alice")).toBe(false);
  });

  it("staff search (the CLI with an API key) covers the global documents plus only the named student", async () => {
    const { t, world } = await indexedWorld();
    const query = "erreur de signe sur la dérivée du quotient";
    const { client: staff } = await withApiKey(t, world.users.assistante);
    const globalOnly = await staff.action(api.knowledge.search, { query, limit: 20 });
    expect(globalOnly.map((h) => h.documentTitle)).toEqual(["Méthode : les suites"]);
    const withOwn = await staff.action(api.knowledge.search, {
      query,
      studentId: world.students.own,
      limit: 20,
    });
    expect(withOwn.map((h) => h.documentTitle).sort()).toEqual([
      "Copie d'Alice",
      "Méthode : les suites",
    ]);
    // The worker searches for a bilan only, never as a person.
    expect(await outcomeOf(asWorker(t).action(api.knowledge.search, { query }))).toBe("FORBIDDEN");
    const removed = await t.run(async (ctx) => {
      const { _id, _creationTime, ...row } = (await ctx.db.get(world.students.own))!;
      const id = await ctx.db.insert("students", row);
      await ctx.db.delete(id);
      return id;
    });
    expect(await outcomeOf(staff.action(api.knowledge.search, { query, studentId: removed }))).toBe(
      "NOT_FOUND",
    );
  });

  // Mutants this catches: the subject check dropped from loadCandidates (vector hits of another
  // subject come back) or from textCandidates' search filter.
  it("keeps to the subject asked for, on vector and on text hits", async () => {
    const { t } = await freshWorld();
    const text = "Méthode : erreur de signe dans un calcul";
    const maths = await createDoc(t, "assistante", {
      title: "Fiche maths",
      scope: "global",
      subject: "maths",
    });
    await index(t, maths.documentId, [`${text} de dérivée.`]);
    const physique = await createDoc(
      t,
      "assistante",
      { title: "Fiche physique", scope: "global", subject: "physique-chimie" },
      new TextEncoder().encode("%PDF-1.4 physique"),
    );
    await index(t, physique.documentId, [`${text} de vitesse.`]);
    const all = await as(t, "admin").action(api.knowledge.search, { query: text, limit: 20 });
    expect(all.map((h) => h.documentTitle).sort()).toEqual(["Fiche maths", "Fiche physique"]);
    const onlyMaths = await as(t, "admin").action(api.knowledge.search, {
      query: text,
      subject: "maths",
      limit: 20,
    });
    expect(onlyMaths.map((h) => h.documentTitle)).toEqual(["Fiche maths"]);
    // Each path on its own: the text ranking, then the candidates the vector index returns.
    const textRanks = await t.query(internal.knowledge.textCandidates, {
      query: text,
      scopeKeys: ["global"],
      subject: "maths",
      embeddingModel: LOCAL_EMBEDDING_MODEL,
    });
    const mathsChunks = await t.run(async (ctx) =>
      (await ctx.db.query("chunks").collect())
        .filter((c) => c.documentId === maths.documentId)
        .map((c) => c._id),
    );
    expect(textRanks).toEqual([mathsChunks]);
    const everyChunk = await t.run(async (ctx) =>
      (await ctx.db.query("chunks").collect()).map((c) => c._id),
    );
    const loaded = await t.query(internal.knowledge.loadCandidates, {
      candidates: everyChunk.map((id) => ({ id, score: 1 })),
      scopeKeys: ["global"],
      embeddingModel: LOCAL_EMBEDDING_MODEL,
      subject: "maths",
      limit: 20,
    });
    expect(loaded.map((c) => c.documentTitle)).toEqual(["Fiche maths"]);
  });

  // The diversification runs in loadCandidates, which returns hits without vectors. Mutant this
  // catches: the candidates cut to `limit` by fused score without MMR (the near-duplicate comes
  // second instead of the different chunk).
  it("loads candidates diversified, without their vectors", async () => {
    const { t } = await freshWorld();
    const { documentId } = await createDoc(t, "assistante", { title: "Fiche", scope: "global" });
    const same = "Les suites géométriques : u(n+1) = q × u(n).";
    await index(t, documentId, [same, same, "La loi d'Ohm relie tension et intensité.", "Autre."]);
    const ids = await t.run(async (ctx) =>
      (await ctx.db.query("chunks").collect())
        .sort((a, b) => a.ordinal - b.ordinal)
        .map((c) => c._id),
    );
    const hits = await t.query(internal.knowledge.loadCandidates, {
      candidates: [1, 0.99, 0.99, 0].map((score, i) => ({ id: ids[i]!, score })),
      scopeKeys: ["global"],
      embeddingModel: LOCAL_EMBEDDING_MODEL,
      limit: 2,
    });
    expect(hits.map((h) => [h.chunkId, h.score])).toEqual([
      [ids[0], 1],
      [ids[2], 0.99],
    ]);
    expect(hits.every((h) => !("embedding" in h))).toBe(true);
  });

  // Mutant this catches: readableStudentIds returning only a parent's first child (`.first()`).
  it("gives a parent of several children every child's documents, and no one else's", async () => {
    const { t, world } = await indexedWorld();
    const second = await t.run(async (ctx) => {
      const { _id, _creationTime, ...row } = (await ctx.db.get(world.students.own))!;
      const id = await ctx.db.insert("students", { ...row, firstName: "Léa", userId: undefined });
      await ctx.db.insert("guardianships", {
        parentId: world.users.parent,
        studentId: id,
        createdAt: 1,
      });
      return id;
    });
    const lea = await createDoc(
      t,
      "assistante",
      { title: "Copie de Léa", scope: "student", studentId: second },
      new TextEncoder().encode("%PDF-1.4 lea"),
    );
    await index(t, lea.documentId, ["Copie de Léa : erreur de signe sur la dérivée du quotient."]);
    const query = "erreur de signe sur la dérivée du quotient";
    const hits = await as(t, "parent").action(api.knowledge.search, { query, limit: 20 });
    expect(hits.map((h) => h.documentTitle).sort()).toEqual([
      "Copie d'Alice",
      "Copie de Léa",
      "Méthode : les suites",
    ]);
    // The élève of the first child still sees only their own.
    const eleve = await as(t, "eleve").action(api.knowledge.search, { query, limit: 20 });
    expect(eleve.map((h) => h.documentTitle).sort()).toEqual([
      "Copie d'Alice",
      "Méthode : les suites",
    ]);
  });

  // The bound on a family's search: a vector filter takes a bounded list of scopes, so a parent's
  // search covers at most READABLE_STUDENTS_CAP.parent children (model/access.ts). Mutant this
  // catches: the cap removed or changed without this documented figure.
  it("caps the children a parent's search covers at the documented figure", async () => {
    const { t, world } = await freshWorld();
    const cap = READABLE_STUDENTS_CAP.parent;
    await t.run(async (ctx) => {
      const { _id, _creationTime, ...row } = (await ctx.db.get(world.students.own))!;
      for (let i = 0; i < cap + 1; i++) {
        const id = await ctx.db.insert("students", { ...row, userId: undefined });
        await ctx.db.insert("guardianships", {
          parentId: world.users.parent,
          studentId: id,
          createdAt: 1,
        });
      }
    });
    const scope = await as(t, "parent").query(internal.knowledge.searchScope, {});
    expect(cap).toBe(20);
    expect(scope).toHaveLength(cap);
  });

  // Mutant this catches: textCandidates or loadCandidates no longer checking embeddingModel.
  it("never returns chunks indexed with another embedding model", async () => {
    const { t } = await freshWorld();
    const other = await createDoc(t, "assistante", { title: "Ancien modèle", scope: "global" });
    await index(
      t,
      other.documentId,
      ["La loi d'Ohm relie tension et intensité."],
      true,
      "old-model",
    );
    const current = await createDoc(
      t,
      "assistante",
      { title: "Modèle actuel", scope: "global" },
      new TextEncoder().encode("%PDF-1.4 actuel"),
    );
    await index(t, current.documentId, ["La loi d'Ohm relie tension et intensité, U = RI."]);
    const hits = await as(t, "admin").action(api.knowledge.search, {
      query: "loi d'Ohm tension intensité",
      limit: 20,
    });
    expect(hits.map((h) => h.documentTitle)).toEqual(["Modèle actuel"]);
  });

  it("documents.statuses reports each document's live status, null once deleted or not readable", async () => {
    const { t, world, global, foreign } = await indexedWorld();
    const gone = await createDoc(
      t,
      "assistante",
      { title: "Brouillon", scope: "global" },
      new TextEncoder().encode("%PDF-1.4 brouillon"),
    );
    await asWorker(t).mutation(api.ingestion.setStatus, {
      documentId: gone.documentId,
      status: "ocr",
      percent: 40,
      message: "OCR (1/2)",
    });
    const { client: staff } = await withApiKey(t, world.users.admin);
    expect(
      await staff.query(api.documents.statuses, { documentIds: [global, gone.documentId] }),
    ).toEqual([
      expect.objectContaining({
        documentId: global,
        status: "indexed",
        percent: 100,
        chunkCount: 1,
      }),
      expect.objectContaining({ status: "ocr", percent: 40, message: "OCR (1/2)" }),
    ]);
    // A parent sees the global document, never another family's.
    expect(
      await as(t, "parent").query(api.documents.statuses, { documentIds: [global, foreign] }),
    ).toEqual([expect.objectContaining({ documentId: global }), null]);
    await staff.mutation(api.documents.remove, { documentId: gone.documentId });
    expect(await staff.query(api.documents.statuses, { documentIds: [gone.documentId] })).toEqual([
      null,
    ]);
  });

  it("keeps the old chunks searchable during a re-index and swaps to the new ones at once", async () => {
    vi.useFakeTimers();
    const { t, global } = await indexedWorld();
    const search = async () =>
      (await as(t, "admin").action(api.knowledge.search, { query: "suite raison", limit: 20 }))
        .filter((h) => h.documentId === global)
        .map((h) => h.text);

    await as(t, "assistante").mutation(api.documents.reindex, { documentId: global });
    await index(t, global, ["Suite géométrique : on multiplie par la raison q."], false);
    expect(await search()).toEqual(["Une suite arithmétique a une raison constante r."]);

    await asWorker(t).mutation(api.ingestion.activateGeneration, {
      documentId: global,
      generation: 2,
      embeddingModel: LOCAL_EMBEDDING_MODEL,
      pages: 1,
      ocrPages: 0,
      chunkCount: 1,
    });
    expect(await search()).toEqual(["Suite géométrique : on multiplie par la raison q."]);
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    const left = await t.run(async (ctx) =>
      (await ctx.db.query("chunks").collect())
        .filter((c) => c.documentId === global)
        .map((c) => c.generation),
    );
    expect(left).toEqual([2]);
  });

  it("makes a deleted document disappear from search, then purges its chunks and blob", async () => {
    vi.useFakeTimers();
    const { t, global } = await indexedWorld();
    const storageId = (await t.run(async (ctx) => await ctx.db.get(global)))!.storageId;
    expect(
      await outcomeOf(as(t, "coach").mutation(api.documents.remove, { documentId: global })),
    ).toBe("FORBIDDEN");
    await as(t, "assistante").mutation(api.documents.remove, { documentId: global });
    const hits = await as(t, "admin").action(api.knowledge.search, {
      query: "suite arithmétique raison",
      limit: 20,
    });
    expect(hits.some((h) => h.documentId === global)).toBe(false);
    expect(await blobExists(t, storageId)).toBe(false);
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    const left = await t.run(async (ctx) =>
      (await ctx.db.query("chunks").collect()).filter((c) => c.documentId === global),
    );
    expect(left).toEqual([]);
  });

  it("lets a retried ingestion reuse its generation without duplicating chunks", async () => {
    const { t, world, own } = await indexedWorld();
    const w = { documentId: own };
    const first = await asWorker(t).mutation(api.ingestion.beginGeneration, w);
    const retry = await asWorker(t).mutation(api.ingestion.beginGeneration, w);
    expect(retry).toEqual(first);
    const chunk = {
      ordinal: 0,
      text: "Nouvelle copie",
      pageStart: 1,
      pageEnd: 1,
      contentHash: "x",
      embedding: localEmbedding("Nouvelle copie"),
    };
    const insert = () =>
      asWorker(t).mutation(api.ingestion.insertChunks, {
        ...w,
        generation: first!.generation,
        embeddingModel: LOCAL_EMBEDDING_MODEL,
        chunks: [chunk],
      });
    expect(await insert()).toEqual({ inserted: 1 });
    expect(await insert()).toEqual({ inserted: 0 });
    // Only the worker writes generations: no identity, a signed-in admin, an admin's API key.
    const { client: adminKey } = await withApiKey(t, world.users.admin);
    for (const caller of [t, as(t, "admin"), adminKey]) {
      expect(await outcomeOf(caller.mutation(api.ingestion.beginGeneration, w))).toBe(
        "WORKER_AUTH",
      );
    }
  });
});
