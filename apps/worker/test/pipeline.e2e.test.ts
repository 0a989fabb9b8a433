// The bilan path end to end against the local runtime, with real processes and the offline
// providers: a seeded student submits → the worker generates (local writer) → review →
// the assigned coach approves → final PDF stored → one outbox email per recipient, with the PDF.
// Also: the seeded demo bilans reach their statuses through the same jobs, a re-run email job
// sends nothing twice, and a student without guardians gets a clear delivery failure.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getQuestionnaire, getSurvey, questionnaireFor } from "@nexus/shared/questionnaires";
import { ConvexHttpClient } from "convex/browser";
import PostalMime from "postal-mime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "../../../convex/_generated/api";
import type { Id } from "../../../convex/_generated/dataModel";
import { demoAnswers } from "../../../convex/model/seed";
import type { DevAuth } from "./dev-auth";
import {
  devAuth,
  type Runtime,
  startRuntime,
  startWorkerProcess,
  type WorkerProc,
} from "./harness";

const STUDENT = "theo.lambert@demo.nexus-reussite.fr";
const PARENT = "nathalie.lambert@demo.nexus-reussite.fr";
const COACH = "julien.moreau@demo.nexus-reussite.fr";
const CAMILLE = "camille.durand@demo.nexus-reussite.fr";
const ISABELLE = "isabelle.durand@demo.nexus-reussite.fr";
/** Candidate libre with no linked parent, followed by Claire Lefèvre. */
const INES = "ines.fontaine@demo.nexus-reussite.fr";
const INES_COACH = "claire.lefevre@demo.nexus-reussite.fr";

let auth: DevAuth;
let runtime: Runtime;
let worker: WorkerProc;
let outbox: string;

