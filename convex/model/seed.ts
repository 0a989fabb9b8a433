// Demo data for offline development and demos: the accounts (shared with the
// web dev sign-in and tests), families, coach assignments and bilans in
// several statuses. Seeding only inserts what is absent, so it is idempotent.
// Bilans past submission go through the product's own paths: scores from
// scoreBilan, the synthesis from the local writer with its grounding check
// (generateSynthesis, as the worker's local provider), and a `sent` bilan is
// approved by its coach so the worker builds the final PDF and emails it.

import { scoreBilan } from "@nexus/shared/bilan-scoring";
import { DEMO_ACCOUNTS, DEMO_DOMAIN } from "@nexus/shared/demo-accounts";
import type { BilanStatus, Niveau, Statut, Subject } from "@nexus/shared/domain";
import type { Questionnaire, Survey } from "@nexus/shared/questionnaire";
import { getSurvey, questionnaireFor } from "@nexus/shared/questionnaires";
import type { BilanAnswers, ProfileDimension } from "@nexus/shared/results";
import type { HolidayZone } from "@nexus/shared/school-calendar";
import { generateSynthesis } from "@nexus/synthesis/generate";
import { LocalWriterProvider } from "@nexus/synthesis/local-writer-provider";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { audit } from "./audit";
import { insertBilan } from "./bilanHeads";
import { approveBilan, saveGeneratedSynthesis, startGeneration } from "./bilanPipeline";
import { enqueueGeneration } from "./bilans";
import { patchJob } from "./jobCounts";
import { appendJobEvent } from "./jobs";
import { countBilanStage, countJobOutcome } from "./stats";

/** Issuer of the web app's dev sign-in tokens unless DEV_AUTH_ISSUER says otherwise. */
export const DEV_AUTH_ISSUER_DEFAULT = "http://127.0.0.1:3000/dev-auth";

export function devAuthIssuer(): string {
  return process.env.DEV_AUTH_ISSUER || DEV_AUTH_ISSUER_DEFAULT;
}

/** Convex's tokenIdentifier for a custom JWT is `${issuer}|${subject}`; dev tokens use the email as subject. */
export function demoTokenIdentifier(email: string, issuer: string = devAuthIssuer()): string {
  return `${issuer}|${email}`;
}

export type { DemoAccount } from "@nexus/shared/demo-accounts";
export { DEMO_ACCOUNTS };

export interface DemoStudent {
  accountEmail: string;
  firstName: string;
  lastName: string;
  niveau: Niveau;
  statut: Statut;
  specialites: string[];
  school?: string;
  /** "YYYY-MM-DD": all 15 or older, so ARIA needs no parental consent for them. */
  birthDate: string;
  /** School holiday zone of the school's académie (none for a candidat libre: no skipping). */
  holidayZone?: HolidayZone;
  /** Hours a week declared available for personal work in a subject. */
  weeklyAvailabilityHours?: number;
}

export const DEMO_STUDENTS: readonly DemoStudent[] = [
  {
    accountEmail: `camille.durand@${DEMO_DOMAIN}`,
    firstName: "Camille",
    lastName: "Durand",
    niveau: "terminale",
    birthDate: "2009-02-11",
    statut: "scolarise",
    specialites: ["Mathématiques", "NSI"],
    school: "Lycée Victor-Hugo, Paris",
    holidayZone: "C",
    weeklyAvailabilityHours: 4,
  },
  {
    accountEmail: `lucas.durand@${DEMO_DOMAIN}`,
    firstName: "Lucas",
    lastName: "Durand",
    niveau: "premiere",
    birthDate: "2010-06-23",
    statut: "scolarise",
    specialites: ["Mathématiques", "Physique-chimie", "SVT"],
    school: "Lycée Victor-Hugo, Paris",
    holidayZone: "C",
    weeklyAvailabilityHours: 4,
  },
  {
    accountEmail: `yasmine.haddad@${DEMO_DOMAIN}`,
    firstName: "Yasmine",
    lastName: "Haddad",
    niveau: "premiere",
    birthDate: "2010-11-05",
    statut: "scolarise",
    specialites: ["Mathématiques", "SES", "HGGSP"],
    school: "Lycée Jean-Moulin, Lyon",
    holidayZone: "A",
    weeklyAvailabilityHours: 2,
  },
  {
    accountEmail: `theo.lambert@${DEMO_DOMAIN}`,
    firstName: "Théo",
    lastName: "Lambert",
    niveau: "terminale",
    birthDate: "2009-09-30",
    statut: "scolarise",
    specialites: ["Mathématiques", "Physique-chimie"],
    school: "Lycée Montaigne, Bordeaux",
    holidayZone: "A",
  },
  {
    accountEmail: `ines.fontaine@${DEMO_DOMAIN}`,
    firstName: "Inès",
    lastName: "Fontaine",
    niveau: "terminale",
    birthDate: "2008-04-17",
    statut: "candidat_libre",
    specialites: ["NSI", "Mathématiques"],
    weeklyAvailabilityHours: 6,
  },
];

