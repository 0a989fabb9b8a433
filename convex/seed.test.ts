import { scoreBilan } from "@nexus/shared/bilan-scoring";
import { generateSynthesis } from "@nexus/synthesis/generate";
import { LocalSynthesisProvider } from "@nexus/synthesis/local-provider";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import { deleteBilan } from "./model/bilanHeads";
import {
  DEMO_ACCOUNTS,
  DEMO_BILANS,
  DEMO_STUDENTS,
  DEV_AUTH_ISSUER_DEFAULT,
  demoTokenIdentifier,
} from "./model/seed";
import { makeConvexTest } from "./test.setup";
import {
  asApiKey,
  asWorker,
  countRows,
  errorOf,
  identityFor,
  insertApiKey,
} from "./world.fixtures";

const saved = { issuer: process.env.DEV_AUTH_ISSUER };

beforeEach(() => {
  delete process.env.DEV_AUTH_ISSUER;
});
afterEach(() => {
  if (saved.issuer === undefined) delete process.env.DEV_AUTH_ISSUER;
  else process.env.DEV_AUTH_ISSUER = saved.issuer;
});

describe("seed:run", () => {
  it("creates the demo data once; a second run creates nothing", async () => {
    const t = makeConvexTest();
    const first = await asWorker(t).mutation(api.seed.run, {});
    const seeded = DEMO_BILANS.length - first.skipped.length;
    expect(first.created).toEqual({
      users: 12,
      students: 5,
      guardianships: 4,
      coachAssignments: 6,
      bilans: seeded,
    });
    // Every demo bilan has its questionnaire (maths 1re/Tle, NSI Tle, physique-chimie 1re).
    expect(first.skipped).toEqual([]);
    expect(first.issuer).toBe(DEV_AUTH_ISSUER_DEFAULT);
    expect(first.accounts.map((a) => a.email)).toEqual(DEMO_ACCOUNTS.map((a) => a.email));
    const afterFirst = await countRows(t);

    const second = await asWorker(t).mutation(api.seed.run, {});
    expect(second.created).toEqual({
      users: 0,
      students: 0,
      guardianships: 0,
      coachAssignments: 0,
      bilans: 0,
    });
    expect(await countRows(t)).toEqual(afterFirst);
  });

  it("seeds two maths bilans for Camille, the earlier one approved: the review shows her progress", async () => {
    const t = makeConvexTest();
    await asWorker(t).mutation(api.seed.run, {});
    const camille = await t.run(async (ctx) =>
      ctx.db
        .query("students")
        .withIndex("by_lastName_and_firstName", (q) =>
          q.eq("lastName", "Durand").eq("firstName", "Camille"),
        )
        .unique(),
    );
    const maths = await t.run(async (ctx) =>
      (
        await ctx.db
          .query("bilans")
          .withIndex("by_studentId_and_subject_and_createdAt", (q) =>
            q.eq("studentId", camille!._id).eq("subject", "maths"),
          )
          .collect()
      ).map((b) => ({
        id: b._id,
        status: b.status,
        overall: b.scores?.overall.percent,
        createdAt: b.createdAt,
        submittedAt: b.submittedAt,
      })),
    );
    expect(maths.map((b) => b.status)).toEqual(["approved", "review"]);
    // Her parent reads, on the bilan in review, the earlier approved one's scores.
    const isabelle = t.withIdentity(identityFor("isabelle.durand@demo.nexus-reussite.fr"));
    const previous = await isabelle.query(api.bilans.previousResults, { bilanId: maths[1]!.id });
    expect(previous?.bilanId).toBe(maths[0]!.id);
    expect(previous!.scores.overall.percent).toBeLessThan(maths[1]!.overall!);
    // Dated when Camille took it (18 days ago), not when the seed approved it (today): the
    // pages never say « depuis le bilan du » a day after the current one was started.
    expect(previous!.date).toBe(maths[0]!.submittedAt);
    expect(previous!.date).toBeLessThan(maths[1]!.createdAt);
  });

  it("adds a later-listed demo bilan of a subject the student already has, once", async () => {
    const t = makeConvexTest();
    await asWorker(t).mutation(api.seed.run, {});
    // A database seeded before Camille's first maths bilan was in the list: remove it.
    await t.run(async (ctx) => {
      const all = await ctx.db.query("bilans").collect();
      const earlier = all
        .filter((b) => b.subject === "maths" && b.status === "approved")
        .sort((a, b) => a.createdAt - b.createdAt)[0]!;
      await deleteBilan(ctx, earlier._id);
    });
    expect((await asWorker(t).mutation(api.seed.run, {})).created.bilans).toBe(1);
    expect((await asWorker(t).mutation(api.seed.run, {})).created.bilans).toBe(0);
  });

  it("has one account per role as required, each signing in through the dev issuer", async () => {
    const count = (role: string) => DEMO_ACCOUNTS.filter((a) => a.role === role).length;
    expect([
      count("admin"),
      count("assistante"),
      count("coach"),
      count("parent"),
      count("eleve"),
    ]).toEqual([1, 1, 2, 3, 5]);
    const t = makeConvexTest();
    await asWorker(t).mutation(api.seed.run, {});
    for (const account of DEMO_ACCOUNTS) {
      const client = t.withIdentity(identityFor(account.email, account.name));
      const me = await client.mutation(api.users.ensureCurrent, {});
      expect(me).toMatchObject({
        email: account.email,
        role: account.role,
        tokenIdentifier: demoTokenIdentifier(account.email, DEV_AUTH_ISSUER_DEFAULT),
      });
    }
    expect((await countRows(t)).users).toBe(DEMO_ACCOUNTS.length);
  });

  it("links families and coaches: Isabelle Durand follows her two children", async () => {
    const t = makeConvexTest();
    await asWorker(t).mutation(api.seed.run, {});
    const mother = t.withIdentity(identityFor("isabelle.durand@demo.nexus-reussite.fr"));
    const children = await mother.query(api.students.listMine, {
      paginationOpts: { numItems: 10, cursor: null },
    });
    expect(children.page.map((s) => `${s.firstName} ${s.lastName}`).sort()).toEqual([
      "Camille Durand",
      "Lucas Durand",
    ]);
    const camille = t.withIdentity(identityFor("camille.durand@demo.nexus-reussite.fr"));
    const own = await camille.query(api.students.listMine, {
      paginationOpts: { numItems: 10, cursor: null },
    });
    expect(own.page.map((s) => s.firstName)).toEqual(["Camille"]);
    const admin = t.withIdentity(identityFor("admin@nexus-reussite.fr"));
    const all = await admin.query(api.students.listMine, {
      paginationOpts: { numItems: 10, cursor: null },
    });
    expect(all.page).toHaveLength(DEMO_STUDENTS.length);
  });

  it("seeds bilans in several statuses with scores from scoreBilan and a job for the submitted one", async () => {
    const t = makeConvexTest();
    const result = await asWorker(t).mutation(api.seed.run, {});
    const bilans = await t.run(async (ctx) => await ctx.db.query("bilans").collect());
    expect(bilans).toHaveLength(DEMO_BILANS.length - result.skipped.length);
    for (const bilan of bilans) {
      if (bilan.status === "draft") {
        expect(bilan.scores).toBeUndefined();
        continue;
      }
      expect({ scores: bilan.scores, profile: bilan.profile }).toEqual(
        scoreBilan(bilan.questionnaireId, bilan.answers),
      );
      expect(bilan.submittedAt).toEqual(expect.any(Number));
    }
    const jobs = await t.run(async (ctx) => await ctx.db.query("jobs").collect());
    const generate = jobs.filter((j) => j.kind === "bilan.generate");
    const submitted = bilans.filter((b) => b.status === "submitted");
    const pending = generate.filter((j) => j.status === "pending");
    expect(pending.map((j) => j.target?.id).sort()).toEqual(submitted.map((b) => b._id).sort());
    expect(submitted.length).toBeGreaterThan(0);
    // Bilans written by the seed have their generation job too, completed, as the worker leaves it.
    const generated = bilans.filter((b) => b.synthesis !== undefined);
    const completed = generate.filter((j) => j.status === "completed");
    expect(completed.map((j) => j.target?.id).sort()).toEqual(generated.map((b) => b._id).sort());
    expect(generated.length).toBeGreaterThan(0);
    // `sent` plans are approved here; the worker's final PDF and email jobs make them `sent`.
    expect(new Set(bilans.map((b) => b.status))).toEqual(
      new Set(["draft", "submitted", "review", "approved"]),
    );
  });

  it("writes review and sent bilans with the local writer, grounded, as the worker would", async () => {
    const t = makeConvexTest();
    await asWorker(t).mutation(api.seed.run, {});
    const { bilans, students, jobs, revisions, coach } = await t.run(async (ctx) => ({
      bilans: await ctx.db.query("bilans").collect(),
      students: await ctx.db.query("students").collect(),
      jobs: await ctx.db.query("jobs").collect(),
      revisions: await ctx.db.query("bilanRevisions").collect(),
      coach: await ctx.db
        .query("users")
        .withIndex("by_email", (q) => q.eq("email", "julien.moreau@demo.nexus-reussite.fr"))
        .unique(),
    }));
    const planned = DEMO_BILANS.filter((p) => p.status === "review" || p.status === "sent");
    const written = bilans.filter((b) => b.synthesis !== undefined);
    expect(written).toHaveLength(planned.length);
    for (const bilan of written) {
      const student = students.find((s) => s._id === bilan.studentId)!;
      // The same call the worker's bilan.generate makes with LLM_PROVIDER=local.
      const expected = await generateSynthesis(
        {
          student: {
            firstName: student.firstName,
            lastName: student.lastName,
            niveau: student.niveau,
            statut: student.statut,
            specialites: student.specialites,
          },
          subject: bilan.subject,
          scores: bilan.scores!,
          profile: bilan.profile!,
          chunks: [],
        },
        new LocalSynthesisProvider(),
      );
      expect(bilan.synthesis).toEqual(expected.synthesis);
      expect(bilan.synthesis?.summary).toContain(student.firstName);
      expect(bilan.generation).toMatchObject({
        provider: "local",
        model: expected.meta.model,
        promptVersion: expected.meta.promptVersion,
        outputTokens: expected.meta.outputTokens,
      });
      // Recorded as the worker records a run: the revision names its job, meta and sources.
      const generateJob = jobs.find(
        (j) => j.kind === "bilan.generate" && j.target?.id === bilan._id,
      );
      expect(generateJob?.status).toBe("completed");
      expect(revisions.filter((r) => r.bilanId === bilan._id)).toEqual([
        expect.objectContaining({
          source: "generated",
          synthesis: bilan.synthesis,
          jobId: generateJob?._id,
          generation: bilan.generation,
          retrieved: [],
        }),
      ]);
      const pdfJobs = jobs.filter((j) => j.kind === "bilan.pdf" && j.target?.id === bilan._id);
      if (bilan.status === "review") {
        expect(bilan.review?.approvedBy).toBeUndefined();
        expect(pdfJobs.map((j) => j.payload)).toEqual([{ bilanId: bilan._id, final: false }]);
      } else {
        expect(bilan.status).toBe("approved");
        expect(bilan.review).toMatchObject({
          approvedBy: coach!._id,
          approvedAt: expect.any(Number),
          coachNote: expect.stringContaining(student.firstName),
        });
        expect(pdfJobs.map((j) => j.payload)).toEqual([{ bilanId: bilan._id, final: true }]);
      }
    }
    // Seeded `sent` plans stop at approved: the worker builds the PDF and sends it.
    expect(written.map((b) => b.status).sort()).toEqual(
      planned.map((p) => (p.status === "sent" ? "approved" : p.status)).sort(),
    );
    expect(written.filter((b) => b.status === "approved")).toHaveLength(2);
  });

  it("uses DEV_AUTH_ISSUER when the deployment sets it", async () => {
    process.env.DEV_AUTH_ISSUER = "https://nexus.example/dev-auth";
    const t = makeConvexTest();
    const result = await asWorker(t).mutation(api.seed.run, {});
    expect(result.issuer).toBe("https://nexus.example/dev-auth");
    const admin = await t.run(async (ctx) =>
      ctx.db
        .query("users")
        .withIndex("by_email", (q) => q.eq("email", "admin@nexus-reussite.fr"))
        .unique(),
    );
    expect(admin?.tokenIdentifier).toBe("https://nexus.example/dev-auth|admin@nexus-reussite.fr");
  });

  it("refuses every caller but the worker (no identity, a signed-in admin, an API key), writing nothing", async () => {
    const t = makeConvexTest();
    const adminId = await t.run(
      async (ctx) =>
        await ctx.db.insert("users", {
          tokenIdentifier: identityFor("admin@nexus-reussite.fr").tokenIdentifier,
          email: "admin@nexus-reussite.fr",
          name: "Admin",
          role: "admin",
          createdAt: 0,
          lastSeenAt: 0,
        }),
    );
    const keyId = await insertApiKey(t, adminId);
    const before = await countRows(t);
    for (const caller of [
      t,
      t.withIdentity(identityFor("admin@nexus-reussite.fr")),
      asApiKey(t, keyId),
    ]) {
      const error = await errorOf(caller.mutation(api.seed.run, {}));
      expect(error.code).toBe("WORKER_AUTH");
    }
    expect(await countRows(t)).toEqual(before);
  });
});
