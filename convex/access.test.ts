// The access control matrix: every public function × every kind of caller ×
// own vs. foreign student. People's functions are rows of the matrix, also called with an
// API key's session token (the CLI) and by the worker (always refused); worker functions
// are refused to everyone else. Adding a public function means adding a row here (the
// coverage test below fails otherwise).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import type { Id, TableNames } from "./_generated/dataModel";
import {
  adminOnly,
  type Client,
  everyone,
  type MatrixRow,
  ownOnly,
  type RoleExpectations,
  readers,
  staffOnly,
  type Target,
  type WorkerRow,
} from "./accessMatrix.fixtures";
import { ARIA_ROWS, ARIA_WORKER_ROWS } from "./ariaAccess.fixtures";
import { COACHING_ROWS, COACHING_WORKER_ROWS } from "./coachingAccess.fixtures";
import { patchBilan } from "./model/bilanHeads";
import { modules } from "./test.setup";
import {
  as,
  asApiKey,
  asWorker,
  CALLERS,
  type Caller,
  freshWorld,
  insertApiKey,
  type Outcome,
  outcomeOf,
  testSynthesis as synthesis,
  type World,
  withApiKey,
} from "./world.fixtures";

/** A report's SHA-256, as the worker computes it before sending. */
const PDF_SHA256 = "ab".repeat(32);

type Newcomer = "anon" | "noRow" | "noRole" | "revokedKey" | "worker";

interface Row extends MatrixRow {
  /**
   * Defaults: anon → UNAUTHENTICATED, noRow → UNKNOWN_USER, noRole → NO_ROLE,
   * revokedKey (the session token of a revoked API key) → UNAUTHENTICATED,
   * worker (the worker's identity, never a person) → FORBIDDEN.
   */
  newcomers?: Partial<Record<Newcomer, Outcome>>;
}

const page = { numItems: 10, cursor: null };
/** Only the bilan's own student (or staff) answers; other readers get FORBIDDEN, strangers NOT_FOUND. */
const readOnly = { own: "FORBIDDEN", foreign: "NOT_FOUND" } as const;
const answerers: RoleExpectations = { ...readers, coach: readOnly, parent: readOnly };

const ROWS: Row[] = [
  {
    fn: "users:ensureCurrent",
    targeted: false,
    call: (c) => c.mutation(api.users.ensureCurrent, {}),
    expect: everyone,
    newcomers: { noRow: "ok", noRole: "ok" },
  },
  {
    fn: "users:me",
    targeted: false,
    call: (c) => c.query(api.users.me, {}),
    expect: everyone,
    // A revoked key's session has no person: null, as before ensureCurrent.
    newcomers: { noRow: "ok", noRole: "ok", revokedKey: "ok" },
  },
  {
    fn: "users:accountState",
    targeted: false,
    call: (c) => c.query(api.users.accountState, {}),
    expect: everyone,
    // Never throws: it only describes the caller's own account (the erased-page guard).
    newcomers: { anon: "ok", noRow: "ok", noRole: "ok", revokedKey: "ok", worker: "ok" },
  },
  {
    fn: "users:setRole",
    targeted: false,
    call: (c, w) => c.mutation(api.users.setRole, { userId: w.users.noRole, role: "eleve" }),
    expect: adminOnly,
  },
  {
    fn: "users:list",
    targeted: false,
    call: (c) => c.query(api.users.list, { paginationOpts: page }),
    expect: staffOnly,
  },
  {
    fn: "users:setActive",
    targeted: false,
    call: (c, w) => c.mutation(api.users.setActive, { userId: w.users.noRole, active: false }),
    expect: adminOnly,
  },
  {
    fn: "users:setMySalutation",
    targeted: false,
    // Always the caller's own row (no user argument): parents only.
    call: (c) => c.mutation(api.users.setMySalutation, { choice: { style: "neutre" } }),
    expect: {
      admin: "FORBIDDEN",
      assistante: "FORBIDDEN",
      coach: "FORBIDDEN",
      parent: "ok",
      eleve: "FORBIDDEN",
    },
  },
  {
    fn: "users:search",
    targeted: false,
    call: (c) => c.query(api.users.search, { text: "parent" }),
    expect: staffOnly,
  },
  {
    fn: "students:search",
    targeted: false,
    call: (c) => c.query(api.students.search, { text: "Alice" }),
    expect: staffOnly,
  },
  {
    fn: "students:create",
    targeted: false,
    call: (c) =>
      c.mutation(api.students.create, {
        firstName: "Zoé",
        lastName: "Nouvelle",
        niveau: "seconde",
        statut: "scolarise",
        specialites: [],
      }),
    expect: staffOnly,
  },
  {
    fn: "students:update",
    targeted: true,
    call: (c, w, target) =>
      c.mutation(api.students.update, { studentId: w.students[target], school: "Lycée Pasteur" }),
    expect: staffOnly,
  },
  {
    fn: "students:get",
    targeted: true,
    call: (c, w, target) => c.query(api.students.get, { studentId: w.students[target] }),
    expect: readers,
  },
  {
    fn: "students:listMine",
    targeted: false,
    call: (c) => c.query(api.students.listMine, { paginationOpts: page }),
    expect: everyone,
  },
  {
    fn: "students:relations",
    targeted: true,
    call: (c, w, target) => c.query(api.students.relations, { studentId: w.students[target] }),
    expect: readers,
  },
  {
    fn: "students:linkParent",
    targeted: true,
    call: (c, w, target) =>
      c.mutation(api.students.linkParent, {
        studentId: w.students[target],
        parentId: w.users.spareParent,
      }),
    expect: staffOnly,
  },
  {
    fn: "students:unlinkParent",
    targeted: true,
    call: (c, w, target) =>
      c.mutation(api.students.unlinkParent, {
        studentId: w.students[target],
        parentId: target === "own" ? w.users.parent : w.users.foreignParent,
      }),
    expect: staffOnly,
  },
  {
    fn: "students:assignCoach",
    targeted: true,
    call: (c, w, target) =>
      c.mutation(api.students.assignCoach, {
        studentId: w.students[target],
        coachId: w.users.spareCoach,
      }),
    expect: staffOnly,
  },
  {
    fn: "students:unassignCoach",
    targeted: true,
    call: (c, w, target) =>
      c.mutation(api.students.unassignCoach, {
        studentId: w.students[target],
        coachId: target === "own" ? w.users.coach : w.users.foreignCoach,
      }),
    expect: staffOnly,
  },
  {
    fn: "bilans:createDraft",
    targeted: true,
    call: (c, w, target) =>
      c.mutation(api.bilans.createDraft, { studentId: w.students[target], subject: "maths" }),
    // The student themself, staff, or the assigned coach; a parent reads but does not open bilans.
    expect: { ...readers, parent: readOnly },
  },
  {
    fn: "bilans:saveAnswers",
    targeted: true,
    call: (c, w, target) =>
      c.mutation(api.bilans.saveAnswers, {
        bilanId: w.bilans[target],
        answers: { qcm: {}, survey: {} },
      }),
    expect: answerers,
  },
  {
    fn: "bilans:submit",
    targeted: true,
    call: (c, w, target) => c.mutation(api.bilans.submit, { bilanId: w.bilans[target] }),
    expect: answerers,
  },
  {
    fn: "bilans:get",
    targeted: true,
    call: (c, w, target) => c.query(api.bilans.get, { bilanId: w.bilans[target] }),
    expect: readers,
  },
  {
    fn: "bilans:listForStudent",
    targeted: true,
    call: (c, w, target) =>
      c.query(api.bilans.listForStudent, { studentId: w.students[target], paginationOpts: page }),
    expect: readers,
  },
  {
    fn: "bilans:questionnaire",
    targeted: true,
    call: (c, w, target) => c.query(api.bilans.questionnaire, { bilanId: w.bilans[target] }),
    expect: readers,
  },
  {
    fn: "bilans:availableSubjects",
    targeted: true,
    call: (c, w, target) =>
      c.query(api.bilans.availableSubjects, { studentId: w.students[target] }),
    expect: readers,
  },
  {
    fn: "bilans:progress",
    targeted: true,
    call: (c, w, target) => c.query(api.bilans.progress, { bilanId: w.bilans[target] }),
    expect: readers,
  },
  {
    fn: "bilans:previousResults",
    targeted: true,
    call: (c, w, target) => c.query(api.bilans.previousResults, { bilanId: w.bilans[target] }),
    expect: readers,
  },
  {
    fn: "students:listMineWithLatestBilan",
    targeted: false,
    call: (c) => c.query(api.students.listMineWithLatestBilan, { paginationOpts: page }),
    expect: everyone,
  },
];

