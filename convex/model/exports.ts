// What goes into a person's export (right of access and portability), read by the rgpd.export
// job through worker queries: one JSON file per registry table marked `export`, paged by
// (table, field); the stored files of those rows (report PDFs, uploaded documents). The job
// writes the ZIP with a French README and a schema.json built from the registry's descriptions.
import { tableLabelFr } from "@nexus/shared/table-labels";
import type { PaginationResult } from "convex/server";
import type { Doc, Id, TableNames } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import type { Subject } from "./erasure";
import { PERSONAL_DATA, personalDataEntry } from "./personalData";

/** Internal fields that say nothing about the person (vectors, hashes of secrets). */
const OMITTED: Partial<Record<TableNames, string[]>> = {
  users: ["tokenIdentifier"],
  apiKeys: ["hash"],
};

export interface ExportSource {
  table: string;
  label: string;
  description: string;
  /** The fields through which the subject's rows are found ("_self": the subject's own row). */
  paths: string[];
}

/** The tables and fields an export reads for this subject. */
export function exportSources(subject: Subject): ExportSource[] {
  const out: ExportSource[] = [];
  for (const entry of PERSONAL_DATA) {
    if (!entry.export) continue;
    const paths = Object.entries(entry.refs)
      .filter(([, ref]) => ref.find && (ref.to === "users" ? subject.userId : subject.studentId))
      .map(([path]) => path);
    if (entry.table === "users" && subject.userId) paths.unshift("_self");
    if (entry.table === "students" && subject.studentId) paths.unshift("_self");
    if (paths.length > 0) {
      out.push({
        table: entry.table,
        label: tableLabelFr(entry.table),
        description: entry.description,
        paths,
      });
    }
  }
  return out;
}

function clean(table: string, row: Record<string, unknown>): Record<string, unknown> {
  const omitted = OMITTED[table as TableNames] ?? [];
  return Object.fromEntries(Object.entries(row).filter(([key]) => !omitted.includes(key)));
}

/** One page of the subject's rows of `table` found through `path`. */
export async function exportPage(
  ctx: QueryCtx,
  subject: Subject,
  table: string,
  path: string,
  cursor: string | null,
  numItems = 100,
): Promise<PaginationResult<Record<string, unknown>>> {
  if (path === "_self") {
    const id = table === "users" ? subject.userId : table === "students" ? subject.studentId : null;
    const row = id ? await ctx.db.get(id as Id<"users"> | Id<"students">) : null;
    return { page: row ? [clean(table, row)] : [], isDone: true, continueCursor: "" };
  }
  const entry = personalDataEntry(table);
  const ref = entry?.refs[path];
  const id = ref ? (ref.to === "users" ? subject.userId : subject.studentId) : undefined;
  if (!entry?.export || !ref?.find || !id) {
    throw appError("INVALID_ARGUMENT", `Table ou champ non exportable : ${table}.${path}`);
  }
  const page = await ref.find(ctx, id).paginate({ cursor, numItems });
  return { ...page, page: page.page.map((row) => clean(table, row as Record<string, unknown>)) };
}

export interface ExportFile {
  table: string;
  name: string;
  storageId: Id<"_storage">;
}

/** Stored files of the subject's exported rows (reports, documents), at most 500. */
export async function exportFiles(ctx: QueryCtx, subject: Subject): Promise<ExportFile[]> {
  const files: ExportFile[] = [];
  for (const entry of PERSONAL_DATA) {
    if (!entry.export || !entry.files) continue;
    for (const ref of Object.values(entry.refs)) {
      const id = ref.to === "users" ? subject.userId : subject.studentId;
      if (!ref.find || !id || ref.onErase === "keep") continue;
      for (const row of await ref.find(ctx, id).take(500)) {
        for (const file of entry.files(row as Doc<TableNames>)) {
          if (await ctx.db.system.get(file.storageId)) {
            files.push({ table: entry.table, name: file.name, storageId: file.storageId });
          }
        }
      }
    }
  }
  return files;
}