function demoSalutation(email: string, name: string) {
  const preference = DEMO_SALUTATIONS[email];
  if (!preference) return {};
  const [firstName, ...rest] = name.split(" ");
  return { salutation: { ...preference, firstName, lastName: rest.join(" ") } };
}

/** How each demo parent wishes to be greeted in e-mails (Nathalie Lambert has no preference). */
export const DEMO_SALUTATIONS: Readonly<
  Record<string, { style: "civilite" | "prenom"; civility?: "Madame" | "Monsieur" }>
> = {
  [`isabelle.durand@${DEMO_DOMAIN}`]: { style: "civilite", civility: "Madame" },
  [`karim.haddad@${DEMO_DOMAIN}`]: { style: "prenom", civility: "Monsieur" },
};

/** [parent email, student account email]: Isabelle Durand has two children; Inès has no linked parent. */
export const DEMO_GUARDIANSHIPS: readonly (readonly [string, string])[] = [
  [`isabelle.durand@${DEMO_DOMAIN}`, `camille.durand@${DEMO_DOMAIN}`],
  [`isabelle.durand@${DEMO_DOMAIN}`, `lucas.durand@${DEMO_DOMAIN}`],
  [`karim.haddad@${DEMO_DOMAIN}`, `yasmine.haddad@${DEMO_DOMAIN}`],
  [`nathalie.lambert@${DEMO_DOMAIN}`, `theo.lambert@${DEMO_DOMAIN}`],
];

/** [coach email, student account email]. */
export const DEMO_COACH_ASSIGNMENTS: readonly (readonly [string, string])[] = [
  [`julien.moreau@${DEMO_DOMAIN}`, `camille.durand@${DEMO_DOMAIN}`],
  [`julien.moreau@${DEMO_DOMAIN}`, `lucas.durand@${DEMO_DOMAIN}`],
  [`julien.moreau@${DEMO_DOMAIN}`, `yasmine.haddad@${DEMO_DOMAIN}`],
  [`julien.moreau@${DEMO_DOMAIN}`, `theo.lambert@${DEMO_DOMAIN}`],
  [`claire.lefevre@${DEMO_DOMAIN}`, `camille.durand@${DEMO_DOMAIN}`],
  [`claire.lefevre@${DEMO_DOMAIN}`, `ines.fontaine@${DEMO_DOMAIN}`],
];

export interface DemoBilan {
  studentEmail: string;
  subject: Subject;
  /**
   * The status the demo aims at. `submitted` gets its generation job like a real submit;
   * `review` gets its synthesis from the local writer; `sent` is then approved by the
   * student's first coach and reaches `sent` once the worker has built and emailed the PDF.
   */
  status: Extract<BilanStatus, "draft" | "submitted" | "review" | "sent">;
  /** Share of QCM questions and survey items answered, and share of QCM answers that are right. */
  answered: number;
  correct: number;
  /** Seed of the deterministic answer generator, so each student gets a different profile. */
  seed: number;
  daysAgo: number;
  /**
   * The student's tendency per profile dimension, 0–1 on the stored scale (for stress, 1 =
   * very stressed): survey answers are drawn around it, so the five demo students read as
   * contrasted profiles instead of five « Moyen ». Absent: uniform answers.
   */
  tendency?: Partial<Record<ProfileDimension, number>>;
}