/** A key of the target student's own account (the eleve of each family). */
async function studentKey(c: Client, w: World, target: Target): Promise<Id<"apiKeys">> {
  const owner = target === "own" ? w.users.eleve : w.users.foreignEleve;
  return await c.run(
    async (ctx) =>
      await ctx.db.insert("apiKeys", {
        userId: owner,
        label: "portable",
        hash: `hash-${target}`,
        hint: "nxr_abcdef…",
        createdAt: 1,
      }),
  );
}

/** An e-mail a worker left half-sent, waiting for staff to confirm it. */
async function unconfirmedEmail(c: Client, w: World): Promise<Id<"emails">> {
  return await c.run(
    async (ctx) =>
      await ctx.db.insert("emails", {
        to: "parent@test.fr",
        recipientUserId: w.users.parent,
        template: "bilan-parent",
        subject: "Bilan",
        bilanId: w.bilans.own,
        pdfVersion: 1,
        status: "unconfirmed",
        idempotencyKey: `key-${Math.random()}`,
        createdAt: 1,
      }),
  );
}

/** A failed e-mail of the own bilan, whose final report (version 1) is still current. */
async function failedEmail(c: Client, w: World): Promise<Id<"emails">> {
  return await c.run(async (ctx) => {
    const bilan = await ctx.db.get(w.bilans.own);
    if (!bilan?.pdf) {
      const storageId = await ctx.storage.store(new Blob(["%PDF-1.7"]));
      await patchBilan(ctx, w.bilans.own, {
        status: "sent",
        pdf: { storageId, version: 1, size: 8, final: true, generatedAt: 1 },
      });
    }
    return await ctx.db.insert("emails", {
      to: "parent@test.fr",
      recipientUserId: w.users.parent,
      template: "bilan-parent",
      subject: "Bilan",
      bilanId: w.bilans.own,
      pdfVersion: 1,
      status: "failed",
      error: "refusé par le fournisseur",
      idempotencyKey: `key-${Math.random()}`,
      createdAt: 1,
    });
  });
}

/** A job in the given status, as the queue would leave it. */
async function jobIn(c: Client, status: "pending" | "failed"): Promise<Id<"jobs">> {
  return await c.run(
    async (ctx) =>
      await ctx.db.insert("jobs", {
        kind: "system.echo",
        payload: { sleepMs: 0 },
        status,
        priority: 0,
        negPriority: 0,
        runAt: 1,
        attempts: status === "failed" ? 1 : 0,
        maxAttempts: 1,
        createdAt: 1,
        updatedAt: 1,
      }),
  );
}

/** A link's token that no invitation has. */
const UNKNOWN_TOKEN = "x".repeat(43);

/** A parent invitation for the own student (staff only; others are refused first). */
function invite(c: Client, w: World) {
  return c.mutation(api.invitations.create, {
    email: "invite@test.fr",
    role: "parent",
    studentIds: [w.students.own],
  });
}