async function clientAs(email: string) {
  const client = new ConvexHttpClient(runtime.url);
  client.setAuth(await auth.token(email));
  await client.mutation(api.users.ensureCurrent, {});
  return client;
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out; last value: ${JSON.stringify(value)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The outbox's messages about one bilan (found by its dashboard link), with their file stats. */
async function outboxFor(bilanId: string) {
  const found = [];
  for (const file of readdirSync(outbox).filter((f) => f.endsWith(".eml"))) {
    const path = join(outbox, file);
    const email = await PostalMime.parse(readFileSync(path));
    if (email.text?.includes(`/bilans/${bilanId}`)) {
      found.push({ file, email, mtimeMs: statSync(path).mtimeMs });
    }
  }
  return found;
}

/** The jobs of one kind about one bilan, newest first. */
async function jobsFor(kind: "email.send" | "bilan.pdf" | "bilan.generate", bilanId: string) {
  const { page } = await runtime.staff.query(api.jobs.list, {
    kind,
    paginationOpts: { numItems: 100, cursor: null },
  });
  return page.filter((job) => job.target?.id === bilanId);
}

async function ownStudentId(client: ConvexHttpClient) {
  const mine = await client.query(api.students.listMine, {
    paginationOpts: { numItems: 5, cursor: null },
  });
  return mine.page[0]!._id as Id<"students">;
}

/** As the student: a draft for `subject`, answered by the demo generator, submitted. */
async function submitAs(email: string, subject: "nsi" | "maths", seed: number) {
  const student = await clientAs(email);
  const studentId = await ownStudentId(student);
  const bilanId = await student.mutation(api.bilans.createDraft, { studentId, subject });
  const draft = await student.query(api.bilans.get, { bilanId });
  await student.mutation(api.bilans.saveAnswers, {
    bilanId,
    answers: demoAnswers(getQuestionnaire(draft.questionnaireId), getSurvey(), {
      answered: 1,
      correct: 0.5,
      seed,
    }),
  });
  await student.mutation(api.bilans.submit, { bilanId });
  return bilanId;
}

/** Set by the first test: a bilan delivered to its family. */
let delivered: { bilanId: Id<"bilans">; pdfVersion: number } | undefined;

beforeAll(async () => {
  auth = devAuth;
  outbox = mkdtempSync(join(tmpdir(), "nexus-outbox-"));
  const env = {
    EMBEDDINGS_PROVIDER: "local",
  };
  runtime = await startRuntime(env);
  await runtime.worker.mutation(api.seed.run, {});
  worker = await startWorkerProcess(runtime.url, {
    ...env,
    LLM_PROVIDER: "local",
    EMAIL_OUTBOX_DIR: outbox,
    PUBLIC_APP_URL: "http://localhost:3000",
    RESEND_API_KEY: "",
  });
}, 90_000);

afterAll(async () => {
  await worker?.stop();
  await runtime?.stop();
  await auth?.close();
  rmSync(outbox, { recursive: true, force: true });
});

describe("bilan pipeline (offline, real processes)", () => {
  it("goes from submission to the family's inbox", async () => {
    const student = await clientAs(STUDENT);
    const mine = await student.query(api.students.listMine, {
      paginationOpts: { numItems: 5, cursor: null },
    });
    const studentId = mine.page[0]!._id as Id<"students">;
    const questionnaire = questionnaireFor("nsi", "terminale")!;
    const bilanId = await student.mutation(api.bilans.createDraft, { studentId, subject: "nsi" });
    await student.mutation(api.bilans.saveAnswers, {
      bilanId,
      answers: demoAnswers(getQuestionnaire(questionnaire.id), getSurvey(), {
        answered: 1,
        correct: 0.5,
        seed: 7,
      }),
    });
    await student.mutation(api.bilans.submit, { bilanId });

    const coach = await clientAs(COACH);
    const inReview = await waitFor(
      () => coach.query(api.bilans.get, { bilanId }),
      (b) => b.status === "review" || b.status === "failed",
    );
    expect(inReview.status).toBe("review");
    expect(inReview.generation?.provider).toBe("local");
    expect(inReview.synthesis?.recommendations.length).toBeGreaterThan(0);
    // Every percentage written in the summary is one the scoring computed.
    const computed = new Set([
      inReview.scores!.overall.percent,
      ...inReview.scores!.domains.map((d) => d.percent),
      ...inReview.profile!.dimensions.map((d) => d.score),
    ]);
    for (const match of JSON.stringify(inReview.synthesis).matchAll(/(\d+)\s?%/g)) {
      expect(computed).toContain(Number(match[1]));
    }

    await coach.mutation(api.review.approve, {
      bilanId,
      expectedVersion: inReview.synthesisVersion,
      coachNote: "Très bon travail, à poursuivre.",
    });
    const sent = await waitFor(
      () => coach.query(api.bilans.get, { bilanId }),
      (b) => b.status === "sent" || b.status === "failed" || b.failure !== undefined,
    );
    expect(sent.status).toBe("sent");
    expect(sent.pdf).toMatchObject({ final: true });

    // One .eml per recipient (the parent and the student), each with the final PDF attached.
    const messages = await outboxFor(bilanId);
    expect(messages).toHaveLength(2);
    const recipients: string[] = [];
    for (const { email } of messages) {
      recipients.push(email.to?.[0]?.address ?? "");
      expect(email.text).toContain("Théo");
      expect(email.text).toContain(`/bilans/${bilanId}`);
      const pdf = email.attachments.find((a) => a.mimeType === "application/pdf");
      expect(pdf).toBeDefined();
      const bytes = new Uint8Array(pdf!.content as ArrayBuffer);
      expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe("%PDF-");
      expect(bytes.byteLength).toBe(sent.pdf!.size);
    }
    expect(recipients.sort()).toEqual([PARENT, STUDENT].sort());

    // The parent now sees the approved synthesis of their child.
    const parent = await clientAs(PARENT);
    const seenByParent = await parent.query(api.bilans.get, { bilanId });
    expect(seenByParent.synthesis?.parentSummary).toBe(sent.synthesis?.parentSummary);
    delivered = { bilanId, pdfVersion: sent.pdf!.version };
  }, 90_000);

  it("never sends twice when the same email job runs again", async () => {
    expect(delivered).toBeDefined();
    const { bilanId, pdfVersion } = delivered!;
    const before = await outboxFor(bilanId);
    const allBefore = readdirSync(outbox)
      .filter((f) => f.endsWith(".eml"))
      .sort();
    const previous = await jobsFor("email.send", bilanId);
    expect(previous.map((j) => j.status)).toEqual(["completed"]);
    expect(previous[0]!.payload).toEqual({ bilanId, pdfVersion });

    // The CLI's `jobs enqueue email.send --payload …` path: a new job, same payload, no key.
    const { job, created } = await runtime.staff.mutation(api.jobs.enqueue, {
      kind: "email.send",
      payload: previous[0]!.payload,
    });
    expect(created).toBe(true);
    const done = await waitFor(
      async () => (await runtime.staff.query(api.jobs.get, { jobId: job.id })).job,
      (j) => j.status === "completed" || j.status === "failed",
    );
    expect(done.status).toBe("completed");
    expect(done.result).toMatchObject({ sent: 0, recipients: 2, delivered: true });

    expect(
      readdirSync(outbox)
        .filter((f) => f.endsWith(".eml"))
        .sort(),
    ).toEqual(allBefore);
    const after = await outboxFor(bilanId);
    expect(after.map((m) => [m.file, m.mtimeMs])).toEqual(before.map((m) => [m.file, m.mtimeMs]));
    const coach = await clientAs(COACH);
    const bilan = await coach.query(api.bilans.get, { bilanId });
    expect(bilan.status).toBe("sent");
    expect(bilan.failure).toBeUndefined();
  }, 60_000);

  it("fails delivery clearly for a student without guardians, writing no email", async () => {
    const bilanId = await submitAs(INES, "nsi", 5);
    const coach = await clientAs(INES_COACH);
    const inReview = await waitFor(
      () => coach.query(api.bilans.get, { bilanId }),
      (b) => b.status === "review" || b.status === "failed",
    );
    expect(inReview.status).toBe("review");
    await coach.mutation(api.review.approve, {
      bilanId,
      expectedVersion: inReview.synthesisVersion,
    });

    const message =
      "Aucun parent n'est rattaché à cet élève : le bilan ne peut pas être envoyé à la famille.";
    const failed = await waitFor(
      () => coach.query(api.bilans.get, { bilanId }),
      (b) => b.failure !== undefined || b.status === "sent",
    );
    expect(failed.status).toBe("approved");
    expect(failed.failure).toMatchObject({ stage: "email", message });
    // The final PDF is kept: once a parent is linked, retrying the job delivers it.
    expect(failed.pdf).toMatchObject({ final: true });

    const emailJobs = await waitFor(
      () => jobsFor("email.send", bilanId),
      (jobs) => jobs.length === 1 && jobs[0]!.status === "failed",
    );
    expect(emailJobs[0]!.lastError).toMatchObject({ message, retryable: false });
    expect(emailJobs[0]!.attempts).toBe(1);
    expect(await outboxFor(bilanId)).toEqual([]);
  }, 90_000);

  it("takes the seeded demo bilans through the same jobs: the approved ones reach the family", async () => {
    const coach = await clientAs(COACH);
    const camille = await clientAs(CAMILLE);
    const studentId = await ownStudentId(camille);
    const list = await coach.query(api.bilans.listForStudent, {
      studentId,
      paginationOpts: { numItems: 10, cursor: null },
    });
    // Camille has two maths bilans: the one in review and an earlier one, approved by the seed.
    const one = (subject: string, statuses: string[]) => {
      const found = list.page.filter((b) => b.subject === subject && statuses.includes(b.status));
      expect(found).toHaveLength(1);
      return found[0]!._id as Id<"bilans">;
    };
    const review = await waitFor(
      () => coach.query(api.bilans.get, { bilanId: one("maths", ["review"]) }),
      (b) => b.pdf !== undefined,
    );
    expect(review.status).toBe("review");
    expect(review.generation).toMatchObject({ provider: "local", model: "nexus-local-writer" });
    expect(review.synthesis?.summary).toContain("Camille");
    expect(review.pdf).toMatchObject({ final: false });

    for (const bilanId of [
      one("nsi", ["approved", "sent", "failed"]),
      one("maths", ["approved", "sent", "failed"]),
    ]) {
      const sent = await waitFor(
        () => coach.query(api.bilans.get, { bilanId }),
        (b) => b.status === "sent" || b.failure !== undefined,
      );
      expect(sent.status).toBe("sent");
      expect(sent.pdf).toMatchObject({ final: true, version: 1 });
      expect(sent.review?.coachNote).toContain("Camille");
      const recipients = (await outboxFor(bilanId)).map((m) => m.email.to?.[0]?.address).sort();
      expect(recipients).toEqual([CAMILLE, ISABELLE].sort());
    }
  }, 60_000);
});
