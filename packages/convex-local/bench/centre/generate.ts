// A centre's year of data, written through the runtime the way the app writes it: the
// app's schema (every write validated against convex/schema.ts) and its model code —
// bilans scored by scoreBilan, syntheses by the local writer and saved by
// saveGeneratedSynthesis, approvals by approveBilan, jobs by enqueueJob/patchJob/
// appendJobEvent, counters by the stats and jobCounts helpers, chunks shaped as
// ingestion.insertChunks writes them with local embeddings — in transactions of the
// app's sizes (100 chunks, one bilan's pipeline step, a job's life). Content is
// deterministic (a seeded generator; the clock is simulated over the year); document
// ids are the runtime's random ones.
//
// Full size: 500 élèves, 3,000 bilans, 60,000 jobs with their events, 20,000 chunks
// (1536-dim vectors) in 200 documents; `scale` multiplies every count.

import { LOCAL_EMBEDDING_MODEL, localEmbedding } from "@nexus/knowledge/local-embedder";
import { scopeModelKey } from "@nexus/knowledge/scope-key";
import { scoreBilan } from "@nexus/shared/bilan-scoring";
import type { Niveau, Subject } from "@nexus/shared/domain";
import type { JobKind } from "@nexus/shared/jobs";
import { getSurvey, questionnaireFor } from "@nexus/shared/questionnaires";
import { generateSynthesis } from "@nexus/synthesis/generate";
import { LocalWriterProvider } from "@nexus/synthesis/local-writer-provider";
import type { Doc, Id } from "../../../../convex/_generated/dataModel";
import type { MutationCtx } from "../../../../convex/_generated/server";
import { insertBilan, patchBilan } from "../../../../convex/model/bilanHeads";
import {
  approveBilan,
  saveGeneratedSynthesis,
  startGeneration,
} from "../../../../convex/model/bilanPipeline";
import { enqueueGeneration } from "../../../../convex/model/bilans";
import { patchJob } from "../../../../convex/model/jobCounts";
import { appendJobEvent, enqueueJob } from "../../../../convex/model/jobs";
import { demoAnswers } from "../../../../convex/model/seed";
import {
  countBilanDelivery,
  countBilanStage,
  countDocumentIndexed,
  countJobOutcome,
} from "../../../../convex/model/stats";

export const FULL_CENTRE = {
  students: 500,
  bilans: 3_000,
  jobs: 60_000,
  chunks: 20_000,
  documents: 200,
} as const;

export type CentreCounts = { -readonly [K in keyof typeof FULL_CENTRE]: number };

export function centreCounts(scale: number): CentreCounts {
  const out = {} as CentreCounts;
  for (const [key, value] of Object.entries(FULL_CENTRE)) {
    out[key as keyof CentreCounts] = Math.max(1, Math.round(value * scale));
  }
  return out;
}

/** Who the generated centre's staff are (the measurements act as them). */
export const CENTRE_ISSUER = "https://centre.bench.invalid";
export const CENTRE_ADMIN = { issuer: CENTRE_ISSUER, subject: "admin" };
export const CENTRE_COACH = { issuer: CENTRE_ISSUER, subject: "coach-0" };

/** What the generator hands to the runtime: one transaction, and file storage. */
export interface CentreWriter {
  transaction(work: (ctx: MutationCtx) => Promise<void>): Promise<void>;
  storeFile(bytes: Uint8Array, contentType: string): Promise<string>;
}

export interface CentreSummary {
  counts: CentreCounts;
  /** A word only one chunk's text carries, and that chunk's document title. */
  probe: { query: string; documentTitle: string };
  jobs: number;
  seconds: number;
}

/** The word of the one chunk that carries it (a search must find that chunk first). */
export const PROBE_WORD = "zanzibarite";

const DAY_MS = 86_400_000;
const YEAR_DAYS = 364;