const ACCOUNT_ROWS: Row[] = [
  {
    fn: "health:check",
    targeted: false,
    call: (c) => c.query(api.health.check, {}),
    expect: everyone,
    newcomers: { anon: "ok", noRow: "ok", noRole: "ok", revokedKey: "ok", worker: "ok" },
  },
  {
    fn: "invitations:create",
    targeted: false,
    call: (c, w) => invite(c, w),
    expect: staffOnly,
  },
  {
    fn: "invitations:list",
    targeted: false,
    call: (c) => c.query(api.invitations.list, { paginationOpts: page }),
    expect: staffOnly,
  },
  {
    fn: "invitations:resend",
    targeted: false,
    call: async (c, w) => c.mutation(api.invitations.resend, { invitationId: await invite(c, w) }),
    expect: staffOnly,
  },
  {
    fn: "invitations:revoke",
    targeted: false,
    call: async (c, w) => c.mutation(api.invitations.revoke, { invitationId: await invite(c, w) }),
    expect: staffOnly,
  },
  {
    fn: "invitations:preview",
    targeted: false,
    call: (c) => c.query(api.invitations.preview, { token: UNKNOWN_TOKEN, now: 1 }),
    expect: everyone,
    // The link's landing page, before anyone signs in: only a status for an unknown token.
    newcomers: { anon: "ok", noRow: "ok", noRole: "ok", revokedKey: "ok", worker: "ok" },
  },
  {
    fn: "invitations:accept",
    targeted: false,
    call: (c) => c.mutation(api.invitations.accept, { token: UNKNOWN_TOKEN }),
    // Any signed-in account may try a link; an unknown token is NOT_FOUND for all.
    expect: {
      admin: "NOT_FOUND",
      assistante: "NOT_FOUND",
      coach: "NOT_FOUND",
      parent: "NOT_FOUND",
      eleve: "NOT_FOUND",
    },
    newcomers: { noRole: "NOT_FOUND" },
  },
  {
    fn: "apiKeys:create",
    targeted: false,
    call: (c) => c.mutation(api.apiKeys.create, { label: "portable" }),
    expect: staffOnly,
  },
  {
    fn: "apiKeys:list",
    targeted: false,
    call: (c) => c.query(api.apiKeys.list, {}),
    expect: everyone,
    // A person whose role was withdrawn still sees (and may revoke) their own keys.
    newcomers: { noRole: "ok" },
  },
  {
    fn: "apiKeys:revoke",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.apiKeys.revoke, { keyId: await studentKey(c, w, target) }),
    // Staff revoke anyone's key; a person only their own (someone else's is NOT_FOUND).
    expect: {
      ...staffOnly,
      coach: "NOT_FOUND",
      parent: "NOT_FOUND",
      eleve: { own: "ok", foreign: "NOT_FOUND" },
    },
    newcomers: { noRole: "NOT_FOUND" },
  },
  {
    fn: "jobs:list",
    targeted: false,
    call: (c) => c.query(api.jobs.list, { paginationOpts: page }),
    expect: staffOnly,
  },
  {
    fn: "jobs:get",
    targeted: false,
    call: async (c) => c.query(api.jobs.get, { jobId: await jobIn(c, "pending") }),
    expect: staffOnly,
  },
  {
    fn: "jobs:enqueue",
    targeted: false,
    call: (c) => c.mutation(api.jobs.enqueue, { kind: "system.echo", payload: { sleepMs: 0 } }),
    expect: staffOnly,
  },
  {
    fn: "jobs:retry",
    targeted: false,
    call: async (c) => c.mutation(api.jobs.retry, { jobId: await jobIn(c, "failed") }),
    expect: staffOnly,
  },
  {
    fn: "jobs:cancel",
    targeted: false,
    call: async (c) => c.mutation(api.jobs.cancel, { jobId: await jobIn(c, "pending") }),
    expect: staffOnly,
  },
  {
    fn: "jobs:reprocess",
    targeted: true,
    call: (c, w, target) =>
      c.mutation(api.jobs.reprocess, { target: "bilan", id: w.bilans[target] }),
    expect: staffOnly,
  },
  {
    fn: "jobs:stats",
    targeted: false,
    call: (c) => c.query(api.jobs.stats, { now: 60_000 }),
    expect: staffOnly,
  },
  {
    fn: "jobs:pauses",
    targeted: false,
    call: (c) => c.query(api.jobs.pauses, {}),
    expect: staffOnly,
  },
  {
    fn: "jobs:pause",
    targeted: false,
    call: (c) => c.mutation(api.jobs.pause, { kind: "system.echo" }),
    expect: staffOnly,
  },
  {
    fn: "jobs:resume",
    targeted: false,
    call: (c) => c.mutation(api.jobs.resume, { kind: "system.echo" }),
    expect: staffOnly,
  },
  {
    fn: "operator:listBilans",
    targeted: false,
    call: (c) => c.query(api.operator.listBilans, { limit: 5 }),
    expect: staffOnly,
  },
  {
    fn: "operator:bilanDetail",
    targeted: true,
    call: (c, w, target) => c.query(api.operator.bilanDetail, { bilanId: w.bilans[target] }),
    expect: staffOnly,
  },
  {
    fn: "audit:list",
    targeted: false,
    call: (c) => c.query(api.audit.list, { paginationOpts: page }),
    expect: staffOnly,
  },
  {
    fn: "stats:dashboard",
    targeted: false,
    call: (c) => c.query(api.stats.dashboard, { weeks: 12, now: 60_000 }),
    expect: staffOnly,
  },
  {
    fn: "emails:list",
    targeted: false,
    call: (c) => c.query(api.emails.list, { status: "unconfirmed" }),
    expect: staffOnly,
  },
  {
    fn: "emails:page",
    targeted: false,
    call: (c) => c.query(api.emails.page, { status: "failed", paginationOpts: page }),
    expect: staffOnly,
  },
  {
    fn: "emails:preview",
    targeted: false,
    call: async (c, w) => c.query(api.emails.preview, { emailId: await unconfirmedEmail(c, w) }),
    expect: staffOnly,
  },
  {
    fn: "emails:resend",
    targeted: false,
    call: async (c, w) => c.mutation(api.emails.resend, { emailId: await failedEmail(c, w) }),
    expect: staffOnly,
  },
  {
    fn: "emails:forStudent",
    targeted: true,
    call: (c, w, target) => c.query(api.emails.forStudent, { studentId: w.students[target] }),
    expect: readers,
  },
  {
    fn: "emails:confirm",
    targeted: false,
    call: async (c, w) =>
      c.mutation(api.emails.confirm, { emailId: await unconfirmedEmail(c, w), delivered: true }),
    expect: staffOnly,
  },
  {
    fn: "workers:list",
    targeted: false,
    call: (c) => c.query(api.workers.list, {}),
    expect: staffOnly,
  },
  {
    fn: "alerts:list",
    targeted: false,
    call: (c) => c.query(api.alerts.list, {}),
    expect: staffOnly,
  },
  {
    fn: "alerts:health",
    targeted: false,
    call: (c) => c.query(api.alerts.health, { now: 60_000 }),
    expect: staffOnly,
  },
];

