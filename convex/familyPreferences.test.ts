// Issue 17, web side: the previous approved bilan's scores as the results pages read them
// (bilans.previousResults), the parent's greeting (users.setMySalutation) and the student's
// holiday zone and weekly availability (students.update). Who may call each one is in the
// access matrix (access.test.ts); here, what they return and write.
import type { BilanScores } from "@nexus/shared/results";
import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { insertBilan as writeBilan } from "./model/bilanHeads";
import { as, errorOf, freshWorld, type T, type World } from "./world.fixtures";

const DAY = 24 * 3600 * 1000;

function scoresWith(percents: Record<string, number>, overall: number): BilanScores {
  return {
    questionnaireId: "maths-premiere",
    questionnaireVersion: 1,
    domains: Object.entries(percents).map(([domainId, percent]) => ({
      domainId,
      label: domainId,
      earned: percent,
      max: 100,
      percent,
      mastery: "en_cours" as const,
      answered: 3,
      total: 3,
    })),
    overall: { earned: overall, max: 100, percent: overall, mastery: "en_cours" },
    unanswered: 0,
  };
}

async function insertBilan(
  t: T,
  world: World,
  fields: {
    subject: "maths" | "nsi";
    status: "sent" | "approved" | "review" | "submitted";
    daysAgo: number;
    scores: BilanScores;
    studentId?: Id<"students">;
  },
): Promise<Id<"bilans">> {
  return await t.run(async (ctx) => {
    const createdAt = Date.now() - fields.daysAgo * DAY;
    return await writeBilan(ctx, {
      studentId: fields.studentId ?? world.students.own,
      subject: fields.subject,
      niveau: "premiere",
      questionnaireId: `${fields.subject}-premiere`,
      status: fields.status,
      answers: { qcm: {}, survey: {} },
      scores: fields.scores,
      review: { approvedAt: createdAt + 1000 },
      createdBy: world.users.eleve,
      createdAt,
      updatedAt: createdAt,
      submittedAt: createdAt,
    });
  });
}

describe("bilans.previousResults", () => {
  it("gives the latest earlier approved or sent bilan of the same subject, to each reader of the student", async () => {
    const { t, world } = await freshWorld();
    const current = await insertBilan(t, world, {
      subject: "maths",
      status: "review",
      daysAgo: 1,
      scores: scoresWith({ suites: 60, derivation: 70 }, 65),
    });
    // Nothing earlier yet.
    expect(
      await as(t, "parent").query(api.bilans.previousResults, { bilanId: current }),
    ).toBeNull();

    const older = await insertBilan(t, world, {
      subject: "maths",
      status: "sent",
      daysAgo: 90,
      scores: scoresWith({ suites: 20 }, 20),
    });
    const previous = await insertBilan(t, world, {
      subject: "maths",
      status: "approved",
      daysAgo: 40,
      scores: scoresWith({ suites: 40, probabilites: 50 }, 45),
    });
    // Not approved yet, another subject, another student, a later bilan: never the previous one.
    await insertBilan(t, world, {
      subject: "maths",
      status: "review",
      daysAgo: 10,
      scores: scoresWith({ suites: 99 }, 99),
    });
    await insertBilan(t, world, {
      subject: "nsi",
      status: "sent",
      daysAgo: 5,
      scores: scoresWith({ algo: 80 }, 80),
    });
    await insertBilan(t, world, {
      subject: "maths",
      status: "sent",
      daysAgo: 20,
      scores: scoresWith({ suites: 77 }, 77),
      studentId: world.students.foreign,
    });

    for (const caller of ["eleve", "parent", "coach", "assistante"] as const) {
      const result = await as(t, caller).query(api.bilans.previousResults, { bilanId: current });
      expect(result?.bilanId, caller).toBe(previous);
      expect(result?.scores.domains.map((d) => [d.domainId, d.percent])).toEqual([
        ["suites", 40],
        ["probabilites", 50],
      ]);
    }
    // The approved one's own previous is the older sent one.
    expect(
      (await as(t, "eleve").query(api.bilans.previousResults, { bilanId: previous }))?.bilanId,
    ).toBe(older);
    // Another family's reader gets the French 404, not the scores.
    expect(
      await errorOf(
        as(t, "parent").query(api.bilans.previousResults, { bilanId: world.bilans.foreign }),
      ),
    ).toMatchObject({ code: "NOT_FOUND", message: "Bilan introuvable." });
  });
});

