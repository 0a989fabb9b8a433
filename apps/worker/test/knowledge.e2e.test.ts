// The knowledge base end to end against the local runtime, with real processes: the seed
// script uploads the starter knowledge base (OCR included), `nexus-worker documents add`
// follows ingestion live, search finds the right page, families only ever see their own
// students' chunks, a re-index never shows a mix of generations, a deleted document leaves
// search, and a generated bilan cites the starter documents down to its final PDF.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOCAL_EMBEDDING_MODEL, localEmbedding } from "@nexus/knowledge/local-embedder";
import { parseStarterMarkdown, renderStarterDocument } from "@nexus/knowledge/starter";
import { getQuestionnaire, getSurvey, questionnaireFor } from "@nexus/shared/questionnaires";
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import { extractText } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { api } from "../../../convex/_generated/api";
import type { Id } from "../../../convex/_generated/dataModel";
import { demoAnswers } from "../../../convex/model/seed";
import type { DevAuth } from "./dev-auth";
import {
  devAuth,
  type Runtime,
  repoRoot,
  runCliProcess,
  startRuntime,
  startWorkerProcess,
  WORKER_PRIVATE_KEY,
  type WorkerProc,
  waitFor,
} from "./harness";

const DOMAIN = "demo.nexus-reussite.fr";
const ASSISTANTE = `nadia.benali@${DOMAIN}`;
const COACH = `julien.moreau@${DOMAIN}`;
const THEO = `theo.lambert@${DOMAIN}`;
const THEO_PARENT = `nathalie.lambert@${DOMAIN}`;
const OTHER_PARENT = `isabelle.durand@${DOMAIN}`;
const STATUS_ORDER = ["uploaded", "extracting", "ocr", "chunking", "embedding", "indexed"];

let auth: DevAuth;
let runtime: Runtime;
let worker: WorkerProc;
let files: string;
let theoId: Id<"students">;
let copyId: string;
const seedRuns: { code: number | null; stdout: string }[] = [];

/** Staff calls through an API key, as the CLI makes them (actions included). */
function staffClient() {
  return runtime.staff;
}

async function clientAs(email: string) {
  const client = new ConvexHttpClient(runtime.url);
  client.setAuth(await auth.token(email));
  await client.mutation(api.users.ensureCurrent, {});
  return client;
}

function runSeedScript(): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn("bun", [join(repoRoot, "scripts/seed.ts")], {
      cwd: repoRoot,
      env: {
        ...process.env,
        CONVEX_URL: runtime.url,
        WORKER_PRIVATE_KEY,
        CONVEX_SITE_URL: runtime.siteUrl,
        SEED_API_KEY_FILE: join(files, "seed-api-key"),
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
    });
    child.on("close", (code) => resolve({ code, stdout }));
  });
}

async function pdfFrom(markdown: string) {
  return (await renderStarterDocument(parseStarterMarkdown(markdown))).bytes;
}

const COPY_MARKDOWN = `---
title: Copie de Théo, devoir surveillé n° 3
subject: physique-chimie
niveau: terminale
domain: copie
---
# Devoir surveillé n° 3

## Exercice 1 : la chute libre

Théo applique correctement la deuxième loi de Newton au mobile en chute libre et obtient une accélération égale à g. Le schéma est soigné, le référentiel terrestre est annoncé et les axes sont orientés vers le haut.

Les équations horaires sont obtenues par deux intégrations successives, avec des constantes déterminées grâce aux conditions initiales. La hauteur maximale est calculée sans erreur et l'unité est donnée en mètres.

La durée de la chute jusqu'au sol est exprimée littéralement avant l'application numérique, ce qui est une très bonne habitude. Le correcteur note seulement un arrondi trop précoce dans la dernière ligne.

Conclusion de l'exercice : démarche complète, rédaction claire, résultat juste à la précision près. Les hypothèses du modèle (frottements négligés) sont énoncées au début de la réponse.

<!-- page -->

## Exercice 2 : le pendule simple

Théo confond la période et la fréquence du pendule : il écrit T = f au lieu de T = 1/f. Remarque du correcteur : revoir l'unité hertz et refaire l'application numérique avec la longueur du fil.

La relation entre la période propre et la longueur du fil n'est pas justifiée : Théo recopie la formule sans vérifier son homogénéité. Une analyse dimensionnelle aurait montré l'erreur d'exposant.

Le graphique de l'énergie mécanique est correct, mais l'interprétation des échanges entre énergie cinétique et énergie potentielle de pesanteur reste trop vague.

Conseil : refaire les exercices sur les oscillations du chapitre « mouvement et interactions » en rédigeant chaque conversion d'unité.
`;