const reviewers: RoleExpectations = {
  admin: "ok",
  assistante: "ok",
  coach: ownOnly,
  parent: "FORBIDDEN",
  eleve: "FORBIDDEN",
};
/** Staff everywhere, a coach for its own students; families never. */
const documentManagers: RoleExpectations = reviewers;

/** Puts the target bilan in review with a synthesis, as the generation job would. */
async function inReview(c: Client, w: World, target: Target): Promise<Id<"bilans">> {
  const bilanId = w.bilans[target];
  await c.run(async (ctx) => {
    await patchBilan(ctx, bilanId, { status: "review", synthesis });
  });
  return bilanId;
}

/** A document of the target student, indexed nowhere (enough for access checks). */
async function studentDocument(c: Client, w: World, target: Target): Promise<Id<"documents">> {
  return await c.run(async (ctx) => {
    const storageId = await ctx.storage.store(new Blob(["%PDF-1.4"], { type: "application/pdf" }));
    return await ctx.db.insert("documents", {
      scope: "student",
      studentId: w.students[target],
      title: "Copie",
      mime: "application/pdf",
      size: 8,
      sha256: `sha-${target}`,
      storageId,
      status: "indexed",
      createdAt: 1,
      updatedAt: 1,
    });
  });
}

const PIPELINE_ROWS: Row[] = [
  {
    fn: "review:approve",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.review.approve, {
        bilanId: await inReview(c, w, target),
        expectedVersion: 0,
      }),
    expect: reviewers,
  },
  {
    fn: "review:editSynthesis",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.review.editSynthesis, {
        bilanId: await inReview(c, w, target),
        synthesis,
        baseVersion: 0,
      }),
    expect: reviewers,
  },
  {
    fn: "review:requestRegeneration",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.review.requestRegeneration, { bilanId: await inReview(c, w, target) }),
    expect: reviewers,
  },
  {
    fn: "review:revisions",
    targeted: true,
    call: (c, w, target) => c.query(api.review.revisions, { bilanId: w.bilans[target] }),
    expect: reviewers,
  },
  {
    fn: "provenance:bilanTimeline",
    targeted: true,
    call: (c, w, target) => c.query(api.provenance.bilanTimeline, { bilanId: w.bilans[target] }),
    expect: reviewers,
  },
  {
    fn: "provenance:documentTimeline",
    targeted: true,
    call: async (c, w, target) =>
      c.query(api.provenance.documentTimeline, {
        documentId: await studentDocument(c, w, target),
      }),
    expect: staffOnly,
  },
  {
    fn: "provenance:documentChunks",
    targeted: true,
    call: async (c, w, target) =>
      c.query(api.provenance.documentChunks, {
        documentId: await studentDocument(c, w, target),
        paginationOpts: page,
      }),
    expect: staffOnly,
  },
  {
    fn: "review:queue",
    targeted: false,
    call: (c) => c.query(api.review.queue, {}),
    expect: { ...staffOnly, coach: "ok" },
  },
  {
    fn: "presence:heartbeat",
    targeted: true,
    call: (c, w, target) => c.mutation(api.presence.heartbeat, { bilanId: w.bilans[target] }),
    expect: reviewers,
  },
  {
    fn: "presence:leave",
    targeted: true,
    call: (c, w, target) => c.mutation(api.presence.leave, { bilanId: w.bilans[target] }),
    expect: reviewers,
  },
  {
    fn: "presence:list",
    targeted: true,
    call: (c, w, target) => c.query(api.presence.list, { bilanId: w.bilans[target], now: 60_000 }),
    expect: reviewers,
  },
  {
    fn: "documents:generateUploadUrl",
    targeted: false,
    call: (c) => c.mutation(api.documents.generateUploadUrl, {}),
    expect: { ...staffOnly, coach: "ok" },
  },
  {
    fn: "documents:create",
    targeted: true,
    call: async (c, w, target) => {
      const { uploadId } = await c.mutation(api.documents.generateUploadUrl, {});
      const storageId = await c.run(
        async (ctx) =>
          await ctx.storage.store(new Blob(["%PDF-1.4 copie"], { type: "application/pdf" })),
      );
      return c.action(api.documents.create, {
        uploadId,
        storageId,
        title: "Copie",
        scope: "student",
        studentId: w.students[target],
      });
    },
    expect: documentManagers,
  },
  {
    fn: "documents:get",
    targeted: true,
    call: async (c, w, target) =>
      c.query(api.documents.get, { documentId: await studentDocument(c, w, target) }),
    expect: readers,
  },
  {
    fn: "documents:passage",
    targeted: true,
    call: async (c, w, target) => {
      const documentId = await studentDocument(c, w, target);
      const chunkId = await c.run(
        async (ctx) =>
          await ctx.db.insert("chunks", {
            documentId,
            generation: 1,
            ordinal: 0,
            scopeKey: `student:${w.students[target]}`,
            studentId: w.students[target],
            embeddingModel: "test",
            scopeModelKey: `student:${w.students[target]}|test`,
            text: "Passage cité",
            pageStart: 1,
            pageEnd: 1,
            contentHash: "h",
            embedding: new Array(1536).fill(0),
          }),
      );
      return c.query(api.documents.passage, { chunkId });
    },
    expect: readers,
  },
  {
    fn: "documents:list",
    targeted: true,
    call: (c, w, target) => c.query(api.documents.list, { studentId: w.students[target] }),
    expect: readers,
  },
  {
    fn: "documents:statuses",
    targeted: true,
    // Never refused to a person: a document the caller may not read is null (knowledge.test.ts).
    call: async (c, w, target) =>
      c.query(api.documents.statuses, { documentIds: [await studentDocument(c, w, target)] }),
    expect: everyone,
  },
  {
    fn: "documents:remove",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.documents.remove, { documentId: await studentDocument(c, w, target) }),
    expect: {
      ...documentManagers,
      parent: { own: "FORBIDDEN", foreign: "NOT_FOUND" },
      eleve: { own: "FORBIDDEN", foreign: "NOT_FOUND" },
    },
  },
  {
    fn: "documents:reindex",
    targeted: true,
    call: async (c, w, target) =>
      c.mutation(api.documents.reindex, { documentId: await studentDocument(c, w, target) }),
    expect: {
      ...documentManagers,
      parent: { own: "FORBIDDEN", foreign: "NOT_FOUND" },
      eleve: { own: "FORBIDDEN", foreign: "NOT_FOUND" },
    },
  },
  {
    fn: "files:bilanReportUrl",
    targeted: true,
    call: async (c, w, target) => {
      const bilanId = w.bilans[target];
      await c.run(async (ctx) => {
        const storageId = await ctx.storage.store(new Blob(["%PDF-1.7 rapport"]));
        await patchBilan(ctx, bilanId, {
          status: "sent",
          pdf: { storageId, version: 1, size: 16, final: true, generatedAt: 1 },
        });
      });
      return c.action(api.files.bilanReportUrl, { bilanId });
    },
    expect: readers,
  },
  {
    fn: "files:documentUrl",
    targeted: true,
    call: async (c, w, target) =>
      c.action(api.files.documentUrl, { documentId: await studentDocument(c, w, target) }),
    expect: readers,
  },
  {
    fn: "knowledge:search",
    targeted: true,
    call: (c, w, target) =>
      c.action(api.knowledge.search, { query: "dérivée", studentId: w.students[target] }),
    expect: readers,
  },
];