describe("users.setMySalutation", () => {
  it("stores the parent's own greeting, cleans the names, clears it for neutral, and audits", async () => {
    const { t, world } = await freshWorld();
    const parent = as(t, "parent");
    const saved = await parent.mutation(api.users.setMySalutation, {
      choice: { style: "civilite", civility: "Madame", lastName: "  Durand " },
    });
    expect(saved._id).toBe(world.users.parent);
    expect(saved.salutation).toEqual({ style: "civilite", civility: "Madame", lastName: "Durand" });

    await parent.mutation(api.users.setMySalutation, {
      choice: { style: "prenom", firstName: "Isabelle" },
    });
    const row = async () => await t.run(async (ctx) => await ctx.db.get(world.users.parent));
    expect((await row())?.salutation).toEqual({ style: "prenom", firstName: "Isabelle" });
    // Nobody else's row moved.
    expect(
      (await t.run(async (ctx) => await ctx.db.get(world.users.foreignParent)))?.salutation,
    ).toBeUndefined();

    await parent.mutation(api.users.setMySalutation, { choice: { style: "neutre" } });
    expect((await row())?.salutation).toBeUndefined();

    expect(
      await errorOf(
        parent.mutation(api.users.setMySalutation, {
          choice: { style: "prenom", firstName: "  " },
        }),
      ),
    ).toMatchObject({ code: "INVALID_ARGUMENT" });
    const audits = await t.run(async (ctx) =>
      (await ctx.db.query("auditLogs").collect()).filter((a) => a.action === "user.setSalutation"),
    );
    expect(audits.map((a) => (a.details as { style: string }).style)).toEqual([
      "civilite",
      "prenom",
      "neutre",
    ]);
    expect(audits.every((a) => a.actorId === world.users.parent)).toBe(true);
  });
});

describe("students.update: holiday zone and weekly availability", () => {
  it("sets and clears them, refuses an impossible availability in French, and audits the fields", async () => {
    const { t, world } = await freshWorld();
    const staff = as(t, "assistante");
    const studentId = world.students.own;
    const student = async () => await t.run(async (ctx) => await ctx.db.get(studentId));
    await staff.mutation(api.students.update, {
      studentId,
      holidayZone: "B",
      weeklyAvailabilityHours: 3.5,
    });
    expect(await student()).toMatchObject({ holidayZone: "B", weeklyAvailabilityHours: 3.5 });

    for (const hours of [0, -1, 41, 2.3, Number.NaN]) {
      expect(
        await errorOf(
          staff.mutation(api.students.update, { studentId, weeklyAvailabilityHours: hours }),
        ),
        String(hours),
      ).toMatchObject({
        code: "INVALID_ARGUMENT",
        message: "La disponibilité hebdomadaire s'indique en heures ou demi-heures, de 0,5 à 40 h.",
      });
    }
    expect((await student())?.weeklyAvailabilityHours).toBe(3.5);

    await staff.mutation(api.students.update, {
      studentId,
      holidayZone: null,
      weeklyAvailabilityHours: null,
    });
    const cleared = await student();
    expect(cleared?.holidayZone).toBeUndefined();
    expect(cleared?.weeklyAvailabilityHours).toBeUndefined();
    expect(cleared?.firstName).toBe("Alice");

    const audits = await t.run(async (ctx) =>
      (await ctx.db.query("auditLogs").collect()).filter((a) => a.action === "student.update"),
    );
    expect(audits).toHaveLength(2);
    expect(audits[0]?.details).toEqual({ fields: ["holidayZone", "weeklyAvailabilityHours"] });
  });
});