const GARDEN_MARKDOWN = `---
title: Le potager pédagogique du lycée
subject: null
niveau: null
domain: projet
---
# Le potager pédagogique

## Les semis de printemps

Les élèves sèment les radis, les laitues et les capucines du potager pédagogique en mars, sous châssis, et notent chaque semaine la levée des graines dans un carnet de bord commun.

Chaque groupe d'élèves choisit une parcelle du potager pédagogique, mesure sa surface et prévoit un plan de semis qui tient compte de l'ensoleillement et de l'espacement des rangs.

Les semis du potager pédagogique servent aussi de support aux sciences : les élèves comparent la germination à différentes températures et représentent les résultats par des diagrammes.

Le carnet de bord du potager pédagogique rassemble les dates, les photos et les observations, et sert de base à un exposé oral en fin de trimestre.

<!-- page -->

## L'arrosage et la récolte du potager

Le potager pédagogique est arrosé au goutte-à-goutte ; les élèves relèvent le volume d'eau consommé et le comparent à la pluie tombée mesurée au pluviomètre du lycée.

La récolte du potager pédagogique est pesée en juin ; les élèves tracent la masse récoltée en fonction de la surface cultivée et discutent des écarts entre les parcelles.

Les légumes récoltés au potager pédagogique sont offerts au restaurant scolaire, et les élèves calculent le coût de revient de chaque kilogramme en tenant compte de l'eau et des graines.

Le bilan annuel du potager pédagogique est présenté aux familles, avec les courbes d'arrosage, les masses récoltées et les propositions d'amélioration des élèves.
`;

beforeAll(async () => {
  auth = devAuth;
  files = mkdtempSync(join(tmpdir(), "nexus-knowledge-e2e-"));
  const env = {
    EMBEDDINGS_PROVIDER: "local",
  };
  runtime = await startRuntime(env);
  worker = await startWorkerProcess(runtime.url, {
    ...env,
    LLM_PROVIDER: "local",
    EMAIL_OUTBOX_DIR: files,
    PUBLIC_APP_URL: "http://localhost:3000",
    RESEND_API_KEY: "",
    OPENAI_API_KEY: "",
  });
  // The seed script as `bun run dev` runs it: demo data, then the starter knowledge base.
  seedRuns.push(await runSeedScript());
  const theo = await clientAs(THEO);
  theoId = (
    await theo.query(api.students.listMine, { paginationOpts: { numItems: 5, cursor: null } })
  ).page[0]!._id as Id<"students">;
}, 90_000);

afterAll(async () => {
  await worker?.stop();
  await runtime?.stop();
  await auth?.close();
  if (files) rmSync(files, { recursive: true, force: true });
});