type MatrixCaller = Caller | "revokedKey" | "worker";

function expected(row: Row, caller: MatrixCaller, target: Target): Outcome {
  if (
    caller === "anon" ||
    caller === "noRow" ||
    caller === "noRole" ||
    caller === "revokedKey" ||
    caller === "worker"
  ) {
    const defaults = {
      anon: "UNAUTHENTICATED",
      noRow: "UNKNOWN_USER",
      noRole: "NO_ROLE",
      revokedKey: "UNAUTHENTICATED",
      worker: "FORBIDDEN",
    } as const;
    return row.newcomers?.[caller] ?? defaults[caller];
  }
  const rule = row.expect[caller];
  return typeof rule === "string" ? rule : rule[target];
}

/** Personal data and notifications (issue 16): always the caller's own rows. */
const RGPD_ROWS: Row[] = [
  {
    fn: "notifications:list",
    targeted: false,
    call: (c) => c.query(api.notifications.list, { paginationOpts: page }),
    expect: everyone,
  },
  {
    fn: "notifications:unreadCount",
    targeted: false,
    call: (c) => c.query(api.notifications.unreadCount, {}),
    expect: everyone,
  },
  {
    fn: "notifications:markRead",
    targeted: false,
    // Nobody's notification: NOT_FOUND for every role (someone else's: notifications.test.ts).
    call: (c) =>
      c.mutation(api.notifications.markRead, { notificationId: nowhere("notifications") }),
    expect: {
      admin: "NOT_FOUND",
      assistante: "NOT_FOUND",
      coach: "NOT_FOUND",
      parent: "NOT_FOUND",
      eleve: "NOT_FOUND",
    },
  },
  {
    fn: "notifications:markAllRead",
    targeted: false,
    call: (c) => c.mutation(api.notifications.markAllRead, {}),
    expect: everyone,
  },
  {
    fn: "rgpd:requestExport",
    targeted: true,
    call: (c, w, target) => c.mutation(api.rgpd.requestExport, { studentId: w.students[target] }),
    // A coach follows a student but may not take their data away.
    expect: { ...readers, coach: "NOT_FOUND" },
  },
  {
    fn: "rgpd:requestErasure",
    targeted: true,
    call: (c, w, target) => c.mutation(api.rgpd.requestErasure, { studentId: w.students[target] }),
    expect: { ...readers, coach: "NOT_FOUND" },
  },
  {
    fn: "rgpd:myRequests",
    targeted: false,
    call: (c) => c.query(api.rgpd.myRequests, {}),
    expect: everyone,
  },
  {
    fn: "rgpd:exportUrl",
    targeted: false,
    // Nobody's export: NOT_FOUND (someone else's, even for staff: rgpd.test.ts).
    call: (c) => c.action(api.rgpd.exportUrl, { requestId: nowhere("rgpdRequests") }),
    expect: {
      admin: "NOT_FOUND",
      assistante: "NOT_FOUND",
      coach: "NOT_FOUND",
      parent: "NOT_FOUND",
      eleve: "NOT_FOUND",
    },
  },
  {
    fn: "rgpd:listRequests",
    targeted: false,
    call: (c) => c.query(api.rgpd.listRequests, { kind: "erasure" }),
    expect: staffOnly,
  },
  {
    fn: "rgpd:erasurePlan",
    targeted: false,
    call: (c) => c.query(api.rgpd.erasurePlan, { requestId: nowhere("rgpdRequests") }),
    expect: { ...staffOnly, admin: "NOT_FOUND", assistante: "NOT_FOUND" },
  },
  {
    fn: "rgpd:planFor",
    targeted: true,
    call: (c, w, target) => c.query(api.rgpd.planFor, { studentId: w.students[target] }),
    expect: staffOnly,
  },
  {
    fn: "rgpd:confirmErasure",
    targeted: false,
    call: (c) => c.mutation(api.rgpd.confirmErasure, { requestId: nowhere("rgpdRequests") }),
    expect: { ...staffOnly, admin: "NOT_FOUND", assistante: "NOT_FOUND" },
  },
  {
    fn: "rgpd:rejectErasure",
    targeted: false,
    call: (c) =>
      c.mutation(api.rgpd.rejectErasure, {
        requestId: nowhere("rgpdRequests"),
        reason: "Demande en double",
      }),
    expect: { ...staffOnly, admin: "NOT_FOUND", assistante: "NOT_FOUND" },
  },
  {
    fn: "consents:noticeStatus",
    targeted: false,
    call: (c) => c.query(api.consents.noticeStatus, {}),
    expect: everyone,
  },
  {
    fn: "consents:acknowledge",
    targeted: false,
    call: (c) => c.mutation(api.consents.acknowledge, {}),
    expect: everyone,
  },
  {
    fn: "consents:ariaStatus",
    targeted: true,
    call: (c, w, target) => c.query(api.consents.ariaStatus, { studentId: w.students[target] }),
    expect: readers,
  },
  {
    fn: "consents:giveParentalAria",
    targeted: true,
    call: (c, w, target) =>
      c.mutation(api.consents.giveParentalAria, { studentId: w.students[target] }),
    expect: {
      admin: "FORBIDDEN",
      assistante: "FORBIDDEN",
      coach: "FORBIDDEN",
      parent: ownOnly,
      eleve: "FORBIDDEN",
    },
  },
  {
    fn: "consents:withdrawParentalAria",
    targeted: true,
    call: (c, w, target) =>
      c.mutation(api.consents.withdrawParentalAria, { studentId: w.students[target] }),
    expect: {
      admin: "FORBIDDEN",
      assistante: "FORBIDDEN",
      coach: "FORBIDDEN",
      parent: ownOnly,
      eleve: "FORBIDDEN",
    },
  },
  {
    fn: "emailPreferences:mine",
    targeted: false,
    call: (c) => c.query(api.emailPreferences.mine, {}),
    expect: everyone,
  },
  {
    fn: "emailPreferences:set",
    targeted: false,
    call: (c) => c.mutation(api.emailPreferences.set, { kind: "aria", enabled: false }),
    expect: everyone,
  },
  {
    fn: "emailPreferences:unsubscribeInfo",
    targeted: false,
    call: (c) => c.query(api.emailPreferences.unsubscribeInfo, { token: "abc.def" }),
    expect: everyone,
    // The link's page, signed out: a bad token only says it is invalid.
    newcomers: { anon: "ok", noRow: "ok", noRole: "ok", revokedKey: "ok", worker: "ok" },
  },
  {
    fn: "emailPreferences:unsubscribe",
    targeted: false,
    call: (c) => c.mutation(api.emailPreferences.unsubscribe, { token: "abc.def" }),
    expect: everyone,
    newcomers: { anon: "ok", noRow: "ok", noRole: "ok", revokedKey: "ok", worker: "ok" },
  },
  {
    fn: "retention:overview",
    targeted: false,
    call: (c) => c.query(api.retention.overview, { now: 1 }),
    expect: staffOnly,
  },
  {
    fn: "retention:run",
    targeted: false,
    call: (c) => c.mutation(api.retention.run, {}),
    expect: staffOnly,
  },
];

