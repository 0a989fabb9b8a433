// The bilan path end to end against the local runtime, with real processes and the offline
// providers: a seeded student submits → the worker generates (local writer) → review →
// the assigned coach approves → final PDF stored → one outbox email per recipient, with the PDF.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getQuestionnaire, getSurvey, questionnaireFor } from "@nexus/shared/questionnaires";
import { ConvexHttpClient } from "convex/browser";
import PostalMime from "postal-mime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "../../../convex/_generated/api";
import type { Id } from "../../../convex/_generated/dataModel";
import { demoAnswers } from "../../../convex/model/seed";
import { type DevAuth, startDevAuth } from "./dev-auth";
import { type Runtime, startRuntime, startWorkerProcess, type WorkerProc } from "./harness";

const STUDENT = "theo.lambert@demo.nexus-reussite.fr";
const PARENT = "nathalie.lambert@demo.nexus-reussite.fr";
const COACH = "julien.moreau@demo.nexus-reussite.fr";

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

beforeAll(async () => {
  auth = await startDevAuth();
  outbox = mkdtempSync(join(tmpdir(), "nexus-outbox-"));
  const env = {
    DEV_AUTH_ISSUER: auth.issuer,
    DEV_AUTH_JWKS_URL: auth.jwksUrl,
    EMBEDDINGS_PROVIDER: "local",
  };
  runtime = await startRuntime(env);
  await runtime.admin.mutation(api.seed.run, {});
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
      coachNote: "Très bon travail, à poursuivre.",
    });
    const sent = await waitFor(
      () => coach.query(api.bilans.get, { bilanId }),
      (b) => b.status === "sent" || b.status === "failed" || b.failure !== undefined,
    );
    expect(sent.status).toBe("sent");
    expect(sent.pdf).toMatchObject({ final: true });

    // One .eml per recipient (the parent and the student), each with the final PDF attached.
    const files = readdirSync(outbox).filter((f) => f.endsWith(".eml"));
    expect(files).toHaveLength(2);
    const recipients: string[] = [];
    for (const file of files) {
      const email = await PostalMime.parse(readFileSync(join(outbox, file)));
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
  }, 90_000);
});
