// Schemas of the questionnaire data files (packages/shared/questionnaires/*.json).
// Files are validated once when the registry module loads; the refinements
// below catch what a JSON schema alone cannot (duplicate ids, dangling
// references), so a broken file fails at import, never in front of a student.
import { z } from "zod";
import "./zod-fr";
import { zNiveau, zSubject } from "./domain";
import { profileDimensions, zProfileDimension } from "./results";

/**
 * Ids are used as keys of the stored answers (Convex records), so they stay
 * lowercase ASCII: never empty, never starting with `$` or `_`.
 */
export const zDataId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, "id must be lowercase letters, digits and dashes");

const text = z.string().trim().min(1);

export const zDifficulty = z.union([z.literal(1), z.literal(2), z.literal(3)], {
  error: "difficulty must be 1, 2 or 3",
});
export type Difficulty = z.infer<typeof zDifficulty>;

export const zDomain = z.strictObject({
  id: zDataId,
  label: text,
  description: text,
});
export type Domain = z.infer<typeof zDomain>;

export const zQuestionOption = z.strictObject({ id: zDataId, label: text });
export type QuestionOption = z.infer<typeof zQuestionOption>;

export const zQuestion = z.strictObject({
  id: zDataId,
  /** Id of the competence domain the question belongs to. */
  domain: zDataId,
  /** 1 (basic) to 3 (demanding); also the question's weight in the score. */
  difficulty: zDifficulty,
  prompt: text,
  /** Optional code excerpt shown in monospace under the prompt (NSI). */
  code: text.optional(),
  options: z.array(zQuestionOption).min(3).max(5),
  /** Id of the one correct option. */
  correct: zDataId,
  /** Short French explanation of the right answer (shown after review, used by the synthesis). */
  explanation: text,
});
export type Question = z.infer<typeof zQuestion>;

/** Adds an issue for every id seen twice in `ids`, at `path(index)`. */
function checkUnique(
  ctx: z.core.$RefinementCtx,
  ids: readonly string[],
  what: string,
  path: (index: number) => PropertyKey[],
): void {
  const seen = new Set<string>();
  ids.forEach((id, index) => {
    if (seen.has(id))
      ctx.addIssue({ code: "custom", message: `duplicate ${what} id "${id}"`, path: path(index) });
    seen.add(id);
  });
}

export const zQuestionnaire = z
  .strictObject({
    id: zDataId,
    version: z.number().int().min(1),
    subject: zSubject,
    niveau: zNiveau,
    title: text,
    description: text.optional(),
    domains: z.array(zDomain).min(1),
    questions: z.array(zQuestion).min(1),
  })
  .superRefine((q, ctx) => {
    checkUnique(
      ctx,
      q.domains.map((d) => d.id),
      "domain",
      (i) => ["domains", i, "id"],
    );
    checkUnique(
      ctx,
      q.questions.map((x) => x.id),
      "question",
      (i) => ["questions", i, "id"],
    );
    const domainIds = new Set(q.domains.map((d) => d.id));
    const perDomain = new Map<string, number>();
    q.questions.forEach((question, i) => {
      checkUnique(
        ctx,
        question.options.map((o) => o.id),
        `option (question "${question.id}")`,
        (j) => ["questions", i, "options", j, "id"],
      );
      if (!domainIds.has(question.domain)) {
        ctx.addIssue({
          code: "custom",
          message: `question "${question.id}" refers to unknown domain "${question.domain}"`,
          path: ["questions", i, "domain"],
        });
      }
      if (!question.options.some((o) => o.id === question.correct)) {
        ctx.addIssue({
          code: "custom",
          message: `question "${question.id}": correct option "${question.correct}" is not one of its options`,
          path: ["questions", i, "correct"],
        });
      }
      perDomain.set(question.domain, (perDomain.get(question.domain) ?? 0) + 1);
    });
    q.domains.forEach((d, i) => {
      const count = perDomain.get(d.id) ?? 0;
      if (count < 2) {
        ctx.addIssue({
          code: "custom",
          message: `domain "${d.id}" has ${count} question(s); at least 2 are required`,
          path: ["domains", i],
        });
      }
    });
  });