const ALL_ROWS = [
  ...ROWS,
  ...ACCOUNT_ROWS,
  ...PIPELINE_ROWS,
  ...RGPD_ROWS,
  ...ARIA_ROWS,
  ...COACHING_ROWS,
];

function casesFor<C extends MatrixCaller>(callers: readonly C[]) {
  return ALL_ROWS.flatMap((row) =>
    callers.flatMap((caller) =>
      (row.targeted ? (["own", "foreign"] as const) : (["own"] as const)).map((target) => ({
        row,
        caller,
        target,
        label: `${row.fn} as ${caller}${row.targeted ? ` on ${target} student` : ""}`,
      })),
    ),
  );
}

/** People calling through the CLI: the same outcome as signed in to the web app. */
const KEY_HOLDERS = ["admin", "assistante", "coach", "parent", "eleve"] as const;

/** A syntactically valid id of a table, pointing nowhere (worker checks come first). */
function nowhere<Table extends TableNames | "_storage">(table: Table): Id<Table> {
  return `${"9".repeat(32 - table.length)}${table}` as Id<Table>;
}

const chunk = {
  ordinal: 0,
  text: "x",
  pageStart: 1,
  pageEnd: 1,
  contentHash: "h",
  embedding: [0],
};

/** Worker-only functions: refused to anyone without the worker's identity. */
const WORKER_ROWS: WorkerRow[] = [
  {
    fn: "jobs:claim",
    call: (c) => c.mutation(api.jobs.claim, { workerId: "w", kinds: ["system.echo"], leaseMs: 1 }),
  },
  {
    fn: "jobs:heartbeat",
    call: (c) =>
      c.mutation(api.jobs.heartbeat, { jobId: nowhere("jobs"), claimToken: "t", leaseMs: 1 }),
  },
  {
    fn: "jobs:complete",
    call: (c) => c.mutation(api.jobs.complete, { jobId: nowhere("jobs"), claimToken: "t" }),
  },
  {
    fn: "jobs:fail",
    call: (c) =>
      c.mutation(api.jobs.fail, {
        jobId: nowhere("jobs"),
        claimToken: "t",
        error: { message: "x" },
        retryable: false,
      }),
  },
  {
    fn: "jobs:release",
    call: (c) =>
      c.mutation(api.jobs.release, { jobId: nowhere("jobs"), claimToken: "t", reason: "x" }),
  },
  { fn: "jobs:dueWork", call: (c) => c.query(api.jobs.dueWork, { kinds: ["system.echo"] }) },
  {
    fn: "workers:register",
    call: (c) =>
      c.mutation(api.workers.register, {
        workerId: "w",
        host: "h",
        version: "1",
        kinds: [],
        concurrency: {},
      }),
  },
  {
    fn: "workers:beat",
    call: (c) => c.mutation(api.workers.beat, { workerId: "w", currentJobs: [], status: "online" }),
  },
  { fn: "workers:stop", call: (c) => c.mutation(api.workers.stop, { workerId: "w" }) },
  {
    fn: "alerts:notificationTargets",
    call: (c) => c.query(api.alerts.notificationTargets, { alertId: nowhere("alerts") }),
  },
  {
    fn: "alerts:markNotified",
    call: (c) => c.mutation(api.alerts.markNotified, { alertId: nowhere("alerts") }),
  },
  {
    fn: "invitations:sendContext",
    call: (c) =>
      c.query(api.invitations.sendContext, {
        invitationId: nowhere("invitations"),
        generation: 1,
        now: 1,
      }),
  },
  {
    fn: "invitations:beginSend",
    call: (c) =>
      c.mutation(api.invitations.beginSend, {
        invitationId: nowhere("invitations"),
        generation: 1,
        tokenHash: "ab".repeat(32),
        subject: "Invitation",
      }),
  },
  {
    fn: "invitations:finishSend",
    call: (c) =>
      c.mutation(api.invitations.finishSend, {
        invitationId: nowhere("invitations"),
        generation: 1,
        emailId: nowhere("emails"),
        status: "sent",
      }),
  },
  {
    fn: "apiKeys:bootstrap",
    call: (c) => c.mutation(api.apiKeys.bootstrap, { email: "admin@test.fr", label: "x" }),
  },
  {
    fn: "ingestion:document",
    call: (c) => c.query(api.ingestion.document, { documentId: nowhere("documents") }),
  },
  {
    fn: "ingestion:setStatus",
    call: (c) =>
      c.mutation(api.ingestion.setStatus, { documentId: nowhere("documents"), status: "failed" }),
  },
  {
    fn: "ingestion:beginGeneration",
    call: (c) => c.mutation(api.ingestion.beginGeneration, { documentId: nowhere("documents") }),
  },
  {
    fn: "ingestion:insertChunks",
    call: (c) =>
      c.mutation(api.ingestion.insertChunks, {
        documentId: nowhere("documents"),
        generation: 1,
        embeddingModel: "m",
        chunks: [chunk],
      }),
  },
  {
    fn: "ingestion:recordPages",
    call: (c) =>
      c.mutation(api.ingestion.recordPages, {
        documentId: nowhere("documents"),
        generation: 1,
        pages: [{ page: 1, method: "text", chars: 10 }],
      }),
  },
  {
    fn: "ingestion:activateGeneration",
    call: (c) =>
      c.mutation(api.ingestion.activateGeneration, {
        documentId: nowhere("documents"),
        generation: 1,
        embeddingModel: "m",
        pages: 1,
        ocrPages: 0,
        chunkCount: 1,
      }),
  },
  {
    fn: "knowledge:searchForBilan",
    call: (c, w) =>
      c.action(api.knowledge.searchForBilan, { query: "dérivée", studentId: w.students.own }),
  },
  {
    fn: "llmBudget:acquire",
    call: (c) =>
      c.mutation(api.llmBudget.acquire, {
        provider: "p",
        tokens: 1,
        leaseMs: 1,
        limits: { requestsPerMinute: 1, tokensPerMinute: 1, concurrency: 1 },
      }),
  },
  {
    fn: "llmBudget:release",
    call: (c) =>
      c.mutation(api.llmBudget.release, { provider: "p", leaseId: "l", actualTokens: 1 }),
  },
  {
    fn: "pipeline:bilanContext",
    call: (c, w) => c.query(api.pipeline.bilanContext, { bilanId: w.bilans.own }),
  },
  {
    fn: "pipeline:beginGeneration",
    call: (c, w) => c.mutation(api.pipeline.beginGeneration, { bilanId: w.bilans.own }),
  },
  {
    fn: "pipeline:saveSynthesis",
    call: (c, w) =>
      c.mutation(api.pipeline.saveSynthesis, {
        bilanId: w.bilans.own,
        synthesis,
        generation: {
          provider: "local",
          model: "m",
          promptVersion: "p",
          inputTokens: 0,
          outputTokens: 0,
          durationMs: 0,
          generatedAt: 0,
        },
      }),
  },
  { fn: "pipeline:generateUploadUrl", call: (c) => c.mutation(api.pipeline.generateUploadUrl, {}) },
  {
    fn: "pipeline:recordPdf",
    call: (c, w) =>
      c.mutation(api.pipeline.recordPdf, {
        bilanId: w.bilans.own,
        storageId: nowhere("_storage"),
        size: 1,
        final: false,
      }),
  },
  {
    fn: "pipeline:pdfUrl",
    call: (c, w) => c.query(api.pipeline.pdfUrl, { bilanId: w.bilans.own }),
  },
  {
    fn: "pipeline:beginEmail",
    call: (c, w) =>
      c.mutation(api.pipeline.beginEmail, {
        bilanId: w.bilans.own,
        pdfVersion: 1,
        pdfSha256: PDF_SHA256,
        to: "parent@test.fr",
        recipientName: "Parent",
        recipientUserId: w.users.parent,
        subject: "Bilan",
        template: "bilan-ready",
      }),
  },
  {
    fn: "pipeline:finishEmail",
    call: (c) =>
      c.mutation(api.pipeline.finishEmail, { emailId: nowhere("emails"), status: "sent" }),
  },
  {
    fn: "pipeline:completeEmails",
    call: (c, w) =>
      c.mutation(api.pipeline.completeEmails, { bilanId: w.bilans.own, pdfVersion: 1 }),
  },
  { fn: "seed:run", call: (c) => c.mutation(api.seed.run, {}) },
  {
    fn: "rgpd:exportManifest",
    call: (c) => c.query(api.rgpd.exportManifest, { requestId: nowhere("rgpdRequests") }),
  },
  {
    fn: "rgpd:exportRows",
    call: (c) =>
      c.query(api.rgpd.exportRows, {
        requestId: nowhere("rgpdRequests"),
        table: "users",
        path: "_self",
        cursor: null,
      }),
  },
  { fn: "rgpd:exportUploadUrl", call: (c) => c.mutation(api.rgpd.exportUploadUrl, {}) },
  {
    fn: "rgpd:finishExport",
    call: (c) =>
      c.mutation(api.rgpd.finishExport, {
        requestId: nowhere("rgpdRequests"),
        storageId: nowhere("_storage"),
        size: 1,
      }),
  },
  {
    fn: "rgpd:erasureInfo",
    call: (c) => c.query(api.rgpd.erasureInfo, { requestId: nowhere("rgpdRequests") }),
  },
  {
    fn: "rgpd:eraseStep",
    call: (c) => c.mutation(api.rgpd.eraseStep, { requestId: nowhere("rgpdRequests") }),
  },
  {
    fn: "rgpd:finishErasure",
    call: (c) =>
      c.mutation(api.rgpd.finishErasure, { requestId: nowhere("rgpdRequests"), clerk: "aucun" }),
  },
  {
    fn: "retention:recordOutbox",
    call: (c) =>
      c.mutation(api.retention.recordOutbox, { runId: nowhere("retentionRuns"), removed: 0 }),
  },
  {
    fn: "emailPreferences:recipients",
    call: (c) => c.query(api.emailPreferences.recipients, { userIds: [], kind: "aria" }),
  },
  ...ARIA_WORKER_ROWS,
  ...COACHING_WORKER_ROWS,
];

