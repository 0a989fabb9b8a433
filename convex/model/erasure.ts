// Erasure of a person (right to be forgotten), driven only by the personal-data registry
// (model/personalData.ts). A subject is an account, a student record, or both (an élève and
// their record). `planErasure` is the dry run staff see: exact rows and files per table.
// `eraseBatch` does at most `budget` writes in one transaction and is called again until it
// says done: every step re-finds what is left (deleted rows leave their index, anonymised
// rows lose their reference), so a crash between or inside batches loses nothing and a
// repeated call does nothing twice. Nothing outside the subject's rows is touched: rows are
// reached only through indexes on the subject's own ids.
import type { Doc, Id, TableNames } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { PERSONAL_DATA, type PersonalDataEntry, type RefField } from "./personalData";

export interface Subject {
  userId?: Id<"users">;
  studentId?: Id<"students">;
  /** « Alice Martin (élève) », shown to staff. */
  label: string;
}

export type TableCounts = Record<string, { deleted: number; anonymised: number; files: number }>;

/** Rows read per table by the dry run; a person holds far fewer (a test checks exactness). */
const PLAN_CAP = 10_000;
export const ERASE_BUDGET = 200;

/** The subject behind an account or a student record (an élève's account and record go together). */
export async function resolveSubject(
  ctx: QueryCtx,
  ids: { userId?: Id<"users">; studentId?: Id<"students"> },
): Promise<Subject> {
  let student = ids.studentId ? await ctx.db.get(ids.studentId) : null;
  let user = ids.userId ? await ctx.db.get(ids.userId) : null;
  if (ids.studentId && !student) throw appError("NOT_FOUND", "Élève introuvable.");
  if (ids.userId && !user) throw appError("NOT_FOUND", "Compte introuvable.");
  if (!student && user?.role === "eleve") {
    student = await ctx.db
      .query("students")
      .withIndex("by_userId", (q) => q.eq("userId", user!._id))
      .first();
  }
  if (!user && student?.userId) user = await ctx.db.get(student.userId);
  if (!user && !student) throw appError("INVALID_ARGUMENT", "Aucune personne désignée.");
  const label = student
    ? `${student.firstName} ${student.lastName} (élève)`
    : `${user!.name} <${user!.email}>`;
  return {
    ...(user ? { userId: user._id } : {}),
    ...(student ? { studentId: student._id } : {}),
    label,
  };
}

interface Target {
  entry: PersonalDataEntry;
  path: string;
  ref: RefField<TableNames>;
  id: Id<"users"> | Id<"students">;
}

/** Every (table, field) through which the subject's rows are deleted or anonymised. */
function targets(subject: Subject): Target[] {
  const out: Target[] = [];
  for (const entry of PERSONAL_DATA) {
    for (const [path, ref] of Object.entries(entry.refs)) {
      if (ref.onErase === "keep" || !ref.find) continue;
      // The subject's own student record is deleted at the end, not anonymised first.
      if (entry.table === "students" && subject.studentId) continue;
      const id = ref.to === "users" ? subject.userId : subject.studentId;
      if (id) out.push({ entry, path, ref, id });
    }
  }
  return out;
}

function bump(counts: TableCounts, table: string, key: "deleted" | "anonymised" | "files", n = 1) {
  const row = counts[table] ?? { deleted: 0, anonymised: 0, files: 0 };
  row[key] += n;
  counts[table] = row;
}

async function fileExists(ctx: QueryCtx, storageId: Id<"_storage">): Promise<boolean> {
  return (await ctx.db.system.get(storageId)) !== null;
}

/** The subject's export ZIPs (deleted with the person). */
async function exportRequests(ctx: QueryCtx, subject: Subject): Promise<Doc<"rgpdRequests">[]> {
  const rows: Doc<"rgpdRequests">[] = [];
  if (subject.userId) {
    rows.push(
      ...(await ctx.db
        .query("rgpdRequests")
        .withIndex("by_subjectUserId", (q) => q.eq("subjectUserId", subject.userId))
        .take(100)),
    );
  }
  if (subject.studentId) {
    rows.push(
      ...(await ctx.db
        .query("rgpdRequests")
        .withIndex("by_subjectStudentId", (q) => q.eq("subjectStudentId", subject.studentId))
        .take(100)),
    );
  }
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r._id) && seen.add(r._id) && r.storageId !== undefined);
}

/** The dry run: exactly which rows and files erasure would delete or anonymise, per table. */
export async function planErasure(ctx: QueryCtx, subject: Subject): Promise<TableCounts> {
  const counts: TableCounts = {};
  const seen = new Set<string>();
  for (const { entry, ref, id } of targets(subject)) {
    const rows = await ref.find!(ctx, id).take(PLAN_CAP);
    for (const row of rows) {
      if (seen.has(row._id)) continue;
      seen.add(row._id);
      if (ref.onErase === "anonymise") {
        bump(counts, entry.table, "anonymised");
        continue;
      }
      bump(counts, entry.table, "deleted");
      for (const file of entry.files?.(row) ?? []) {
        if (await fileExists(ctx, file.storageId)) bump(counts, entry.table, "files");
      }
      for (const dep of entry.dependents?.(ctx, row) ?? []) {
        for (const child of await dep.query.take(PLAN_CAP)) {
          if (seen.has(child._id)) continue;
          seen.add(child._id);
          bump(counts, dep.table, "deleted");
        }
      }
    }
  }
  for (const request of await exportRequests(ctx, subject)) {
    if (request.storageId && (await fileExists(ctx, request.storageId))) {
      bump(counts, "rgpdRequests", "files");
    }
  }
  if (subject.studentId) bump(counts, "students", "deleted");
  if (subject.userId) bump(counts, "users", "deleted");
  return counts;
}

