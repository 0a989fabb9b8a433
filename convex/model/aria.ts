// ARIA's rules: who reads and writes a conversation, the quotas, the per-student settings.
// - Access: the élève owns their conversations (asks, renames, archives, deletes, rates,
//   shares); the student's assigned coach and staff read them (read-only); a parent reads a
//   conversation only when the élève shares it, and otherwise sees usage counts only
//   (aria.usage). A conversation the caller may not read is NOT_FOUND.
// - Quotas (checked in aria.ask before anything is written or sent to a provider):
//   freemium = ARIA_FREE_QUESTIONS_PER_DAY questions per Europe/Paris day; premium = no daily
//   count, within a monthly token budget (ARIA_DEFAULT_MONTHLY_TOKENS unless staff set one).
//   A retry of an interrupted answer is not a new question.
// - Settings: staff (aria.setSettings) and payments (setAriaPremium, called by the payments
//   module when the « option ARIA premium » is bought or ends).
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { canReadStudent, requireAnyRole, type User } from "./access";
import { addDays, parisDate } from "./stats";

export const ARIA_FREE_QUESTIONS_PER_DAY = 5;
/** About 150 questions with a few passages each on gpt-4o-mini (≈ 2 000 tokens each). */
export const ARIA_DEFAULT_MONTHLY_TOKENS = 300_000;
export const ARIA_MAX_QUESTION_CHARS = 2_000;
export const ARIA_MAX_TITLE_CHARS = 80;
export const ARIA_MAX_COMMENT_CHARS = 1_000;
/** A conversation's page shows its last messages; older ones stay stored. */
export const ARIA_MESSAGES_PAGE = 200;

export type Conversation = Doc<"ariaConversations">;

/** Paris calendar day "2026-12-01" and month "2026-12" of an instant. */
export function parisDay(now: number): string {
  return parisDate(now);
}
export function parisMonth(now: number): string {
  return parisDate(now).slice(0, 7);
}

/** The next Paris midnight after `now` (when a freemium quota comes back). */
export function nextParisMidnight(now: number): number {
  const tomorrow = addDays(parisDay(now), 1);
  // Paris is UTC+1 or UTC+2: search the hour at which the Paris day changes.
  let at = Date.parse(`${tomorrow}T00:00:00Z`) - 3 * 3_600_000;
  while (parisDay(at) !== tomorrow) at += 15 * 60_000;
  return at;
}

// ---------------------------------------------------------------- access

export async function studentOfUser(ctx: QueryCtx, user: User) {
  if (user.role !== "eleve") return null;
  return await ctx.db
    .query("students")
    .withIndex("by_userId", (q) => q.eq("userId", user._id))
    .first();
}

/** The élève's own student record, or FORBIDDEN for anyone else. */
export async function requireOwnStudent(ctx: QueryCtx, user: User) {
  requireAnyRole(user);
  const student = await studentOfUser(ctx, user);
  if (!student) throw appError("FORBIDDEN", "Seul un élève peut poser des questions à ARIA.");
  return student;
}

export async function canReadConversation(
  ctx: QueryCtx,
  user: User,
  conversation: Conversation,
): Promise<boolean> {
  if (user.role === "parent") {
    return (
      conversation.sharedWithParents && (await canReadStudent(ctx, user, conversation.studentId))
    );
  }
  return await canReadStudent(ctx, user, conversation.studentId);
}

export async function requireReadableConversation(
  ctx: QueryCtx,
  user: User,
  conversationId: Id<"ariaConversations">,
): Promise<Conversation> {
  requireAnyRole(user);
  const conversation = await ctx.db.get(conversationId);
  if (!conversation || !(await canReadConversation(ctx, user, conversation))) {
    throw appError("NOT_FOUND", "Conversation introuvable.");
  }
  return conversation;
}

/** Only the élève writes in their conversations: readers get FORBIDDEN, strangers NOT_FOUND. */
export async function requireOwnConversation(
  ctx: QueryCtx,
  user: User,
  conversationId: Id<"ariaConversations">,
): Promise<Conversation> {
  const conversation = await requireReadableConversation(ctx, user, conversationId);
  const student = await ctx.db.get(conversation.studentId);
  if (user.role !== "eleve" || student?.userId !== user._id) {
    throw appError("FORBIDDEN", "Seul l'élève peut modifier ses conversations avec ARIA.");
  }
  return conversation;
}

