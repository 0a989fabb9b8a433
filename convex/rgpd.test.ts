// Personal-data rights end to end in Convex: the dry run counts exactly what erasure then
// removes; erasing one child of a family leaves the sibling's and the parent's data intact;
// an erasure crashed mid-batch resumes and ends in the same state; the erased person cannot
// sign in again; export requests, the requester-only link and the audit trail.
import type { Synthesis } from "@nexus/shared/synthesis";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import { insertBilan } from "./model/bilanHeads";
import { notify } from "./model/notifications";
import { eraseStep } from "./model/rgpdJobs";
import { as, asWorker, errorOf, freshWorld, type T, type World } from "./world.fixtures";

beforeEach(() => {
  vi.stubEnv("CONVEX_SITE_URL", "https://rgpd-test.convex.site");
});
afterEach(() => vi.unstubAllEnvs());

const synthesis: Synthesis = {
  summary: "Synthèse.",
  strengths: [],
  weaknesses: [],
  recommendations: [],
  studyPlan: [],
  offers: [],
  parentSummary: "Résumé.",
};

/** Alice (own student, élève account, parent) gets a sister Chloé with the same parent. */
async function family(t: T, world: World) {
  return await t.run(async (ctx) => {
    const now = Date.now();
    const chloe = await ctx.db.insert("students", {
      firstName: "Chloé",
      lastName: "Test",
      niveau: "seconde",
      statut: "scolarise",
      specialites: [],
      createdAt: now,
      updatedAt: now,
    });
    await ctx.db.insert("guardianships", {
      parentId: world.users.parent,
      studentId: chloe,
      createdAt: now,
    });
    const pdf = await ctx.storage.store(new Blob(["%PDF-1.4 Alice"]));
    const sisterPdf = await ctx.storage.store(new Blob(["%PDF-1.4 Chloé"]));
    const doc = await ctx.storage.store(new Blob(["copie d’Alice"]));
    // Alice: a second bilan with a report and revisions, a document with chunks, e-mails to
    // her account, notifications, audit entries she wrote, a presence row.
    const aliceBilan = await insertBilan(ctx, {
      studentId: world.students.own,
      subject: "nsi",
      niveau: "premiere",
      questionnaireId: "nsi-premiere",
      status: "sent",
      answers: { qcm: {}, survey: {} },
      pdf: { storageId: pdf, version: 1, size: 10, final: true, generatedAt: now },
      createdBy: world.users.coach,
      createdAt: now,
      updatedAt: now,
    });
    for (let i = 0; i < 3; i++) {
      await ctx.db.insert("bilanRevisions", {
        bilanId: aliceBilan,
        source: "edited",
        synthesis,
        authorId: world.users.coach,
        createdAt: now + i,
      });
    }
    await ctx.db.insert("bilanReports", {
      bilanId: aliceBilan,
      version: 1,
      final: true,
      size: 10,
      generatedAt: now,
    });
    const document = await ctx.db.insert("documents", {
      scope: "student",
      studentId: world.students.own,
      ownerId: world.users.coach,
      title: "Copie",
      mime: "text/plain",
      size: 12,
      sha256: "a".repeat(64),
      storageId: doc,
      status: "indexed",
      createdAt: now,
      updatedAt: now,
    });
    for (let i = 0; i < 4; i++) {
      await ctx.db.insert("chunks", {
        documentId: document,
        generation: 1,
        ordinal: i,
        scopeKey: `student:${world.students.own}`,
        studentId: world.students.own,
        embeddingModel: "local",
        scopeModelKey: `student:${world.students.own}|local`,
        text: "passage",
        pageStart: 1,
        pageEnd: 1,
        contentHash: `h${i}`,
        embedding: [0],
      });
    }
    await ctx.db.insert("emails", {
      to: "eleve@test.fr",
      recipientUserId: world.users.eleve,
      template: "bilan-ready",
      subject: "Ton bilan",
      status: "sent",
      idempotencyKey: "k-alice",
      createdAt: now,
    });
    await ctx.db.insert("auditLogs", {
      actorKind: "user",
      actorId: world.users.eleve,
      action: "bilan.submit",
      targetTable: "bilans",
      targetId: aliceBilan,
      details: { note: "Alice a soumis" },
      at: now,
    });
    await ctx.db.insert("presence", {
      bilanId: aliceBilan,
      userId: world.users.coach,
      lastSeenAt: now,
    });
    await notify(ctx, {
      userId: world.users.eleve,
      kind: "report_sent",
      title: "Rapport",
      body: "",
    });
    // Chloé and the parent: data that must survive.
    const chloeBilan = await insertBilan(ctx, {
      studentId: chloe,
      subject: "maths",
      niveau: "seconde",
      questionnaireId: "maths-seconde",
      status: "sent",
      answers: { qcm: {}, survey: {} },
      pdf: { storageId: sisterPdf, version: 1, size: 10, final: true, generatedAt: now },
      createdBy: world.users.parent,
      createdAt: now,
      updatedAt: now,
    });
    await ctx.db.insert("emails", {
      to: "parent@test.fr",
      recipientUserId: world.users.parent,
      template: "bilan-ready",
      subject: "Bilan de Chloé",
      bilanId: chloeBilan,
      status: "sent",
      idempotencyKey: "k-parent",
      createdAt: now,
    });
    await notify(ctx, {
      userId: world.users.parent,
      kind: "report_sent",
      title: "Chloé",
      body: "",
    });
    return { chloe, chloeBilan, aliceBilan, document, files: { pdf, sisterPdf, doc } };
  });
}