/** A stable pseudonym for the audit log: derived from the request, not from the person. */
export async function pseudonymFor(requestId: Id<"rgpdRequests">): Promise<string> {
  return `personne-effacee-${(await hashIdentity(`pseudonym:${requestId}`)).slice(0, 10)}`;
}

export async function hashIdentity(tokenIdentifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(tokenIdentifier));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Has this identity been erased (signing in again is refused)? */
export async function isErasedIdentity(ctx: QueryCtx, tokenIdentifier: string): Promise<boolean> {
  const tokenHash = await hashIdentity(tokenIdentifier);
  const row = await ctx.db
    .query("erasedIdentities")
    .withIndex("by_tokenHash", (q) => q.eq("tokenHash", tokenHash))
    .first();
  return row !== null;
}

export interface BatchResult {
  done: boolean;
  counts: TableCounts;
}

/**
 * One batch of the erasure: at most `budget` row writes (deletes and patches). Returns what it
 * did and whether the subject is fully erased. `crashAfter` (tests only) throws after that
 * many writes, to show a crash mid-batch rolls the batch back and the next call resumes.
 */
export async function eraseBatch(
  ctx: MutationCtx,
  subject: Subject,
  pseudonym: string,
  budget = ERASE_BUDGET,
  crashAfter?: number,
): Promise<BatchResult> {
  const counts: TableCounts = {};
  let left = budget;
  let writes = 0;
  const spend = () => {
    left--;
    writes++;
    if (crashAfter !== undefined && writes >= crashAfter) {
      throw new Error("Panne simulée au milieu d’un lot d’effacement.");
    }
  };
  for (const { entry, ref, id } of targets(subject)) {
    while (left > 0) {
      const rows = await ref.find!(ctx, id).take(Math.min(left, 50));
      if (rows.length === 0) break;
      for (const row of rows) {
        if (left <= 0) return { done: false, counts };
        if (ref.onErase === "anonymise") {
          await ctx.db.patch(row._id, entry.anonymise!(row, pseudonym) as never);
          bump(counts, entry.table, "anonymised");
          spend();
          continue;
        }
        // Children first; the row itself goes only when none is left (resumable).
        for (const dep of entry.dependents?.(ctx, row) ?? []) {
          const children = await dep.query.take(Math.max(left, 0));
          for (const child of children) {
            await ctx.db.delete(child._id);
            bump(counts, dep.table, "deleted");
            spend();
          }
          if (left <= 0) return { done: false, counts };
        }
        for (const file of entry.files?.(row) ?? []) {
          if (await fileExists(ctx, file.storageId)) {
            await ctx.storage.delete(file.storageId);
            bump(counts, entry.table, "files");
          }
        }
        if (entry.remove) {
          for (const [table, n] of Object.entries(await entry.remove(ctx, row))) {
            if (n) bump(counts, table, "deleted", n);
          }
        } else {
          await ctx.db.delete(row._id);
        }
        bump(counts, entry.table, "deleted");
        spend();
      }
    }
    if (left <= 0) return { done: false, counts };
  }
  // Last: the export ZIPs, then the record and the account themselves.
  for (const request of await exportRequests(ctx, subject)) {
    if (request.storageId && (await fileExists(ctx, request.storageId))) {
      await ctx.storage.delete(request.storageId);
      bump(counts, "rgpdRequests", "files");
    }
    await ctx.db.patch(request._id, { storageId: undefined, status: "expired" });
  }
  if (subject.studentId && (await ctx.db.get(subject.studentId))) {
    await ctx.db.delete(subject.studentId);
    bump(counts, "students", "deleted");
  }
  if (subject.userId) {
    const user = await ctx.db.get(subject.userId);
    if (user) {
      await ctx.db.insert("erasedIdentities", {
        tokenHash: await hashIdentity(user.tokenIdentifier),
        erasedAt: Date.now(),
      });
      await ctx.db.delete(subject.userId);
      bump(counts, "users", "deleted");
    }
  }
  return { done: true, counts };
}

/** Adds `more` into `into` (the request's running totals). */
export function addCounts(into: TableCounts, more: TableCounts): TableCounts {
  const out: TableCounts = structuredClone(into);
  for (const [table, c] of Object.entries(more)) {
    const row = out[table] ?? { deleted: 0, anonymised: 0, files: 0 };
    out[table] = {
      deleted: row.deleted + c.deleted,
      anonymised: row.anonymised + c.anonymised,
      files: row.files + c.files,
    };
  }
  return out;
}