// ---------------------------------------------------------------- settings

export async function settingsOf(ctx: QueryCtx, studentId: Id<"students">) {
  return await ctx.db
    .query("ariaSettings")
    .withIndex("by_studentId", (q) => q.eq("studentId", studentId))
    .unique();
}

export interface AriaSettingsPatch {
  premium?: boolean;
  /** null clears it (back to the default). */
  monthlyTokenBudget?: number | null;
  dailyQuestionLimit?: number | null;
}

export async function writeSettings(
  ctx: MutationCtx,
  studentId: Id<"students">,
  patch: AriaSettingsPatch,
  by: { userId?: Id<"users">; source: string },
): Promise<void> {
  const { monthlyTokenBudget, dailyQuestionLimit } = patch;
  if (
    monthlyTokenBudget != null &&
    (!Number.isInteger(monthlyTokenBudget) || monthlyTokenBudget < 0 || monthlyTokenBudget > 1e8)
  ) {
    throw appError(
      "INVALID_ARGUMENT",
      "Le budget mensuel doit être un nombre entier de jetons entre 0 et 100 000 000.",
    );
  }
  if (
    dailyQuestionLimit != null &&
    (!Number.isInteger(dailyQuestionLimit) || dailyQuestionLimit < 0 || dailyQuestionLimit > 200)
  ) {
    throw appError(
      "INVALID_ARGUMENT",
      "La limite quotidienne doit être un nombre entier de questions entre 0 et 200.",
    );
  }
  const now = Date.now();
  const existing = await settingsOf(ctx, studentId);
  const next = {
    premium: patch.premium ?? existing?.premium ?? false,
    monthlyTokenBudget:
      monthlyTokenBudget === null
        ? undefined
        : (monthlyTokenBudget ?? existing?.monthlyTokenBudget),
    dailyQuestionLimit:
      dailyQuestionLimit === null
        ? undefined
        : (dailyQuestionLimit ?? existing?.dailyQuestionLimit),
    updatedBy: by.userId,
    premiumSource: patch.premium === undefined ? existing?.premiumSource : by.source,
    updatedAt: now,
  };
  if (existing) await ctx.db.replace(existing._id, { studentId, ...next });
  else await ctx.db.insert("ariaSettings", { studentId, ...next });
  await ctx.db.insert("auditLogs", {
    actorKind: by.userId ? "user" : "system",
    actorId: by.userId,
    action: "aria.settings",
    targetTable: "students",
    targetId: studentId,
    details: { ...patch, source: by.source },
    at: now,
  });
}

/**
 * Turns a student's « option ARIA premium » on or off. For the payments module (issue 15) and
 * staff: `by.userId` is the staff member or the payer, `by.source` says why ("staff",
 * "payment:<id>", "expiry"…). Idempotent; audited.
 */
export async function setAriaPremium(
  ctx: MutationCtx,
  studentId: Id<"students">,
  on: boolean,
  by: { userId?: Id<"users">; source: string },
): Promise<void> {
  if (!(await ctx.db.get(studentId))) throw appError("NOT_FOUND", "Élève introuvable.");
  const existing = await settingsOf(ctx, studentId);
  if ((existing?.premium ?? false) === on) return;
  await writeSettings(ctx, studentId, { premium: on }, by);
}

// ---------------------------------------------------------------- quotas

async function usageRow(
  ctx: QueryCtx,
  studentId: Id<"students">,
  period: "day" | "month",
  key: string,
) {
  return await ctx.db
    .query("ariaUsage")
    .withIndex("by_studentId_and_period_and_key", (q) =>
      q.eq("studentId", studentId).eq("period", period).eq("key", key),
    )
    .unique();
}

export interface QuotaState {
  premium: boolean;
  /** Freemium: questions a day; null for premium. */
  dailyLimit: number | null;
  usedToday: number;
  /** Freemium: questions left today; null for premium. */
  remainingToday: number | null;
  monthTokens: number;
  /** Premium: the monthly token budget; null for freemium. */
  monthlyTokenBudget: number | null;
  monthCostMicroEur: number;
  /** Next Paris midnight (freemium) or first of next month (premium, budget spent). */
  resetsAt: number;
  canAsk: boolean;
  /** French, when canAsk is false. */
  refusal: string | null;
}

