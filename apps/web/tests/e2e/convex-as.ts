// Calling Convex from a scenario as the person signed in on `page`: the same short-lived token
// the browser's Convex client gets from POST /auth/jeton (dev sign-in), on the stack's Convex.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { expect, type Page } from "@playwright/test";
import { ConvexHttpClient } from "convex/browser";

export const CONVEX_URL = "http://127.0.0.1:3210";

export async function convexAs(page: Page): Promise<ConvexHttpClient> {
  const response = await page.request.post("/auth/jeton");
  expect(response.ok(), "POST /auth/jeton").toBe(true);
  const { token } = (await response.json()) as { token: string | null };
  expect(token, "a dev sign-in token").toBeTruthy();
  const client = new ConvexHttpClient(CONVEX_URL);
  client.setAuth(token as string);
  return client;
}

/**
 * As the élève signed in on `page`: opens (or resumes) a bilan of `subject` and saves an answer
 * to every question and survey item, the way the questionnaire does; returns its id, not
 * submitted.
 */
export async function answeredDraft(
  page: Page,
  subject: "maths" | "nsi" | "physique-chimie",
): Promise<{ convex: ConvexHttpClient; bilanId: Id<"bilans"> }> {
  const convex = await convexAs(page);
  const students = await convex.query(api.students.listMine, {
    paginationOpts: { numItems: 1, cursor: null },
  });
  const student = students.page[0];
  if (!student) throw new Error("the élève has no student row");
  const bilanId = await convex.mutation(api.bilans.createDraft, {
    studentId: student._id,
    subject,
  });
  const { questionnaire, survey } = await convex.query(api.bilans.questionnaire, { bilanId });
  const qcm: Record<string, string> = {};
  questionnaire.questions.forEach((question, i) => {
    // A mix of answers, so that the domains do not all get the same mastery.
    const option = question.options[i % question.options.length];
    if (option) qcm[question.id] = option.id;
  });
  const answers: Record<string, number | string | string[]> = {};
  for (const item of survey.items) {
    if (item.kind === "likert") answers[item.id] = item.scale.max;
    else if (item.kind === "single") answers[item.id] = item.options[0]?.id ?? "";
    else answers[item.id] = item.options.slice(0, 1).map((o) => o.id);
  }
  await convex.mutation(api.bilans.saveAnswers, { bilanId, answers: { qcm, survey: answers } });
  return { convex, bilanId };
}