export const DEMO_BILANS: readonly DemoBilan[] = [
  {
    studentEmail: `camille.durand@${DEMO_DOMAIN}`,
    subject: "nsi",
    status: "sent",
    answered: 1,
    correct: 0.8,
    seed: 11,
    daysAgo: 21,
    tendency: { motivation: 0.9, organisation: 0.8, methodes: 0.75, stress: 0.8, autonomie: 0.7 },
  },
  {
    studentEmail: `camille.durand@${DEMO_DOMAIN}`,
    subject: "maths",
    status: "review",
    answered: 1,
    correct: 0.65,
    seed: 12,
    daysAgo: 3,
    tendency: { motivation: 0.75, organisation: 0.8, methodes: 0.7, stress: 0.85, autonomie: 0.65 },
  },
  {
    studentEmail: `yasmine.haddad@${DEMO_DOMAIN}`,
    subject: "maths",
    status: "submitted",
    answered: 0.9,
    correct: 0.45,
    seed: 21,
    daysAgo: 1,
    tendency: { motivation: 0.5, organisation: 0.15, methodes: 0.3, stress: 0.45, autonomie: 0.25 },
  },
  {
    studentEmail: `lucas.durand@${DEMO_DOMAIN}`,
    subject: "physique-chimie",
    status: "draft",
    answered: 0.4,
    correct: 0.55,
    seed: 31,
    daysAgo: 0,
    tendency: { motivation: 0.25, organisation: 0.5, methodes: 0.45, stress: 0.1, autonomie: 0.6 },
  },
  {
    studentEmail: `theo.lambert@${DEMO_DOMAIN}`,
    subject: "maths",
    status: "draft",
    answered: 0.2,
    correct: 0.7,
    seed: 41,
    daysAgo: 0,
    tendency: { motivation: 0.7, organisation: 0.6, methodes: 0.9, stress: 0.3, autonomie: 0.9 },
  },
  {
    // Camille's first maths bilan, two weeks before the one in review: approved and sent, so
    // the review, the family's pages, the report and the e-mail show her progress since.
    // Listed last: a database seeded before it gets it added (see the ordinal below).
    studentEmail: `camille.durand@${DEMO_DOMAIN}`,
    subject: "maths",
    status: "sent",
    answered: 1,
    // Seed 15: 46 % overall, then 69 % in review: most domains up, « Limites et continuité »
    // down, one stable — a progress table with every kind of row.
    correct: 0.3,
    seed: 15,
    daysAgo: 18,
    tendency: { motivation: 0.6, organisation: 0.7, methodes: 0.5, stress: 0.75, autonomie: 0.55 },
  },
];

/** mulberry32: a tiny deterministic generator, so seeded answers are the same on every machine. */
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