export async function quotaState(
  ctx: QueryCtx,
  studentId: Id<"students">,
  now: number,
): Promise<QuotaState> {
  const settings = await settingsOf(ctx, studentId);
  const premium = settings?.premium ?? false;
  const day = await usageRow(ctx, studentId, "day", parisDay(now));
  const month = await usageRow(ctx, studentId, "month", parisMonth(now));
  const usedToday = day?.questions ?? 0;
  const monthTokens = month?.tokens ?? 0;
  if (premium) {
    const budget = settings?.monthlyTokenBudget ?? ARIA_DEFAULT_MONTHLY_TOKENS;
    const canAsk = monthTokens < budget;
    const nextMonth = Date.parse(`${addMonth(parisMonth(now))}-01T00:00:00Z`) - 3_600_000;
    return {
      premium,
      dailyLimit: null,
      usedToday,
      remainingToday: null,
      monthTokens,
      monthlyTokenBudget: budget,
      monthCostMicroEur: month?.costMicroEur ?? 0,
      resetsAt: nextMonth,
      canAsk,
      refusal: canAsk
        ? null
        : "Le budget mensuel d'ARIA de ton option premium est épuisé : il se renouvelle le 1er du mois prochain. Ton coach peut aussi t'aider d'ici là.",
    };
  }
  const limit = settings?.dailyQuestionLimit ?? ARIA_FREE_QUESTIONS_PER_DAY;
  const remaining = Math.max(0, limit - usedToday);
  return {
    premium,
    dailyLimit: limit,
    usedToday,
    remainingToday: remaining,
    monthTokens,
    monthlyTokenBudget: null,
    monthCostMicroEur: month?.costMicroEur ?? 0,
    resetsAt: nextParisMidnight(now),
    canAsk: remaining > 0,
    refusal:
      remaining > 0
        ? null
        : `Tu as posé tes ${limit} questions gratuites d'aujourd'hui : ARIA te répondra de nouveau demain dès minuit. L'option ARIA premium permet de poser des questions sans limite quotidienne.`,
  };
}

function addMonth(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
}

/** Throws RATE_LIMITED (writing nothing) when the student may not ask now. */
export async function requireQuota(ctx: QueryCtx, studentId: Id<"students">, now: number) {
  const state = await quotaState(ctx, studentId, now);
  if (!state.canAsk) {
    throw appError("RATE_LIMITED", state.refusal!, {
      retryAfterMs: Math.max(0, state.resetsAt - now),
    });
  }
  return state;
}

async function bumpUsage(
  ctx: MutationCtx,
  studentId: Id<"students">,
  period: "day" | "month",
  key: string,
  delta: { questions?: number; tokens?: number; costMicroEur?: number },
) {
  const row = await usageRow(ctx, studentId, period, key);
  const next = {
    questions: (row?.questions ?? 0) + (delta.questions ?? 0),
    tokens: (row?.tokens ?? 0) + (delta.tokens ?? 0),
    costMicroEur: (row?.costMicroEur ?? 0) + (delta.costMicroEur ?? 0),
  };
  if (row) await ctx.db.patch(row._id, next);
  else await ctx.db.insert("ariaUsage", { studentId, period, key, ...next });
}

/** One question asked now (the day's and the month's counters). */
export async function countQuestion(ctx: MutationCtx, studentId: Id<"students">, now: number) {
  await bumpUsage(ctx, studentId, "day", parisDay(now), { questions: 1 });
  await bumpUsage(ctx, studentId, "month", parisMonth(now), { questions: 1 });
}

/** Tokens and cost of one answer, on the month (and day) it finished. */
export async function countTokens(
  ctx: MutationCtx,
  studentId: Id<"students">,
  now: number,
  tokens: number,
  costMicroEur: number,
) {
  await bumpUsage(ctx, studentId, "day", parisDay(now), { tokens, costMicroEur });
  await bumpUsage(ctx, studentId, "month", parisMonth(now), { tokens, costMicroEur });
}