/** mulberry32: small, fast, deterministic. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_NAMES = [
  "Camille",
  "Lucas",
  "Inès",
  "Hugo",
  "Léa",
  "Adam",
  "Chloé",
  "Nathan",
  "Manon",
  "Yanis",
  "Emma",
  "Louis",
  "Jade",
  "Gabriel",
  "Sarah",
  "Rayan",
  "Zoé",
  "Arthur",
  "Lina",
  "Noah",
];
const LAST_NAMES = [
  "Durand",
  "Martin",
  "Bernard",
  "Petit",
  "Robert",
  "Richard",
  "Moreau",
  "Laurent",
  "Simon",
  "Michel",
  "Lefebvre",
  "Leroy",
  "Roux",
  "David",
  "Bertrand",
  "Morel",
  "Fournier",
  "Girard",
  "Bonnet",
  "Dupont",
  "Lambert",
  "Fontaine",
  "Rousseau",
  "Vincent",
  "Muller",
];
const TOPICS: Record<Subject, string[]> = {
  maths: [
    "la dérivée d'une fonction et le sens de variation",
    "les suites arithmétiques et géométriques",
    "les probabilités conditionnelles et l'arbre pondéré",
    "le produit scalaire dans le plan",
    "la fonction exponentielle et ses propriétés",
    "le second degré, discriminant et racines",
    "les limites de fonctions et les asymptotes",
    "le calcul intégral et les primitives",
  ],
  nsi: [
    "la récursivité et la pile d'appels",
    "les arbres binaires de recherche",
    "la programmation orientée objet en Python",
    "les bases de données relationnelles et SQL",
    "les algorithmes de tri et leur complexité",
    "les graphes, parcours en largeur et en profondeur",
  ],
  "physique-chimie": [
    "la quantité de matière et la mole",
    "les lois de Newton et le mouvement",
    "l'énergie mécanique et sa conservation",
    "les réactions d'oxydoréduction",
    "les ondes mécaniques et la lumière",
    "le dosage par titrage colorimétrique",
  ],
};
const SENTENCES = [
  "On commence par rappeler la définition puis on l'applique sur un exemple simple.",
  "L'erreur la plus fréquente consiste à oublier une condition d'application du théorème.",
  "Pour s'entraîner, refaire l'exercice sans regarder la correction puis comparer.",
  "La méthode se résume en trois étapes que l'on retrouve dans chaque sujet du bac.",
  "On vérifie toujours la cohérence du résultat avec l'ordre de grandeur attendu.",
  "Le tableau récapitulatif ci-dessous rassemble les formules à connaître par cœur.",
  "Un schéma soigné aide souvent à comprendre la situation avant tout calcul.",
  "Cet exercice corrigé reprend une question posée au baccalauréat de l'an dernier.",
];
const FILLER_KINDS: Array<{ kind: JobKind; weight: number; payload: (n: number) => unknown }> = [
  { kind: "aria.answer", weight: 30, payload: (n) => ({ messageId: `message-${n}` }) },
  { kind: "aria.memory", weight: 8, payload: (n) => ({ conversationId: `conversation-${n}` }) },
  {
    kind: "session.remind",
    weight: 20,
    payload: (n) => ({ sessionId: `session-${n}`, startsAt: 1_700_000_000_000 + n, lead: "24h" }),
  },
  {
    kind: "session.confirm",
    weight: 12,
    payload: (n) => ({ sessionId: `session-${n}`, startsAt: 1_700_000_000_000 + n }),
  },
  {
    kind: "invitation.send",
    weight: 3,
    payload: (n) => ({ invitationId: `inv-${n}`, generation: 1 }),
  },
  { kind: "payment.receipt", weight: 6, payload: (n) => ({ paymentId: `payment-${n}` }) },
  { kind: "system.echo", weight: 1, payload: () => ({ sleepMs: 0 }) },
];

/** Writes the centre; `onProgress` gets short progress lines. */
export async function generateCentre(
  writer: CentreWriter,
  options: { scale: number; seed?: number; onProgress?: (line: string) => void },
): Promise<CentreSummary> {
  const started = performance.now();
  const counts = centreCounts(options.scale);
  const random = generator(options.seed ?? 13);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const progress = options.onProgress ?? (() => {});

  // The simulated clock: the year runs from `start`; the app's code reads Date.now().
  const realNow = Date.now;
  const end = Math.floor(realNow() / DAY_MS) * DAY_MS - DAY_MS;
  const start = end - YEAR_DAYS * DAY_MS;
  let clock = start;
  Date.now = () => clock;
  const at = (day: number, minute: number) =>
    start + day * DAY_MS + 8 * 3_600_000 + minute * 60_000;
  const tick = (ms = 1_000) => {
    clock += ms;
  };

  let jobsWritten = 0;
  let jobSerial = 0;
  /** A job's life as the worker would write it: claimed, progress, then its outcome. */
  async function runJob(
    ctx: MutationCtx,
    jobId: Id<"jobs">,
    outcome: "completed" | "failed" | "cancelled" | "pending",
  ): Promise<void> {
    const job = (await ctx.db.get(jobId))!;
    if (outcome === "pending") return;
    if (outcome === "cancelled") {
      await patchJob(ctx, job, { status: "cancelled", finishedAt: clock, updatedAt: clock });
      await appendJobEvent(ctx, jobId, "cancelled", {
        message: "Annulée par l'équipe.",
        at: clock,
      });
      await countJobOutcome(ctx, job, "cancelled", clock);
      return;
    }
    const attempts = outcome === "failed" ? job.maxAttempts : 1 + (random() < 0.05 ? 1 : 0);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      tick(2_000);
      const worker = `worker-${1 + (jobSerial % 2)}`;
      await patchJob(ctx, (await ctx.db.get(jobId))!, {
        status: "running",
        attempts: attempt,
        leaseOwner: worker,
        leaseExpiresAt: clock + 60_000,
        claimedAt: clock,
        updatedAt: clock,
      });
      await appendJobEvent(ctx, jobId, "claimed", { data: { worker, attempt }, at: clock });
      tick(1_500);
      await appendJobEvent(ctx, jobId, "progress", {
        message: "Traitement en cours",
        data: { percent: 50 },
        at: clock,
      });
      if (attempt < attempts) {
        const error = { message: "Délai dépassé (fournisseur)", retryable: true, at: clock };
        await patchJob(ctx, (await ctx.db.get(jobId))!, {
          status: "pending",
          lastError: error,
          leaseOwner: undefined,
          leaseExpiresAt: undefined,
          runAt: clock + 2_000 * attempt,
          updatedAt: clock,
        });
        await appendJobEvent(ctx, jobId, "retry_scheduled", { message: error.message, at: clock });
        await countJobOutcome(ctx, job, "retried", clock);
      }
    }
    tick(1_000);
    const current = (await ctx.db.get(jobId))!;
    if (outcome === "failed") {
      await patchJob(ctx, current, {
        status: "failed",
        lastError: { message: "Échec définitif après 5 tentatives", retryable: false, at: clock },
        leaseOwner: undefined,
        leaseExpiresAt: undefined,
        finishedAt: clock,
        updatedAt: clock,
      });
      await appendJobEvent(ctx, jobId, "failed", { message: "Échec définitif", at: clock });
      await countJobOutcome(ctx, current, "failed", clock);
      return;
    }
    await patchJob(ctx, current, {
      status: "completed",
      result: { ok: true, durationMs: 3_500 },
      progress: { stage: "done", percent: 100 },
      leaseOwner: undefined,
      leaseExpiresAt: undefined,
      finishedAt: clock,
      updatedAt: clock,
    });
    await appendJobEvent(ctx, jobId, "completed", { data: { durationMs: 3_500 }, at: clock });
    await countJobOutcome(ctx, current, "completed", clock);
  }

  let probe = { query: "", documentTitle: "" };
  try {
    // 1. People: staff, coaches (one per 20 élèves), élèves with their accounts, parents.
    const coachCount = Math.max(1, Math.ceil(counts.students / 20));
    const userIds = { admin: "" as Id<"users">, coaches: [] as Id<"users">[] };
    await writer.transaction(async (ctx) => {
      userIds.admin = await ctx.db.insert("users", {
        tokenIdentifier: `${CENTRE_ADMIN.issuer}|${CENTRE_ADMIN.subject}`,
        email: "direction@centre.invalid",
        name: "Direction du centre",
        role: "admin",
        createdAt: clock,
        lastSeenAt: clock,
      });
      for (let i = 0; i < 2; i++) {
        await ctx.db.insert("users", {
          tokenIdentifier: `${CENTRE_ISSUER}|assistante-${i}`,
          email: `assistante${i}@centre.invalid`,
          name: `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`,
          role: "assistante",
          createdAt: clock,
          lastSeenAt: clock,
        });
      }
      for (let i = 0; i < coachCount; i++) {
        userIds.coaches.push(
          await ctx.db.insert("users", {
            tokenIdentifier: `${CENTRE_ISSUER}|coach-${i}`,
            email: `coach${i}@centre.invalid`,
            name: `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`,
            role: "coach",
            createdAt: clock,
            lastSeenAt: clock,
          }),
        );
      }
    });
    const students: Array<Doc<"students">> = [];
    for (let first = 0; first < counts.students; first += 50) {
      await writer.transaction(async (ctx) => {
        for (let i = first; i < Math.min(first + 50, counts.students); i++) {
          const firstName = pick(FIRST_NAMES);
          const lastName = pick(LAST_NAMES);
          const niveau: Niveau = random() < 0.5 ? "premiere" : "terminale";
          const eleve = await ctx.db.insert("users", {
            tokenIdentifier: `${CENTRE_ISSUER}|eleve-${i}`,
            email: `eleve${i}@centre.invalid`,
            name: `${firstName} ${lastName}`,
            role: "eleve",
            createdAt: clock,
            lastSeenAt: clock,
          });
          const studentId = await ctx.db.insert("students", {
            firstName,
            lastName,
            niveau,
            statut: random() < 0.9 ? "scolarise" : "candidat_libre",
            specialites:
              niveau === "terminale"
                ? ["Mathématiques", "NSI"]
                : ["Mathématiques", "Physique-chimie"],
            school: `Lycée ${pick(LAST_NAMES)}`,
            userId: eleve,
            createdAt: clock,
            updatedAt: clock,
          });
          students.push((await ctx.db.get(studentId))!);
          const parents = random() < 0.4 ? 2 : 1;
          for (let p = 0; p < parents; p++) {
            const parentId = await ctx.db.insert("users", {
              tokenIdentifier: `${CENTRE_ISSUER}|parent-${i}-${p}`,
              email: `parent${i}-${p}@centre.invalid`,
              name: `${pick(FIRST_NAMES)} ${lastName}`,
              role: "parent",
              createdAt: clock,
              lastSeenAt: clock,
              salutation: {
                style: "civilite",
                civility: p === 0 ? "Madame" : "Monsieur",
                lastName,
              },
            });
            await ctx.db.insert("guardianships", { parentId, studentId, createdAt: clock });
          }
          await ctx.db.insert("coachAssignments", {
            coachId: userIds.coaches[i % coachCount]!,
            studentId,
            createdAt: clock,
          });
          tick(60_000);
        }
      });
    }
    progress(`${students.length} élèves`);

    // 2. Bilans over the year, through the app's pipeline (scored, synthesised, approved, sent).
    const survey = getSurvey();
    const writerProvider = new LocalWriterProvider();
    for (let b = 0; b < counts.bilans; b++) {
      const day = Math.floor((b / counts.bilans) * YEAR_DAYS);
      clock = Math.max(clock, at(day, b % 600));
      const student = students[b % students.length]!;
      const subjects: Subject[] =
        student.niveau === "terminale" ? ["maths", "nsi"] : ["maths", "physique-chimie"];
      const subject = pick(subjects);
      const questionnaire = questionnaireFor(subject, student.niveau)!;
      const roll = random();
      const fate = roll < 0.06 ? "draft" : roll < 0.09 ? "failed" : roll < 0.2 ? "review" : "sent";
      const answers = demoAnswers(questionnaire, survey, {
        answered: 0.85 + random() * 0.15,
        correct: 0.3 + random() * 0.6,
        seed: 1_000 + b,
      });
      let bilanId!: Id<"bilans">;
      await writer.transaction(async (ctx) => {
        bilanId = await insertBilan(ctx, {
          studentId: student._id,
          subject,
          niveau: student.niveau,
          questionnaireId: questionnaire.id,
          status: fate === "draft" ? "draft" : "submitted",
          answers,
          ...(fate === "draft" ? {} : scoreBilan(questionnaire.id, answers)),
          createdBy: student.userId!,
          createdAt: clock,
          updatedAt: clock,
          ...(fate === "draft" ? {} : { submittedAt: clock }),
        });
        await countBilanStage(ctx, { subject }, "created", clock);
        if (fate !== "draft") await countBilanStage(ctx, { subject }, "submitted", clock);
      });
      if (fate === "draft") continue;
      tick(30_000);
      // The generation job, as the worker runs it (bilan.generate → review).
      await writer.transaction(async (ctx) => {
        const jobId = await enqueueGeneration(ctx, bilanId, student.userId);
        jobsWritten++;
        if (fate === "failed") {
          await runJob(ctx, jobId, "failed");
          await patchBilan(ctx, bilanId, {
            status: "failed",
            failure: { stage: "generation", message: "La génération a échoué.", at: clock },
            updatedAt: clock,
          });
          await countBilanStage(ctx, { subject }, "failed", clock);
          return;
        }
        await startGeneration(ctx, bilanId);
        const bilan = (await ctx.db.get(bilanId))!;
        const { synthesis, meta } = await generateSynthesis(
          { student, subject, scores: bilan.scores!, profile: bilan.profile!, chunks: [] },
          writerProvider,
          { now: () => clock },
        );
        await saveGeneratedSynthesis(ctx, bilanId, synthesis, meta, {
          previewPdf: true,
          run: { jobId, retrieved: [] },
        });
        await runJob(ctx, jobId, "completed");
      });
      if (fate === "failed") continue;
      // The provisional PDF job the synthesis enqueued, run by the worker.
      await writer.transaction(async (ctx) => {
        const pending = await ctx.db
          .query("jobs")
          .withIndex("by_targetId_and_kind_and_createdAt", (q) =>
            q.eq("target.id", bilanId).eq("kind", "bilan.pdf"),
          )
          .collect();
        for (const job of pending) {
          if (job.status === "pending") {
            await runJob(ctx, job._id, "completed");
            jobsWritten++;
          }
        }
      });
      if (fate === "review") continue;
      tick(3_600_000);
      // The coach approves; the final PDF and the e-mail jobs run; the bilan is sent.
      await writer.transaction(async (ctx) => {
        const coachId = userIds.coaches[students.indexOf(student) % coachCount]!;
        const pdfJob = await approveBilan(
          ctx,
          (await ctx.db.get(bilanId))!,
          { userId: coachId, coachNote: "Bilan relu et validé avec l'élève." },
          clock,
        );
        await runJob(ctx, pdfJob, "completed");
        const emailJob = await enqueueJob(
          ctx,
          "email.send",
          { bilanId, pdfVersion: 2 },
          { target: { table: "bilans", id: bilanId } },
        );
        await runJob(ctx, emailJob, "completed");
        jobsWritten += 2;
        const bilan = (await ctx.db.get(bilanId))!;
        await countBilanDelivery(ctx, bilan, clock);
        await patchBilan(ctx, bilanId, { status: "sent", sentAt: clock, updatedAt: clock });
      });
      if ((b + 1) % 500 === 0) progress(`${b + 1} bilans, ${jobsWritten} jobs`);
    }
    progress(`${counts.bilans} bilans, ${jobsWritten} jobs`);

    // 3. Knowledge documents and their chunks (ingestion.insertChunks' shape, batches of 100).
    const perDocument = Math.ceil(counts.chunks / counts.documents);
    let chunksWritten = 0;
    for (let d = 0; d < counts.documents && chunksWritten < counts.chunks; d++) {
      const day = Math.floor((d / counts.documents) * YEAR_DAYS);
      clock = Math.max(clock, at(day, 700 + d));
      const subject = pick(["maths", "nsi", "physique-chimie"] as const);
      const topic = pick(TOPICS[subject]);
      const global = d % 4 !== 3;
      const student = global ? undefined : students[(d * 7) % students.length]!;
      const title = `Fiche ${d + 1} : ${topic}`;
      const body = new TextEncoder().encode(`${title}\n${SENTENCES.join(" ")}`);
      const storageId = (await writer.storeFile(body, "text/plain")) as Id<"_storage">;
      let documentId!: Id<"documents">;
      await writer.transaction(async (ctx) => {
        documentId = await ctx.db.insert("documents", {
          ownerId: userIds.admin,
          scope: global ? "global" : "student",
          studentId: student?._id,
          title,
          subject,
          niveau: student?.niveau,
          mime: "text/plain",
          size: body.byteLength,
          sha256: `centre-${d}`,
          storageId,
          status: "embedding",
          pendingGeneration: 1,
          createdAt: clock,
          updatedAt: clock,
        });
      });
      const scopeKey = global ? "global" : `student:${student!._id}`;
      const count = Math.min(perDocument, counts.chunks - chunksWritten);
      for (let first = 0; first < count; first += 100) {
        await writer.transaction(async (ctx) => {
          for (let ordinal = first; ordinal < Math.min(first + 100, count); ordinal++) {
            const serial = chunksWritten + ordinal;
            const sentences = Array.from({ length: 6 }, () => pick(SENTENCES)).join(" ");
            // One chunk carries a marker word no other chunk has: the search probe.
            const marker =
              serial === Math.floor(counts.chunks / 2) ? ` Mot repère : ${PROBE_WORD}.` : "";
            const text = `${topic[0]!.toUpperCase()}${topic.slice(1)} (fiche ${d + 1}, partie ${ordinal + 1}). ${sentences}${marker}`;
            if (marker) probe = { query: PROBE_WORD, documentTitle: title };
            await ctx.db.insert("chunks", {
              ordinal,
              text,
              pageStart: 1 + Math.floor(ordinal / 4),
              pageEnd: 1 + Math.floor(ordinal / 4),
              contentHash: `centre-${d}-${ordinal}`,
              embedding: localEmbedding(text),
              documentId,
              generation: 1,
              scopeKey,
              studentId: student?._id,
              embeddingModel: LOCAL_EMBEDDING_MODEL,
              scopeModelKey: scopeModelKey(scopeKey, LOCAL_EMBEDDING_MODEL),
              subject,
            });
          }
        });
      }
      chunksWritten += count;
      tick(60_000);
      // The ingest job and the activation, as the worker and activateGeneration write them.
      await writer.transaction(async (ctx) => {
        const jobId = await enqueueJob(
          ctx,
          "document.ingest",
          { documentId },
          { target: { table: "documents", id: documentId } },
        );
        jobsWritten++;
        await runJob(ctx, jobId, "completed");
        const row = (await ctx.db.get(documentId))!;
        const pages = Math.ceil(count / 4);
        await countDocumentIndexed(ctx, row, pages, clock);
        await ctx.db.patch(documentId, {
          activeGeneration: 1,
          pendingGeneration: undefined,
          embeddingModel: LOCAL_EMBEDDING_MODEL,
          pages,
          ocrPages: 0,
          chunkCount: count,
          status: "indexed",
          progress: { percent: 100 },
          updatedAt: clock,
        });
      });
      if ((d + 1) % 20 === 0) progress(`${d + 1} documents, ${chunksWritten} chunks`);
    }

    // 4. The other jobs of the year (Aria, sessions, receipts…) up to the job count:
    //    mostly completed, some retried, failed or cancelled, the last ones still pending.
    const fillers = Math.max(0, counts.jobs - jobsWritten);
    const totalWeight = FILLER_KINDS.reduce((sum, k) => sum + k.weight, 0);
    const weighted = (roll: number) => {
      let left = roll;
      for (const kind of FILLER_KINDS) {
        left -= kind.weight;
        if (left < 0) return kind;
      }
      return FILLER_KINDS[0]!;
    };
    const perTransaction = 20;
    clock = start;
    for (let first = 0; first < fillers; first += perTransaction) {
      await writer.transaction(async (ctx) => {
        for (let n = first; n < Math.min(first + perTransaction, fillers); n++) {
          jobSerial = n;
          clock = Math.max(clock, at(Math.floor((n / fillers) * YEAR_DAYS), (n * 7) % 600));
          const spec = weighted(random() * totalWeight);
          const jobId = await enqueueJob(ctx, spec.kind, spec.payload(n), {
            priority: spec.kind === "aria.answer" ? 10 : 0,
          });
          const r = random();
          const outcome =
            n >= fillers - Math.ceil(fillers / 500)
              ? "pending"
              : r < 0.03
                ? "failed"
                : r < 0.045
                  ? "cancelled"
                  : "completed";
          await runJob(ctx, jobId, outcome);
        }
      });
      if ((first / perTransaction) % 500 === 0) progress(`${first} / ${fillers} other jobs`);
    }
    jobsWritten += fillers;
    progress(`${jobsWritten} jobs`);
  } finally {
    Date.now = realNow;
  }
  return { counts, probe, jobs: jobsWritten, seconds: (performance.now() - started) / 1000 };
}