describe("knowledge base (offline, real processes)", () => {
  it("the seed uploads the starter knowledge base once, then recognises it", async () => {
    const [first] = seedRuns;
    expect(first!.code).toBe(0);
    const added = first!.stdout.split("\n").filter((l) => /^\s+ajouté\s/.test(l));
    expect(added.length).toBeGreaterThanOrEqual(10);
    expect(first!.stdout).toContain("Fiche méthode scannée");
    const again = await runSeedScript();
    expect(again.code).toBe(0);
    expect(again.stdout.split("\n").filter((l) => /^\s+déjà présent\s/.test(l))).toHaveLength(
      added.length,
    );
    expect(again.stdout).not.toMatch(/^\s+ajouté\s/m);
  }, 30_000);

  it("documents add uploads, follows the live statuses to indexed, and search finds the page", async () => {
    const assistante = new ConvexClient(runtime.url, {
      webSocketConstructor: WebSocket as unknown as typeof globalThis.WebSocket,
      unsavedChangesWarning: false,
    });
    assistante.setAuth(async () => await auth.token(ASSISTANTE));
    await (await clientAs(ASSISTANTE)).mutation(api.users.ensureCurrent, {});
    const title = "Copie de Théo, devoir surveillé n° 3";
    const seen: string[] = [];
    const unsubscribe = assistante.onUpdate(api.documents.list, { studentId: theoId }, (rows) => {
      const row = rows.find((d) => d.title === title);
      if (row && seen.at(-1) !== row.status) seen.push(row.status);
    });
    const file = join(files, "copie-theo.pdf");
    writeFileSync(file, await pdfFrom(COPY_MARKDOWN));
    const bad = join(files, "notes.pdf");
    writeFileSync(bad, "Ceci n'est pas un PDF.");

    const refused = await runCliProcess(runtime, ["documents", "add", bad]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("Format de fichier non pris en charge");

    const add = await runCliProcess(runtime, [
      "documents",
      "add",
      file,
      "--scope",
      `student:${theoId}`,
      "--title",
      title,
      "--subject",
      "physique-chimie",
    ]);
    unsubscribe();
    await assistante.close();
    expect(add.stderr).toContain(`${title} : indexé`);
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/ajouté \(\w+\), indexé : 2 page\(s\)/);
    copyId = /ajouté \((\w+)\)/.exec(add.stdout)![1]!;

    // The live query went through the pipeline statuses in order and ended indexed.
    expect(seen.at(-1)).toBe("indexed");
    const positions = seen.map((s) => STATUS_ORDER.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(seen.some((s) => s !== "uploaded" && s !== "indexed")).toBe(true);

    const search = await runCliProcess(runtime, [
      "search",
      "Théo confond la période et la fréquence du pendule",
      "--student",
      theoId,
      "--json",
    ]);
    expect(search.code).toBe(0);
    const hits = JSON.parse(search.stdout) as { documentTitle: string; pageStart: number }[];
    expect(hits[0]).toMatchObject({ documentTitle: title, pageStart: 2 });
    // Without --student, staff search covers the common documents only.
    const globalOnly = await runCliProcess(runtime, [
      "search",
      "Théo confond la période et la fréquence du pendule",
      "--json",
    ]);
    expect(JSON.parse(globalOnly.stdout).some((h: any) => h.documentTitle === title)).toBe(false);

    // Duplicate content in the same scope is recognised and not indexed again.
    const again = await runCliProcess(runtime, [
      "documents",
      "add",
      file,
      "--scope",
      `student:${theoId}`,
      "--json",
    ]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)[0]).toMatchObject({
      outcome: "duplicate",
      documentId: copyId,
      final: { status: "indexed" },
    });
  }, 45_000);

  it("a parent finds their child's chunks, never another family's", async () => {
    const query = "Théo confond la période et la fréquence du pendule";
    const own = await (await clientAs(THEO_PARENT)).action(api.knowledge.search, {
      query,
      limit: 20,
    });
    expect(own[0]).toMatchObject({ documentId: copyId, pageStart: 2 });
    const other = await clientAs(OTHER_PARENT);
    const hits = await other.action(api.knowledge.search, { query, limit: 20 });
    expect(hits.length).toBeGreaterThan(0); // global documents still answer
    expect(hits.some((h) => h.documentId === copyId)).toBe(false);
    await expect(other.action(api.knowledge.search, { query, studentId: theoId })).rejects.toThrow(
      /Élève introuvable/,
    );
  });

  it("a re-index swaps generations atomically: concurrent searches never return a mix", async () => {
    // Uploaded by the assistante through the user functions, indexed by the worker (generation 1).
    const assistante = await clientAs(ASSISTANTE);
    const { uploadUrl, uploadId } = await assistante.mutation(api.documents.generateUploadUrl, {});
    const posted = await fetch(uploadUrl, {
      method: "POST",
      headers: { "Content-Type": "application/pdf" },
      body: (await pdfFrom(GARDEN_MARKDOWN)) as Uint8Array<ArrayBuffer>,
    });
    const { storageId } = (await posted.json()) as { storageId: Id<"_storage"> };
    const { documentId } = await assistante.action(api.documents.create, {
      uploadId,
      storageId,
      title: "Le potager pédagogique du lycée",
      scope: "global",
    });
    const staff = staffClient();
    await waitFor(
      async () =>
        (await staff.query(api.documents.statuses, { documentIds: [documentId] }))[0]?.status ===
        "indexed",
      30_000,
      "the garden document to be indexed",
    );

    const MARK = "Révision deux";
    const query = "potager pédagogique semis arrosage récolte des élèves";
    const sets: {
      generation: 1 | 2 | "mixed";
      size: number;
      startedAt: number;
      endedAt: number;
    }[] = [];
    let writing = true;
    // Each step below waits for a whole search that started after it (an event of the loop),
    // never a fixed sleep: on a loaded machine a search may take longer than any fixed window.
    const waiters: { after: number; resolve: () => void }[] = [];
    const searchStartedAfter = (after: number) =>
      new Promise<void>((resolve) => waiters.push({ after, resolve }));
    const searcher = staffClient();
    const loop = (async () => {
      while (writing) {
        const startedAt = performance.now();
        const hits = (await searcher.action(api.knowledge.search, { query, limit: 20 })).filter(
          (h) => h.documentId === documentId,
        );
        if (hits.length === 0) continue;
        const marked = hits.filter((h) => h.text.includes(MARK)).length;
        sets.push({
          generation: marked === 0 ? 1 : marked === hits.length ? 2 : "mixed",
          size: hits.length,
          startedAt,
          endedAt: performance.now(),
        });
        for (const waiter of waiters.splice(0)) {
          if (startedAt > waiter.after) waiter.resolve();
          else waiters.push(waiter);
        }
      }
    })();

    // Generation 2 written chunk by chunk, the way a worker does, while the loop searches.
    const texts = [
      `${MARK} : les semis de printemps du potager pédagogique se font en mars avec les élèves.`,
      `${MARK} : l'arrosage du potager pédagogique au goutte-à-goutte, relevé par les élèves.`,
      `${MARK} : la récolte du potager pédagogique est pesée en juin par les élèves.`,
      `${MARK} : bilan du potager pédagogique, semis, arrosage et récolte des élèves.`,
    ];
    await searchStartedAfter(performance.now());
    const begun = await runtime.worker.mutation(api.ingestion.beginGeneration, { documentId });
    expect(begun?.generation).toBe(2);
    let windowStart = 0;
    for (const [ordinal, text] of texts.entries()) {
      await runtime.worker.mutation(api.ingestion.insertChunks, {
        documentId,
        generation: 2,
        embeddingModel: LOCAL_EMBEDDING_MODEL,
        chunks: [
          {
            ordinal,
            text,
            pageStart: ordinal + 1,
            pageEnd: ordinal + 1,
            contentHash: `gen2-${ordinal}`,
            embedding: localEmbedding(text),
          },
        ],
      });
      windowStart ||= performance.now();
      await searchStartedAfter(performance.now());
    }
    const windowEnd = performance.now();
    await runtime.worker.mutation(api.ingestion.activateGeneration, {
      documentId,
      generation: 2,
      embeddingModel: LOCAL_EMBEDDING_MODEL,
      pages: 4,
      ocrPages: 0,
      chunkCount: texts.length,
    });
    await searchStartedAfter(performance.now());
    writing = false;
    await loop;

    expect(sets.filter((s) => s.generation === "mixed")).toEqual([]);
    expect(sets.some((s) => s.generation === 1)).toBe(true);
    expect(sets.some((s) => s.generation === 2)).toBe(true);
    // The check has teeth: searches ran while generation 2 was half written (its chunks were in
    // the table, matching the query better), and result sets held several chunks.
    expect(
      sets.some((s) => s.startedAt > windowStart && s.endedAt < windowEnd && s.generation === 1),
    ).toBe(true);
    expect(Math.max(...sets.map((s) => s.size))).toBeGreaterThanOrEqual(2);
    expect(sets.findIndex((s) => s.generation === 2)).toBeGreaterThan(
      sets.findLastIndex((s) => s.generation === 1),
    );

    // `jobs reprocess document` re-indexes from the file: generation 3, the original text again.
    const reprocess = await runCliProcess(runtime, ["jobs", "reprocess", "document", documentId]);
    expect(reprocess.code).toBe(0);
    const rows = await waitFor(
      async () => {
        const list = await staff.query(api.documents.list, { limit: 200 });
        const row = list.find((d) => d._id === documentId);
        return row?.activeGeneration === 3 && row.status === "indexed" ? row : undefined;
      },
      30_000,
      "the re-index to finish",
    );
    expect(rows.chunkCount).toBeGreaterThanOrEqual(2);
    const after = (await searcher.action(api.knowledge.search, { query, limit: 20 })).filter(
      (h) => h.documentId === documentId,
    );
    expect(after.length).toBeGreaterThan(0);
    expect(after.some((h) => h.text.includes(MARK))).toBe(false);
  }, 60_000);

  it("a removed document is gone from search and from the list at once", async () => {
    const remove = await runCliProcess(runtime, ["documents", "remove", copyId, "--yes"]);
    expect(remove.code).toBe(0);
    expect(remove.stdout).toContain("supprimé");
    const query = "Théo confond la période et la fréquence du pendule";
    const parentHits = await (await clientAs(THEO_PARENT)).action(api.knowledge.search, {
      query,
      limit: 20,
    });
    expect(parentHits.some((h) => h.documentId === copyId)).toBe(false);
    const list = await runCliProcess(runtime, ["documents", "list", "--json"]);
    expect(JSON.parse(list.stdout).some((d: { _id: string }) => d._id === copyId)).toBe(false);
    const twice = await runCliProcess(runtime, ["documents", "remove", copyId, "--yes"]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain("Document introuvable");
  });

  it("a bilan generated with the starter knowledge base cites its sources down to the PDF", async () => {
    const staff = staffClient();
    // Every starter document (the scanned page through OCR) is indexed.
    const starter = await waitFor(
      async () => {
        const list = (await staff.query(api.documents.list, { limit: 200 })).filter(
          (d) => d.scope === "global" && d.title !== "Le potager pédagogique du lycée",
        );
        return list.length >= 10 && list.every((d) => d.status === "indexed") ? list : undefined;
      },
      40_000,
      "the starter documents to be indexed",
    );
    const scan = starter.find((d) => d.mime === "image/png");
    expect(scan).toMatchObject({ status: "indexed", ocrPages: 1 });
    const titles = new Set(starter.map((d) => d.title));

    const student = await clientAs(THEO);
    const questionnaire = questionnaireFor("maths", "terminale")!;
    const bilanId = await student.mutation(api.bilans.createDraft, {
      studentId: theoId,
      subject: "maths",
    });
    await student.mutation(api.bilans.saveAnswers, {
      bilanId,
      answers: demoAnswers(getQuestionnaire(questionnaire.id), getSurvey(), {
        answered: 1,
        correct: 0.3,
        seed: 5,
      }),
    });
    await student.mutation(api.bilans.submit, { bilanId });
    const coach = await clientAs(COACH);
    const inReview = await waitFor(
      async () => {
        const b = await coach.query(api.bilans.get, { bilanId });
        return b.status === "review" || b.status === "failed" ? b : undefined;
      },
      30_000,
      "the bilan to be generated",
    );
    expect(inReview.status).toBe("review");
    const sources = inReview.synthesis!.recommendations.flatMap((r) => r.sources);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(titles).toContain(source.documentTitle);
      expect(source.page).toBeGreaterThanOrEqual(1);
    }

    await coach.mutation(api.review.approve, {
      bilanId,
      expectedVersion: inReview.synthesisVersion,
    });
    await waitFor(
      async () => {
        const b = await coach.query(api.bilans.get, { bilanId });
        return b.pdf?.final ? b : undefined;
      },
      30_000,
      "the final PDF",
    );
    const pdf = await runtime.worker.query(api.pipeline.pdfUrl, { bilanId });
    const bytes = new Uint8Array(await (await fetch(pdf!.url)).arrayBuffer());
    const { text } = await extractText(bytes, { mergePages: true });
    const flat = text.replace(/\s+/g, " ");
    const cited = sources[0]!;
    expect(flat).toContain(`« ${cited.documentTitle} », p. ${cited.page}`);
  }, 60_000);
});