/** Every row of every table (ids), for before/after comparisons. */
async function snapshot(t: T) {
  return await t.run(async (ctx) => {
    const tables = [
      "users",
      "students",
      "guardianships",
      "coachAssignments",
      "bilans",
      "bilanRevisions",
      "bilanReports",
      "documents",
      "chunks",
      "emails",
      "auditLogs",
      "presence",
      "notifications",
      "consents",
    ] as const;
    const out: Record<string, string[]> = {};
    for (const table of tables) {
      out[table] = (await ctx.db.query(table).collect()).map((r) => r._id as string).sort();
    }
    out._storage = (await ctx.db.system.query("_storage").collect()).map((f) => f._id).sort();
    return out;
  });
}

async function requestAndConfirm(t: T, world: World) {
  const requestId = await as(t, "parent").mutation(api.rgpd.requestErasure, {
    studentId: world.students.own,
  });
  const { plan } = await as(t, "assistante").query(api.rgpd.erasurePlan, { requestId });
  await as(t, "assistante").mutation(api.rgpd.confirmErasure, { requestId });
  return { requestId, plan };
}

describe("erasure", () => {
  it("erases one child exactly as the dry run said, leaving the sister and the parent intact", async () => {
    const { t, world } = await freshWorld();
    const fam = await family(t, world);
    const before = await snapshot(t);
    const { requestId, plan } = await requestAndConfirm(t, world);
    // The dry run: Alice's rows and files, per table.
    expect(plan).toMatchObject({
      users: { deleted: 1 },
      students: { deleted: 1 },
      guardianships: { deleted: 1 },
      coachAssignments: { deleted: 1 },
      bilans: { deleted: 2, files: 1 },
      bilanRevisions: { deleted: 3 },
      bilanReports: { deleted: 1 },
      documents: { deleted: 1, files: 1 },
      chunks: { deleted: 4 },
      emails: { deleted: 1 },
      auditLogs: { anonymised: 1 },
      presence: { deleted: 1 },
      notifications: { deleted: 1 },
    });
    // The account is deactivated at once: no sign-in during the job. Her open pages get a clear
    // state (accountState never throws) and every other function a clear code, not a crash.
    expect(await errorOf(as(t, "eleve").query(api.users.me, {}))).toMatchObject({
      code: "ACCOUNT_ERASED",
      message: expect.stringMatching(/^Ce compte a été supprimé/),
    });
    expect(await as(t, "eleve").query(api.users.accountState, {})).toMatchObject({
      state: "erased",
    });
    expect(await errorOf(as(t, "eleve").query(api.notifications.unreadCount, {}))).toMatchObject({
      code: "ACCOUNT_ERASED",
    });
    // the parent, untouched, is active
    expect(await as(t, "parent").query(api.users.accountState, {})).toEqual({ state: "active" });
    let done = false;
    for (let i = 0; i < 20 && !done; i++) {
      done = (await asWorker(t).mutation(api.rgpd.eraseStep, { requestId })).done;
    }
    expect(done).toBe(true);
    await asWorker(t).mutation(api.rgpd.finishErasure, { requestId, clerk: "non configuré" });
    const after = await snapshot(t);
    // What disappeared is exactly the plan's deletions, table by table.
    for (const [table, ids] of Object.entries(before)) {
      if (table === "_storage") continue;
      const removed = ids.filter((id) => !after[table]!.includes(id)).length;
      expect(`${table}: ${removed}`).toBe(`${table}: ${plan[table]?.deleted ?? 0}`);
    }
    expect(after._storage).toEqual([fam.files.sisterPdf]);
    // The sister's and the parent's rows are all still there.
    expect(after.students).toContain(fam.chloe);
    expect(after.bilans).toContain(fam.chloeBilan);
    expect(after.users).toContain(world.users.parent);
    expect(await as(t, "parent").query(api.notifications.unreadCount, {})).toBeGreaterThanOrEqual(
      1,
    );
    const parentLinks = await t.run((ctx) =>
      ctx.db
        .query("guardianships")
        .withIndex("by_parentId_and_studentId", (q) => q.eq("parentId", world.users.parent))
        .collect(),
    );
    expect(parentLinks.map((l) => l.studentId)).toEqual([fam.chloe]);
    // The audit log keeps the action under a pseudonym; the request keeps only the pseudonym.
    const request = await t.run((ctx) => ctx.db.get(requestId));
    expect(request).toMatchObject({
      status: "done",
      subjectLabel: expect.stringMatching(/^personne-effacee-/),
    });
    const submit = await t.run((ctx) =>
      ctx.db
        .query("auditLogs")
        .withIndex("by_action_and_at", (q) => q.eq("action", "bilan.submit"))
        .first(),
    );
    expect(submit!.actorId).toBeUndefined();
    expect(submit!.details).toEqual({ pseudonym: request!.pseudonym });
    expect(request!.done).toEqual(plan);
    // Signing in again never recreates the account; her still-open pages say it is gone.
    expect(await errorOf(as(t, "eleve").mutation(api.users.ensureCurrent, {}))).toMatchObject({
      code: "ACCOUNT_ERASED",
      message: expect.stringMatching(/effacées/),
    });
    expect(await as(t, "eleve").query(api.users.accountState, {})).toMatchObject({
      state: "erased",
      message: expect.stringMatching(/^Ce compte a été supprimé/),
    });
    expect(await as(t, "eleve").query(api.users.me, {})).toBeNull();
    expect(await errorOf(as(t, "eleve").query(api.notifications.unreadCount, {}))).toMatchObject({
      code: "ACCOUNT_ERASED",
    });
  });

  it("resumes after a crash mid-batch and ends exactly like an uninterrupted run", async () => {
    const reference = await freshWorld();
    await family(reference.t, reference.world);
    const { requestId: refId } = await requestAndConfirm(reference.t, reference.world);
    for (let done = false; !done; ) {
      done = (await reference.t.run((ctx) => eraseStep(ctx, refId))).done;
    }

    const { t, world } = await freshWorld();
    await family(t, world);
    const { requestId, plan } = await requestAndConfirm(t, world);
    // Two small batches, then a batch that dies after 3 writes: nothing of it is kept.
    await t.run((ctx) => eraseStep(ctx, requestId, 4));
    await t.run((ctx) => eraseStep(ctx, requestId, 4));
    const beforeCrash = await snapshot(t);
    await expect(t.run((ctx) => eraseStep(ctx, requestId, 10, 3))).rejects.toThrow(/Panne simulée/);
    expect(await snapshot(t)).toEqual(beforeCrash);
    // A new worker picks the job up: batches until done, nothing done twice.
    let steps = 0;
    for (let done = false; !done; steps++) {
      done = (await t.run((ctx) => eraseStep(ctx, requestId, 4))).done;
    }
    expect(steps).toBeGreaterThan(1);
    const request = await t.run((ctx) => ctx.db.get(requestId));
    expect(request!.done).toEqual(plan);
    const counts = (s: Record<string, string[]>) =>
      Object.fromEntries(Object.entries(s).map(([k, ids]) => [k, ids.length]));
    expect(counts(await snapshot(t))).toEqual(counts(await snapshot(reference.t)));
    // Running it again changes nothing (idempotent).
    const settled = await snapshot(t);
    await t.run((ctx) => eraseStep(ctx, requestId));
    expect(await snapshot(t)).toEqual(settled);
  });

  it("goes to staff only after a request: refused to strangers, rejected with a reason", async () => {
    const { t, world } = await freshWorld();
    expect(
      await errorOf(
        as(t, "parent").mutation(api.rgpd.requestErasure, { studentId: world.students.foreign }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    const requestId = await as(t, "parent").mutation(api.rgpd.requestErasure, {});
    // Staff were told.
    expect(await as(t, "admin").query(api.notifications.unreadCount, {})).toBe(1);
    await as(t, "admin").mutation(api.rgpd.rejectErasure, { requestId, reason: "Doublon" });
    expect(
      await errorOf(as(t, "admin").mutation(api.rgpd.confirmErasure, { requestId })),
    ).toMatchObject({ code: "INVALID_STATE" });
    const mine = await as(t, "parent").query(api.rgpd.myRequests, {});
    expect(mine[0]).toMatchObject({ status: "rejected", error: "Doublon" });
  });
});

describe("export", () => {
  it("queues the job, lists the subject's tables and files, and gives the link to the requester only", async () => {
    const { t, world } = await freshWorld();
    const fam = await family(t, world);
    const requestId = await as(t, "parent").mutation(api.rgpd.requestExport, {
      studentId: world.students.own,
    });
    const manifest = await asWorker(t).query(api.rgpd.exportManifest, { requestId });
    const tables = manifest.sources.map((s) => s.table);
    for (const table of [
      "users",
      "students",
      "guardianships",
      "bilans",
      "documents",
      "emails",
      "auditLogs",
      "notifications",
    ]) {
      expect(tables).toContain(table);
    }
    expect(manifest.files.map((f) => f.table).sort()).toEqual(["bilans", "documents"]);
    // Rows are the subject's only, without the sign-in identifier.
    const bilans = await asWorker(t).query(api.rgpd.exportRows, {
      requestId,
      table: "bilans",
      path: "studentId",
      cursor: null,
    });
    expect(bilans.rows.map((r) => r._id).sort()).toEqual([world.bilans.own, fam.aliceBilan].sort());
    const users = await asWorker(t).query(api.rgpd.exportRows, {
      requestId,
      table: "users",
      path: "_self",
      cursor: null,
    });
    expect(users.rows).toHaveLength(1);
    expect(users.rows[0]).not.toHaveProperty("tokenIdentifier");
    // The worker stores the ZIP; the requester is notified; only they get a link.
    const zip = await t.run((ctx) => ctx.storage.store(new Blob(["PK"])));
    await asWorker(t).mutation(api.rgpd.finishExport, { requestId, storageId: zip, size: 2 });
    const notes = await as(t, "parent").query(api.notifications.list, {
      paginationOpts: { numItems: 5, cursor: null },
    });
    expect(notes.page[0]).toMatchObject({ kind: "export_ready", link: "/mes-donnees" });
    const { url } = await as(t, "parent").action(api.rgpd.exportUrl, { requestId });
    expect(url).toMatch(/^https:\/\/rgpd-test\.convex\.site\/files\/[0-9a-f]{32}$/);
    for (const other of ["admin", "eleve"] as const) {
      expect(await errorOf(as(t, other).action(api.rgpd.exportUrl, { requestId }))).toMatchObject({
        code: "NOT_FOUND",
      });
    }
    const actions = await t.run(async (ctx) =>
      (await ctx.db.query("auditLogs").collect()).map((a) => a.action),
    );
    expect(actions).toEqual(
      expect.arrayContaining(["rgpd.export.request", "rgpd.export.ready", "rgpd.export.download"]),
    );
    // The export's file is not swept as unreferenced.
    const { fileOwner } = await import("./model/uploads");
    expect(await t.run((ctx) => fileOwner(ctx, zip))).toBe("export");
  });
});

describe("consent for ARIA", () => {
  it("needs a parent's consent for an élève presumed under 15, versioned and dated", async () => {
    const { t, world } = await freshWorld();
    const fam = await family(t, world);
    const status = () => as(t, "parent").query(api.consents.ariaStatus, { studentId: fam.chloe });
    expect(await status()).toMatchObject({ allowed: false, needsParentalConsent: true });
    // Alice is in première: 16 or older.
    expect(
      await as(t, "parent").query(api.consents.ariaStatus, { studentId: world.students.own }),
    ).toMatchObject({ allowed: true, needsParentalConsent: false });
    await as(t, "parent").mutation(api.consents.giveParentalAria, { studentId: fam.chloe });
    expect(await status()).toMatchObject({ allowed: true, consentedAt: expect.any(Number) });
    const row = await t.run((ctx) => ctx.db.query("consents").first());
    expect(row).toMatchObject({
      kind: "parental_aria",
      version: expect.any(String),
      userId: world.users.parent,
    });
    await as(t, "parent").mutation(api.consents.withdrawParentalAria, { studentId: fam.chloe });
    expect(await status()).toMatchObject({ allowed: false });
  });

  it("asks for it until the 15th birthday in Paris, and while no birth date is known", async () => {
    // Born 2 December 2011: 15 from 00:00 in Paris on 2 December 2026 (23:00 UTC the day before).
    const parisMidnight = Date.UTC(2026, 11, 1, 23, 0);
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(parisMidnight - 60_000);
      const { t, world } = await freshWorld();
      const fam = await family(t, world);
      const status = () => as(t, "parent").query(api.consents.ariaStatus, { studentId: fam.chloe });
      // no birth date: consent needed
      expect(await status()).toMatchObject({ allowed: false, needsParentalConsent: true });
      await expect(
        as(t, "assistante").mutation(api.students.update, {
          studentId: fam.chloe,
          birthDate: "2011-02-30",
        }),
      ).rejects.toMatchObject({
        data: { message: "La date de naissance doit être une date valide (AAAA-MM-JJ)." },
      });
      await as(t, "assistante").mutation(api.students.update, {
        studentId: fam.chloe,
        birthDate: "2011-12-02",
      });
      // one minute before midnight in Paris: still 14
      expect(await status()).toMatchObject({ allowed: false, needsParentalConsent: true });
      vi.setSystemTime(parisMidnight);
      expect(await status()).toMatchObject({ allowed: true, needsParentalConsent: false });
      // the birth date removed: unknown again, consent needed again
      await as(t, "assistante").mutation(api.students.update, {
        studentId: fam.chloe,
        birthDate: null,
      });
      expect(await status()).toMatchObject({ allowed: false, needsParentalConsent: true });
    } finally {
      vi.useRealTimers();
    }
  });

  it("tells a deactivated account from an erased one", async () => {
    const { t, world } = await freshWorld();
    await as(t, "admin").mutation(api.users.setActive, {
      userId: world.users.coach,
      active: false,
    });
    expect(await as(t, "coach").query(api.users.accountState, {})).toEqual({
      state: "deactivated",
    });
    expect(await errorOf(as(t, "coach").query(api.users.me, {}))).toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await t.query(api.users.accountState, {})).toEqual({ state: "signedOut" });
  });

  it("shows the notice until the current version is acknowledged", async () => {
    const { t } = await freshWorld();
    expect(await as(t, "coach").query(api.consents.noticeStatus, {})).toMatchObject({
      acknowledged: false,
    });
    await as(t, "coach").mutation(api.consents.acknowledge, {});
    await as(t, "coach").mutation(api.consents.acknowledge, {});
    expect(await as(t, "coach").query(api.consents.noticeStatus, {})).toMatchObject({
      acknowledged: true,
    });
    const rows = await t.run((ctx) => ctx.db.query("consents").collect());
    expect(rows).toHaveLength(1);
  });
});