/** Plausible answers: `answered` of the questions, `correct` of those right, a varied survey. */
export function demoAnswers(
  questionnaire: Questionnaire,
  survey: Survey,
  plan: Pick<DemoBilan, "answered" | "correct" | "seed" | "tendency">,
): BilanAnswers {
  const random = generator(plan.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const qcm: BilanAnswers["qcm"] = {};
  for (const question of questionnaire.questions) {
    if (random() >= plan.answered) continue;
    const wrong = question.options.filter((o) => o.id !== question.correct);
    qcm[question.id] = random() < plan.correct ? question.correct : pick(wrong).id;
  }
  const answers: BilanAnswers["survey"] = {};
  const tendency = plan.tendency;
  // With a tendency, an answer lands near the target (±1 step on a Likert scale, the closest
  // options for a choice); the random draws stay in the same order, so the QCM answers above
  // are the same with or without one.
  const closeness = (contributions: Partial<Record<ProfileDimension, number>>) => {
    const dims = Object.entries(contributions).filter(
      ([d]) => tendency?.[d as ProfileDimension] !== undefined,
    );
    if (dims.length === 0) return 50;
    return (
      dims.reduce(
        (sum, [d, v]) => sum + Math.abs(v! - 100 * tendency![d as ProfileDimension]!),
        0,
      ) / dims.length
    );
  };
  for (const item of survey.items) {
    if (random() >= plan.answered) continue;
    if (item.kind === "likert") {
      const { min, max } = item.scale;
      const target = tendency?.[item.dimension];
      if (target === undefined) {
        answers[item.id] = min + Math.floor(random() * (max - min + 1));
      } else {
        const direct = item.reverse ? 1 - target : target;
        const jitter = Math.floor(random() * 3) - 1;
        answers[item.id] = Math.min(
          max,
          Math.max(min, Math.round(min + direct * (max - min)) + jitter),
        );
      }
    } else if (item.kind === "single") {
      const ranked = tendency
        ? [...item.options].sort((a, b) => closeness(a.contributions) - closeness(b.contributions))
        : item.options;
      answers[item.id] = tendency ? ranked[random() < 0.8 ? 0 : 1]!.id : pick(item.options).id;
    } else {
      const most = Math.min(item.maxChoices ?? item.options.length, 2);
      const chosen = new Set<string>();
      if (tendency) {
        const ranked = [...item.options].sort(
          (a, b) => closeness(a.contributions) - closeness(b.contributions),
        );
        for (const option of ranked.slice(0, most)) chosen.add(option.id);
        random();
      } else {
        while (chosen.size < most) chosen.add(pick(item.options).id);
      }
      answers[item.id] = [...chosen];
    }
  }
  return { qcm, survey: answers };
}

/** The coach's note on a seeded `sent` bilan (a coach writes it by hand, not the writer). */
export function demoCoachNote(firstName: string): string {
  return `Bilan relu et validé. Nous en reparlerons avec ${firstName} lors de la prochaine séance pour fixer ensemble les premières priorités.`;
}

/**
 * What the worker's bilan.generate does, inline: generateSynthesis with the local writer
 * (schema + grounding check), saved as a `generated` revision → review. No retrieval
 * (a mutation cannot search), so the synthesis cites no knowledge chunk.
 */
async function writeDemoSynthesis(
  ctx: MutationCtx,
  bilanId: Id<"bilans">,
  student: Doc<"students">,
  now: number,
  options: { previewPdf: boolean },
) {
  const bilan = (await ctx.db.get(bilanId))!;
  // The submit's generation job, run here by the same local writer the worker would use, and
  // recorded as the worker records it (completed job, revision naming it): the provenance
  // timeline of a seeded bilan reads like a real one.
  const jobId = await enqueueGeneration(ctx, bilanId, student.userId);
  await patchJob(ctx, (await ctx.db.get(jobId))!, {
    status: "running",
    attempts: 1,
    claimedAt: now,
    updatedAt: now,
  });
  await startGeneration(ctx, bilanId);
  const { synthesis, meta } = await generateSynthesis(
    {
      student,
      subject: bilan.subject,
      scores: bilan.scores!,
      profile: bilan.profile!,
      chunks: [],
    },
    new LocalWriterProvider(),
    { now: () => now },
  );
  await saveGeneratedSynthesis(ctx, bilanId, synthesis, meta, {
    ...options,
    run: { jobId, retrieved: [] },
  });
  await countJobOutcome(ctx, { kind: "bilan.generate" }, "completed", now);
  await patchJob(ctx, (await ctx.db.get(jobId))!, {
    status: "completed",
    result: { provider: meta.provider, model: meta.model, repaired: false, chunks: 0, sources: 0 },
    finishedAt: now,
    updatedAt: now,
  });
  await appendJobEvent(ctx, jobId, "completed", {
    message: "Synthèse écrite par le jeu de démonstration (rédacteur local).",
    data: { worker: "seed", attempt: 1, durationMs: meta.durationMs },
    at: now,
  });
}

export interface SeedResult {
  issuer: string;
  created: {
    users: number;
    students: number;
    guardianships: number;
    coachAssignments: number;
    bilans: number;
  };
  /** Demo bilans not created because no questionnaire exists yet for their subject and niveau. */
  skipped: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Inserts every demo row that is absent (users by email, students by name, links by pair, bilans by student, subject and rank). */
export async function seedDemoData(ctx: MutationCtx, now: number): Promise<SeedResult> {
  const issuer = devAuthIssuer();
  const created = { users: 0, students: 0, guardianships: 0, coachAssignments: 0, bilans: 0 };
  const skipped: string[] = [];

  const users = new Map<string, Doc<"users">>();
  for (const account of DEMO_ACCOUNTS) {
    let user = await ctx.db
      .query("users")
      .withIndex("by_email", (q) => q.eq("email", account.email))
      .first();
    if (!user) {
      const id = await ctx.db.insert("users", {
        tokenIdentifier: demoTokenIdentifier(account.email, issuer),
        email: account.email,
        name: account.name,
        role: account.role,
        createdAt: now,
        lastSeenAt: now,
        ...demoSalutation(account.email, account.name),
      });
      user = (await ctx.db.get(id))!;
      created.users += 1;
    }
    users.set(account.email, user);
  }
  const userId = (email: string): Id<"users"> => users.get(email)!._id;

  const students = new Map<string, Doc<"students">>();
  for (const demo of DEMO_STUDENTS) {
    let student = await ctx.db
      .query("students")
      .withIndex("by_lastName_and_firstName", (q) =>
        q.eq("lastName", demo.lastName).eq("firstName", demo.firstName),
      )
      .first();
    if (!student) {
      const { accountEmail, ...identity } = demo;
      const id = await ctx.db.insert("students", {
        ...identity,
        userId: userId(accountEmail),
        createdAt: now,
        updatedAt: now,
      });
      student = (await ctx.db.get(id))!;
      created.students += 1;
    } else if (student.birthDate === undefined) {
      // seeded before birth dates were recorded
      await ctx.db.patch(student._id, { birthDate: demo.birthDate });
      student = (await ctx.db.get(student._id))!;
    }
    students.set(demo.accountEmail, student);
  }
  const studentId = (email: string): Id<"students"> => students.get(email)!._id;

  for (const [parentEmail, studentEmail] of DEMO_GUARDIANSHIPS) {
    const link = { parentId: userId(parentEmail), studentId: studentId(studentEmail) };
    const existing = await ctx.db
      .query("guardianships")
      .withIndex("by_parentId_and_studentId", (q) =>
        q.eq("parentId", link.parentId).eq("studentId", link.studentId),
      )
      .first();
    if (!existing) {
      await ctx.db.insert("guardianships", { ...link, createdAt: now });
      created.guardianships += 1;
    }
  }

  for (const [coachEmail, studentEmail] of DEMO_COACH_ASSIGNMENTS) {
    const link = { coachId: userId(coachEmail), studentId: studentId(studentEmail) };
    const existing = await ctx.db
      .query("coachAssignments")
      .withIndex("by_coachId_and_studentId", (q) =>
        q.eq("coachId", link.coachId).eq("studentId", link.studentId),
      )
      .first();
    if (!existing) {
      await ctx.db.insert("coachAssignments", { ...link, createdAt: now });
      created.coachAssignments += 1;
    }
  }

  const survey = getSurvey();
  for (const [index, plan] of DEMO_BILANS.entries()) {
    const student = students.get(plan.studentEmail)!;
    const label = `${student.firstName} ${student.lastName} — ${plan.subject}`;
    const questionnaire = questionnaireFor(plan.subject, student.niveau);
    if (!questionnaire) {
      skipped.push(label);
      continue;
    }
    const existing = await ctx.db
      .query("bilans")
      .withIndex("by_studentId_and_createdAt", (q) => q.eq("studentId", student._id))
      .take(100);
    // A student may have several demo bilans of one subject: the n-th plan of a (student,
    // subject) pair is inserted while fewer than n + 1 bilans of that subject exist.
    const ordinal = DEMO_BILANS.slice(0, index).filter(
      (p) => p.studentEmail === plan.studentEmail && p.subject === plan.subject,
    ).length;
    if (existing.filter((b) => b.subject === plan.subject).length > ordinal) continue;

    const at = now - plan.daysAgo * DAY_MS;
    const answers = demoAnswers(questionnaire, survey, plan);
    const results = plan.status === "draft" ? {} : scoreBilan(questionnaire.id, answers);
    const bilanId = await insertBilan(ctx, {
      studentId: student._id,
      subject: plan.subject,
      niveau: student.niveau,
      questionnaireId: questionnaire.id,
      status: plan.status === "draft" ? "draft" : "submitted",
      answers,
      ...results,
      createdBy: student.userId ?? userId(DEMO_ACCOUNTS[0]!.email),
      createdAt: at,
      updatedAt: at,
      ...(plan.status === "draft" ? {} : { submittedAt: at }),
    });
    // The counters of /admin/statistiques, as createDraft and submit would have bumped them.
    await countBilanStage(ctx, { subject: plan.subject }, "created", at);
    if (plan.status !== "draft")
      await countBilanStage(ctx, { subject: plan.subject }, "submitted", at);
    if (plan.status === "submitted") await enqueueGeneration(ctx, bilanId, student.userId);
    if (plan.status === "review" || plan.status === "sent") {
      await writeDemoSynthesis(ctx, bilanId, student, now, {
        previewPdf: plan.status === "review",
      });
    }
    if (plan.status === "sent") {
      const coach = DEMO_COACH_ASSIGNMENTS.find(([, email]) => email === plan.studentEmail);
      if (!coach) throw new Error(`Aucun coach de démonstration pour ${plan.studentEmail}.`);
      await approveBilan(
        ctx,
        (await ctx.db.get(bilanId))!,
        { userId: userId(coach[0]), coachNote: demoCoachNote(student.firstName) },
        // Approved once written (the revision's time), never before it in the bilan's history.
        Date.now(),
      );
    }
    created.bilans += 1;
  }

  const total = Object.values(created).reduce((sum, n) => sum + n, 0);
  if (total > 0) {
    await audit(ctx, { actorKind: "worker", action: "seed.run", details: { created, skipped } });
  }
  return { issuer, created, skipped };
}