export type Questionnaire = z.infer<typeof zQuestionnaire>;

/** What a student's browser may receive: no correct answers, no explanations. */
export type StudentQuestionnaire = Omit<Questionnaire, "questions"> & {
  questions: Omit<Question, "correct" | "explanation">[];
};

export function studentView(q: Questionnaire): StudentQuestionnaire {
  return {
    ...q,
    questions: q.questions.map(({ correct: _c, explanation: _e, ...rest }) => rest),
  };
}

// ---------------------------------------------------------------------------
// Pedagogical survey

/** Per-dimension values 0–100 an answer option contributes (stress: higher = more stressed). */
export const zContributions = z.partialRecord(zProfileDimension, z.number().int().min(0).max(100));
export type Contributions = z.infer<typeof zContributions>;

export const zChoiceOption = z
  .strictObject({
    id: zDataId,
    label: text,
    contributions: zContributions.default({}),
    /** French statement added to the profile's traits when the option is chosen. */
    trait: text.optional(),
  })
  .refine((o) => Object.keys(o.contributions).length > 0 || o.trait !== undefined, {
    message: "an option must contribute to a dimension or carry a trait",
  });
export type ChoiceOption = z.infer<typeof zChoiceOption>;

export const zLikertScale = z
  .strictObject({
    min: z.number().int(),
    max: z.number().int(),
    minLabel: text,
    maxLabel: text,
  })
  // Sane: at least 3 points, at most 11, and the linear map to 0–100 hits integers only.
  .refine((s) => s.max - s.min >= 2 && s.max - s.min <= 10 && 100 % (s.max - s.min) === 0, {
    message: "Likert scale must span 3 to 11 points with (max - min) dividing 100 (e.g. 1–5)",
  });
export type LikertScale = z.infer<typeof zLikertScale>;

export const zLikertItem = z.strictObject({
  id: zDataId,
  kind: z.literal("likert"),
  prompt: text,
  dimension: zProfileDimension,
  /** Reverse-scored: agreeing strongly means a low value on the dimension. */
  reverse: z.boolean().default(false),
  scale: zLikertScale,
});

export const zSingleChoiceItem = z.strictObject({
  id: zDataId,
  kind: z.literal("single"),
  prompt: text,
  options: z.array(zChoiceOption).min(2).max(8),
});

export const zMultipleChoiceItem = z.strictObject({
  id: zDataId,
  kind: z.literal("multiple"),
  prompt: text,
  options: z.array(zChoiceOption).min(2).max(10),
  /** Most options a student may tick (default: all). */
  maxChoices: z.number().int().min(1).optional(),
});

export const zSurveyItem = z.discriminatedUnion("kind", [
  zLikertItem,
  zSingleChoiceItem,
  zMultipleChoiceItem,
]);
export type SurveyItem = z.infer<typeof zSurveyItem>;
export type LikertItem = z.infer<typeof zLikertItem>;
export type ChoiceItem = z.infer<typeof zSingleChoiceItem> | z.infer<typeof zMultipleChoiceItem>;

