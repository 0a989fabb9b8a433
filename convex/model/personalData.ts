// The personal-data registry: one entry per table that holds data about a person (a users row
// or a students row). Export (right of access), erasure (right to be forgotten) and their dry
// run all read this list, and nothing else, to know where a person's rows are; a test
// (personalData.test.ts) walks the schema's validators and fails when a table with a
// v.id("users") or v.id("students") field — or one of those fields — is missing here.
//
// Adding a table that references a person: add an entry below with, for each referencing
// field (dotted path, "[]" for an array element):
//   - `to`: "users" or "students";
//   - `onErase`: what erasing the referenced person does to the row:
//       "delete"    the row goes (it is that person's data);
//       "anonymise" the row stays, `anonymise(row)` removes the reference and any identifying
//                   text (e.g. the audit log keeps the action under a pseudonym);
//       "keep"      the row stays untouched: it belongs to someone else (a bilan a coach created
//                   is the student's) and the id no longer resolves once the person is gone;
//   - `find(ctx, id)`: an indexed query of the rows whose field is `id` (needed for "delete"
//     and "anonymise", and for export), unless `cascade` says which parent entry deletes them.
// and `export: true` when the rows go into the person's export (one JSON file per table).
// `delete`/`anonymise` must make the row leave `find`'s result: erasure re-runs `find` batch
// after batch until nothing is left, which makes it resumable and idempotent.
import type { PaginationOptions, PaginationResult } from "convex/server";
import type { GenericId, GenericValidator } from "convex/values";
import type { Doc, Id, TableNames } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { ARIA_PERSONAL_DATA } from "./ariaPersonalData";
import { deleteBilan } from "./bilanHeads";

export type PersonTable = "users" | "students";
export type OnErase = "delete" | "anonymise" | "keep";

/** Something that can be read in bounded pieces: an indexed (ordered) query. */
export interface RowQuery<T extends TableNames> {
  take(n: number): Promise<Doc<T>[]>;
  paginate(opts: PaginationOptions): Promise<PaginationResult<Doc<T>>>;
}

/** Rows that hang off a row and go with it (a bilan's revisions, a document's chunks). */
export interface Dependent {
  table: TableNames;
  query: RowQuery<TableNames>;
}

export interface RefField<T extends TableNames> {
  to: PersonTable;
  onErase: OnErase;
  /** The rows whose field equals `id`, through an index. */
  find?: (ctx: QueryCtx, id: GenericId<PersonTable>) => RowQuery<T>;
  /** Rows reached through another entry's cascade (e.g. chunks through their document). */
  cascade?: { from: TableNames; why: string };
  /** Why the row is kept (onErase "keep"): whose data it is. */
  why?: string;
}

export interface PersonalDataEntry<T extends TableNames = TableNames> {
  table: T;
  /** English: what the table holds about the person (for the export's documented schema). */
  description: string;
  /** The rows go into the person's export (one JSON file per table). */
  export: boolean;
  refs: Record<string, RefField<T>>;
  /** Required when a ref is "anonymise": the patch that removes the reference. */
  anonymise?: (row: Doc<T>, pseudonym: string) => Partial<Doc<T>>;
  /** Child rows deleted with a row, before it (counted by the dry run, deleted in batches). */
  dependents?: (ctx: QueryCtx, row: Doc<T>) => Dependent[];
  /** Stored files of a row (exported as files, deleted with the row). */
  files?: (row: Doc<T>) => { storageId: Id<"_storage">; name: string }[];
  /**
   * Deletes the row when a plain delete is not enough (a bilan and its head go in one
   * write helper); returns the rows of other tables it deleted with it, per table.
   */
  remove?: (ctx: MutationCtx, row: Doc<T>) => Promise<Partial<Record<TableNames, number>>>;
}

function entry<T extends TableNames>(e: PersonalDataEntry<T>): PersonalDataEntry<TableNames> {
  return e as unknown as PersonalDataEntry<TableNames>;
}

const uid = (id: GenericId<PersonTable>) => id as Id<"users">;
const sid = (id: GenericId<PersonTable>) => id as Id<"students">;