/** Not the worker: no identity, people signed in, an admin's API key (live or revoked). */
const NOT_WORKERS = ["anon", "admin", "assistante", "coach", "adminKey", "revokedKey"] as const;

describe("access control matrix", () => {
  beforeAll(() => {
    vi.stubEnv("EMBEDDINGS_PROVIDER", "local");
    vi.stubEnv("CONVEX_SITE_URL", "https://access-test.convex.site");
  });
  afterAll(() => vi.unstubAllEnvs());

  it.each(casesFor(CALLERS))("$label", async ({ row, caller, target }) => {
    const { t, world } = await freshWorld();
    expect(await outcomeOf(row.call(as(t, caller), world, target))).toBe(
      expected(row, caller, target),
    );
  });

  it.each(casesFor(KEY_HOLDERS))("$label's API key", async ({ row, caller, target }) => {
    const { t, world } = await freshWorld();
    const { client } = await withApiKey(t, world.users[caller]);
    expect(await outcomeOf(row.call(client, world, target))).toBe(expected(row, caller, target));
  });

  it.each(casesFor(["revokedKey", "worker"] as const))(
    "$label",
    async ({ row, caller, target }) => {
      const { t, world } = await freshWorld();
      const client =
        caller === "worker"
          ? asWorker(t)
          : asApiKey(t, await insertApiKey(t, world.users.admin, { revokedAt: 1 }));
      expect(await outcomeOf(row.call(client, world, target))).toBe(expected(row, caller, target));
    },
  );

  it.each(
    WORKER_ROWS.flatMap((row) =>
      NOT_WORKERS.map((caller) => ({ row, caller, label: `${row.fn} as ${caller}` })),
    ),
  )("$label → WORKER_AUTH", async ({ row, caller }) => {
    const { t, world } = await freshWorld();
    const client =
      caller === "adminKey" || caller === "revokedKey"
        ? asApiKey(
            t,
            await insertApiKey(
              t,
              world.users.admin,
              caller === "revokedKey" ? { revokedAt: 1 } : {},
            ),
          )
        : as(t, caller);
    expect(await outcomeOf(row.call(client, world))).toBe("WORKER_AUTH");
  });

  it("has a row for every public function of the deployment", async () => {
    // Every module Convex deploys (any folder: a public function in model/ or lib/ would be
    // callable too), every export the builders registered — raw or custom (convex-helpers'
    // customQuery etc. return the same registered functions). Mutants this catches: a row
    // removed (e.g. jobs:stats), a public query added to a model/ file, a builder whose
    // functions lose their visibility flag.
    const registered: string[] = [];
    for (const [path, load] of Object.entries(modules)) {
      const match = /^\.\/((?:\w+\/)*\w+)\.[jt]s$/.exec(path);
      if (!match || match[1]!.startsWith("_generated/")) continue;
      const exports = (await load()) as Record<string, unknown>;
      for (const [name, value] of Object.entries(exports)) {
        const fn = value as {
          isQuery?: boolean;
          isMutation?: boolean;
          isAction?: boolean;
          isPublic?: boolean;
          isInternal?: boolean;
        };
        if (!(fn?.isQuery || fn?.isMutation || fn?.isAction)) continue;
        expect(`${match[1]}:${name} ${fn.isPublic}/${fn.isInternal}`).toMatch(
          / (true\/undefined|undefined\/true)$/,
        );
        if (fn.isPublic) registered.push(`${match[1]}:${name}`);
      }
    }
    // The walk reaches the queue's own modules (the ones an audit once found outside it).
    for (const fn of ["jobs:stats", "alerts:health", "workers:list", "llmBudget:acquire"]) {
      expect(registered).toContain(fn);
    }
    const covered = [...ALL_ROWS.map((r) => r.fn), ...WORKER_ROWS.map((r) => r.fn)];
    expect(new Set(covered).size).toBe(covered.length);
    expect(covered.sort()).toEqual(registered.sort());
  });
});