export const zSurvey = z
  .strictObject({
    id: zDataId,
    version: z.number().int().min(1),
    title: text,
    description: text.optional(),
    /** French label of every profile dimension, each exactly once. */
    dimensions: z.array(z.strictObject({ id: zProfileDimension, label: text })),
    items: z.array(zSurveyItem).min(1),
  })
  .superRefine((s, ctx) => {
    checkUnique(
      ctx,
      s.dimensions.map((d) => d.id),
      "dimension",
      (i) => ["dimensions", i, "id"],
    );
    for (const dim of profileDimensions) {
      if (!s.dimensions.some((d) => d.id === dim)) {
        ctx.addIssue({
          code: "custom",
          message: `missing label for dimension "${dim}"`,
          path: ["dimensions"],
        });
      }
    }
    checkUnique(
      ctx,
      s.items.map((item) => item.id),
      "item",
      (i) => ["items", i, "id"],
    );
    for (const dim of profileDimensions) {
      const fed = s.items.some((item) =>
        item.kind === "likert"
          ? item.dimension === dim
          : item.options.some((o) => o.contributions[dim] !== undefined),
      );
      if (!fed) {
        ctx.addIssue({
          code: "custom",
          message: `no item measures dimension "${dim}"`,
          path: ["items"],
        });
      }
    }
    s.items.forEach((item, i) => {
      if (item.kind === "likert") return;
      checkUnique(
        ctx,
        item.options.map((o) => o.id),
        `option (item "${item.id}")`,
        (j) => ["items", i, "options", j, "id"],
      );
      if (
        item.kind === "multiple" &&
        item.maxChoices !== undefined &&
        item.maxChoices > item.options.length
      ) {
        ctx.addIssue({
          code: "custom",
          message: `item "${item.id}": maxChoices ${item.maxChoices} exceeds its ${item.options.length} options`,
          path: ["items", i, "maxChoices"],
        });
      }
    });
  });
export type Survey = z.infer<typeof zSurvey>;

/** A survey option as the student sees it: no contributions to the profile, no trait. */
export type StudentChoiceOption = Pick<ChoiceOption, "id" | "label">;
export type StudentSurveyItem =
  | { id: string; kind: "likert"; prompt: string; scale: LikertScale }
  | { id: string; kind: "single"; prompt: string; options: StudentChoiceOption[] }
  | {
      id: string;
      kind: "multiple";
      prompt: string;
      options: StudentChoiceOption[];
      maxChoices?: number;
    };
/** What a student's browser may receive of the survey: prompts and choices, not how they score. */
export type StudentSurvey = Pick<Survey, "id" | "version" | "title" | "description"> & {
  items: StudentSurveyItem[];
};

export function studentSurveyView(s: Survey): StudentSurvey {
  const options = (list: readonly ChoiceOption[]) => list.map(({ id, label }) => ({ id, label }));
  return {
    id: s.id,
    version: s.version,
    title: s.title,
    ...(s.description !== undefined ? { description: s.description } : {}),
    items: s.items.map((item): StudentSurveyItem => {
      if (item.kind === "likert") {
        return { id: item.id, kind: "likert", prompt: item.prompt, scale: item.scale };
      }
      if (item.kind === "single") {
        return { id: item.id, kind: "single", prompt: item.prompt, options: options(item.options) };
      }
      return {
        id: item.id,
        kind: "multiple",
        prompt: item.prompt,
        options: options(item.options),
        ...(item.maxChoices !== undefined ? { maxChoices: item.maxChoices } : {}),
      };
    }),
  };
}

// ---------------------------------------------------------------------------
// Loading

/** A questionnaire or survey data file that does not validate: names the file, the id and every issue. */
export class QuestionnaireFileError extends Error {
  override readonly name = "QuestionnaireFileError";
  constructor(
    readonly file: string,
    readonly issues: readonly string[],
  ) {
    super(`Invalid data file ${file}:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
  }
}

function describeIssues(data: unknown, error: z.ZodError): string[] {
  const id =
    typeof data === "object" && data !== null && "id" in data
      ? String((data as { id: unknown }).id)
      : "?";
  return error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)";
    return `[id "${id}"] ${path}: ${issue.message}`;
  });
}

export function parseQuestionnaire(file: string, data: unknown): Questionnaire {
  const parsed = zQuestionnaire.safeParse(data);
  if (!parsed.success) throw new QuestionnaireFileError(file, describeIssues(data, parsed.error));
  return parsed.data;
}

export function parseSurvey(file: string, data: unknown): Survey {
  const parsed = zSurvey.safeParse(data);
  if (!parsed.success) throw new QuestionnaireFileError(file, describeIssues(data, parsed.error));
  return parsed.data;
}