function dep<T extends TableNames>(table: T, query: RowQuery<T>): Dependent {
  return { table, query: query as unknown as RowQuery<TableNames> };
}

export const PERSONAL_DATA: PersonalDataEntry[] = [
  entry({
    table: "users",
    description: "The account: e-mail, name, role, greeting, sign-in and activity dates.",
    export: true,
    // The person's own row: erasure deletes it last (see model/erasure.ts), so it is found by id.
    refs: {},
  }),
  entry({
    table: "students",
    description:
      "The student record: names, birth date, level, status, school, specialities, availability.",
    export: true,
    refs: {
      userId: {
        to: "users",
        onErase: "anonymise",
        find: (ctx, id) =>
          ctx.db.query("students").withIndex("by_userId", (q) => q.eq("userId", uid(id))),
        why: "Erasing only the élève's account keeps the student record (erase the student to remove it).",
      },
    },
    anonymise: () => ({ userId: undefined }),
  }),
  entry({
    table: "guardianships",
    description: "Which parent guards which student.",
    export: true,
    refs: {
      parentId: {
        to: "users",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("guardianships")
            .withIndex("by_parentId_and_studentId", (q) => q.eq("parentId", uid(id))),
      },
      studentId: {
        to: "students",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("guardianships")
            .withIndex("by_studentId", (q) => q.eq("studentId", sid(id))),
      },
    },
  }),
  entry({
    table: "coachAssignments",
    description: "Which coach follows which student.",
    export: true,
    refs: {
      coachId: {
        to: "users",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("coachAssignments")
            .withIndex("by_coachId_and_studentId", (q) => q.eq("coachId", uid(id))),
      },
      studentId: {
        to: "students",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("coachAssignments")
            .withIndex("by_studentId", (q) => q.eq("studentId", sid(id))),
      },
    },
  }),
  entry({
    table: "apiKeys",
    description: "The person's CLI keys (label, hint, dates; never the key itself).",
    export: true,
    refs: {
      userId: {
        to: "users",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db.query("apiKeys").withIndex("by_userId", (q) => q.eq("userId", uid(id))),
      },
      createdBy: {
        to: "users",
        onErase: "keep",
        why: "The admin who created someone else's key: that key is its holder's.",
      },
    },
  }),
  entry({
    table: "bilans",
    description: "The student's bilans: answers, scores, profile, synthesis, review, report.",
    export: true,
    refs: {
      studentId: {
        to: "students",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("bilans")
            .withIndex("by_studentId_and_createdAt", (q) => q.eq("studentId", sid(id))),
      },
      createdBy: {
        to: "users",
        onErase: "keep",
        why: "A bilan is its student's data; its creator's id no longer resolves once erased.",
      },
      "review.approvedBy": {
        to: "users",
        onErase: "keep",
        why: "The approving coach of someone else's bilan.",
      },
    },
    files: (row) =>
      row.pdf
        ? [{ storageId: row.pdf.storageId, name: `rapport-${row.subject}-${row._id}.pdf` }]
        : [],
    remove: async (ctx, row) => ({ bilanHeads: await deleteBilan(ctx, row._id) }),
    dependents: (ctx, bilan) => [
      dep(
        "bilanRevisions",
        ctx.db
          .query("bilanRevisions")
          .withIndex("by_bilanId_and_createdAt", (q) => q.eq("bilanId", bilan._id)),
      ),
      dep(
        "bilanReports",
        ctx.db
          .query("bilanReports")
          .withIndex("by_bilanId_and_version", (q) => q.eq("bilanId", bilan._id)),
      ),
      dep(
        "bilanCitations",
        ctx.db
          .query("bilanCitations")
          .withIndex("by_bilanId_and_documentId", (q) => q.eq("bilanId", bilan._id)),
      ),
      dep(
        "presence",
        ctx.db
          .query("presence")
          .withIndex("by_bilanId_and_lastSeenAt", (q) => q.eq("bilanId", bilan._id)),
      ),
    ],
  }),
  // Deleted with their bilan (deleteBilan, in the same write); listed after bilans so the dry
  // run counts them through their own index and erasure finds none left.
  entry({
    table: "bilanHeads",
    description:
      "A small copy of each bilan's list fields (subject, status, dates, overall score).",
    export: true,
    refs: {
      studentId: {
        to: "students",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("bilanHeads")
            .withIndex("by_studentId_and_createdAt", (q) => q.eq("studentId", sid(id))),
      },
    },
  }),
  entry({
    table: "bilanRevisions",
    description: "Every synthesis a bilan has had (generated or edited by a coach).",
    export: false,
    refs: {
      authorId: {
        to: "users",
        onErase: "keep",
        cascade: { from: "bilans", why: "Deleted with their bilan (the student's data)." },
        why: "A coach's edit of a student's synthesis is the student's data.",
      },
    },
  }),
  entry({
    table: "jobs",
    description: "Background jobs started by the person (kept 30 days after they finish).",
    export: false,
    refs: {
      createdBy: {
        to: "users",
        onErase: "keep",
        why: "Technical rows, removed by retention 30 days after they finish.",
      },
    },
  }),
  entry({
    table: "jobPauses",
    description: "Which staff member paused a kind of job (one row per paused kind).",
    export: false,
    refs: {
      pausedBy: {
        to: "users",
        onErase: "keep",
        why: "An operational switch of the centre; the id no longer resolves once the person is erased.",
      },
    },
  }),
  entry({
    table: "emails",
    description: "E-mails sent to the person: address, subject, template, status, dates.",
    export: true,
    refs: {
      recipientUserId: {
        to: "users",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("emails")
            .withIndex("by_recipientUserId_and_createdAt", (q) => q.eq("recipientUserId", uid(id))),
      },
    },
  }),
  entry({
    table: "auditLogs",
    description: "Actions the person performed (kept under a pseudonym after erasure).",
    export: true,
    refs: {
      actorId: {
        to: "users",
        onErase: "anonymise",
        find: (ctx, id) =>
          ctx.db.query("auditLogs").withIndex("by_actorId_and_at", (q) => q.eq("actorId", uid(id))),
      },
    },
    anonymise: (_row, pseudonym) => ({ actorId: undefined, details: { pseudonym } }),
  }),
  entry({
    table: "uploads",
    description: "Upload slots issued to the person.",
    export: false,
    refs: {
      userId: {
        to: "users",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db.query("uploads").withIndex("by_userId", (q) => q.eq("userId", uid(id))),
      },
    },
  }),
  entry({
    table: "fileGrants",
    description: "Short-lived download links issued to the person.",
    export: false,
    refs: {
      userId: {
        to: "users",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db.query("fileGrants").withIndex("by_userId", (q) => q.eq("userId", uid(id))),
      },
    },
  }),
  entry({
    table: "invitations",
    description: "Invitations naming the person (by e-mail, or the student they link to).",
    export: false,
    refs: {
      "studentIds[]": {
        to: "students",
        onErase: "keep",
        why: "Accepting an invitation whose student is gone links nothing; it expires in days.",
      },
      invitedBy: {
        to: "users",
        onErase: "keep",
        why: "The staff member who invited someone else.",
      },
      acceptedBy: {
        to: "users",
        onErase: "keep",
        why: "Accepted invitations are history; the id no longer resolves once erased.",
      },
      revokedBy: { to: "users", onErase: "keep", why: "The staff member who revoked it." },
    },
  }),
  entry({
    table: "documents",
    description: "Documents filed for the student (the files themselves are in the export).",
    export: true,
    refs: {
      studentId: {
        to: "students",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db.query("documents").withIndex("by_studentId", (q) => q.eq("studentId", sid(id))),
      },
      ownerId: {
        to: "users",
        onErase: "keep",
        why: "Who uploaded a document: global documents are the centre's, student ones the student's.",
      },
    },
    files: (row) => [{ storageId: row.storageId, name: `${row._id}-${row.title}` }],
    dependents: (ctx, doc) => [
      dep(
        "chunks",
        ctx.db
          .query("chunks")
          .withIndex("by_documentId_and_generation_and_ordinal", (q) =>
            q.eq("documentId", doc._id),
          ),
      ),
      dep(
        "documentPages",
        ctx.db
          .query("documentPages")
          .withIndex("by_documentId_and_generation_and_page", (q) => q.eq("documentId", doc._id)),
      ),
      dep(
        "bilanCitations",
        ctx.db
          .query("bilanCitations")
          .withIndex("by_documentId_and_citedAt", (q) => q.eq("documentId", doc._id)),
      ),
    ],
  }),
  entry({
    table: "chunks",
    description: "Indexed passages of the student's documents (search only).",
    export: false,
    refs: {
      studentId: {
        to: "students",
        onErase: "delete",
        cascade: { from: "documents", why: "Deleted with their document." },
      },
    },
  }),
  entry({
    table: "presence",
    description: "Who had a bilan page open (deleted after 10 minutes).",
    export: false,
    refs: {
      userId: {
        to: "users",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db.query("presence").withIndex("by_userId", (q) => q.eq("userId", uid(id))),
      },
    },
  }),
  entry({
    table: "notifications",
    description: "In-app notifications sent to the person.",
    export: true,
    refs: {
      userId: {
        to: "users",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("notifications")
            .withIndex("by_userId_and_createdAt", (q) => q.eq("userId", uid(id))),
      },
    },
  }),
  entry({
    table: "consents",
    description: "Consents given (information notice, parental consent to ARIA): version and date.",
    export: true,
    refs: {
      userId: {
        to: "users",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("consents")
            .withIndex("by_userId_and_kind_and_givenAt", (q) => q.eq("userId", uid(id))),
      },
      studentId: {
        to: "students",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("consents")
            .withIndex("by_studentId_and_kind_and_givenAt", (q) => q.eq("studentId", sid(id))),
      },
    },
  }),
  entry({
    table: "emailPreferences",
    description: "Which kinds of e-mails the person turned off.",
    export: true,
    refs: {
      userId: {
        to: "users",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("emailPreferences")
            .withIndex("by_userId_and_kind", (q) => q.eq("userId", uid(id))),
      },
    },
  }),
  entry({
    table: "rgpdRequests",
    description: "Export and erasure requests about the person, with their outcome.",
    export: true,
    refs: {
      subjectUserId: {
        to: "users",
        onErase: "keep",
        find: (ctx, id) =>
          ctx.db
            .query("rgpdRequests")
            .withIndex("by_subjectUserId", (q) => q.eq("subjectUserId", uid(id))),
        why: "Proof of the erasure: the name is replaced by the pseudonym and export ZIPs are deleted when it finishes (model/erasure.ts).",
      },
      subjectStudentId: {
        to: "students",
        onErase: "keep",
        find: (ctx, id) =>
          ctx.db
            .query("rgpdRequests")
            .withIndex("by_subjectStudentId", (q) => q.eq("subjectStudentId", sid(id))),
        why: "Same as subjectUserId.",
      },
      requestedBy: {
        to: "users",
        onErase: "keep",
        why: "A parent's request about a child stays with the child's record.",
      },
      confirmedBy: { to: "users", onErase: "keep", why: "The staff member who confirmed." },
    },
  }),
  // ---- coaching by credits (issue 15) ----
  entry({
    table: "wallets",
    description: "The student's credit balance.",
    export: true,
    refs: {
      studentId: {
        to: "students",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db.query("wallets").withIndex("by_studentId", (q) => q.eq("studentId", sid(id))),
      },
    },
  }),
  entry({
    table: "subscriptions",
    description: "The student's monthly subscription: credits per month, status.",
    export: true,
    refs: {
      studentId: {
        to: "students",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("subscriptions")
            .withIndex("by_studentId", (q) => q.eq("studentId", sid(id))),
      },
      stoppedBy: {
        to: "users",
        onErase: "keep",
        why: "The staff member who stopped someone else's subscription.",
      },
    },
  }),
  entry({
    table: "walletEntries",
    description:
      "Every change of the student's credits: purchases, bookings, refunds, adjustments.",
    export: true,
    refs: {
      studentId: {
        to: "students",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("walletEntries")
            .withIndex("by_studentId_and_at", (q) => q.eq("studentId", sid(id))),
      },
      actorId: {
        to: "users",
        onErase: "keep",
        why: "The staff member or payer who caused an entry of someone else's wallet.",
      },
    },
  }),
  entry({
    table: "payments",
    description: "Payments for the student's packs (amount, method, status, reference).",
    export: true,
    refs: {
      studentId: {
        to: "students",
        onErase: "keep",
        find: (ctx, id) =>
          ctx.db
            .query("payments")
            .withIndex("by_studentId_and_createdAt", (q) => q.eq("studentId", sid(id))),
        why: "Accounting records are kept ten years (Code de commerce, art. L123-22); the id no longer resolves once erased.",
      },
      payerId: {
        to: "users",
        onErase: "keep",
        why: "Accounting records are kept ten years (Code de commerce, art. L123-22).",
      },
      confirmedBy: {
        to: "users",
        onErase: "keep",
        why: "The staff member who confirmed someone else's payment.",
      },
    },
  }),
  entry({
    table: "availabilities",
    description: "The coach's weekly availability.",
    export: true,
    refs: {
      coachId: {
        to: "users",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("availabilities")
            .withIndex("by_coachId_and_weekday", (q) => q.eq("coachId", uid(id))),
      },
    },
  }),
  entry({
    table: "availabilityExceptions",
    description: "The coach's absences (holidays), with their reason.",
    export: true,
    refs: {
      coachId: {
        to: "users",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("availabilityExceptions")
            .withIndex("by_coachId_and_startsAt", (q) => q.eq("coachId", uid(id))),
      },
    },
  }),
  entry({
    table: "coachSubjects",
    description: "The subjects the coach teaches (booking with any coach of a subject).",
    export: true,
    refs: {
      coachId: {
        to: "users",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db.query("coachSubjects").withIndex("by_coachId", (q) => q.eq("coachId", uid(id))),
      },
    },
  }),
  entry({
    table: "coachingSessions",
    description: "The student's sessions: coach, subject, times, status, notes.",
    export: true,
    refs: {
      studentId: {
        to: "students",
        onErase: "delete",
        find: (ctx, id) =>
          ctx.db
            .query("coachingSessions")
            .withIndex("by_studentId_and_startsAt", (q) => q.eq("studentId", sid(id))),
      },
      coachId: {
        to: "users",
        onErase: "keep",
        why: "A session is its student's; the coach's id no longer resolves once erased.",
      },
      bookedBy: {
        to: "users",
        onErase: "keep",
        why: "Who booked a student's session (a parent or staff): the session is the student's.",
      },
    },
  }),
  ...ARIA_PERSONAL_DATA,
];

/** Dotted paths of the fields of `validator` that are ids of users or students ("[]": array element). */
export function personRefs(validator: GenericValidator, prefix = ""): Map<string, PersonTable> {
  const found = new Map<string, PersonTable>();
  const walk = (node: GenericValidator, path: string) => {
    const v = node as unknown as {
      kind: string;
      tableName?: string;
      fields?: Record<string, GenericValidator>;
      element?: GenericValidator;
      members?: GenericValidator[];
      value?: GenericValidator;
    };
    switch (v.kind) {
      case "id":
        if (v.tableName === "users" || v.tableName === "students") found.set(path, v.tableName);
        break;
      case "object":
        for (const [name, field] of Object.entries(v.fields ?? {})) {
          walk(field, path ? `${path}.${name}` : name);
        }
        break;
      case "array":
        walk(v.element!, `${path}[]`);
        break;
      case "union":
        for (const member of v.members ?? []) walk(member, path);
        break;
      case "record":
        walk(v.value!, `${path}{}`);
        break;
    }
  };
  walk(validator, prefix);
  return found;
}

/** The entry of `table`, if it holds personal data. */
export function personalDataEntry(table: string): PersonalDataEntry | undefined {
  return PERSONAL_DATA.find((e) => e.table === table);
}
