// rgpd.export: reads the person's rows table by table (worker queries, paged), downloads the
// files of those rows (report PDFs, documents) and the .eml of their e-mails when the local
// outbox kept them, writes one ZIP (rgpd/export-archive.ts), stores it and marks the request
// ready (Convex notifies the requester; the link expires after 7 days).
import { readFile } from "node:fs/promises";
import { jobPayloadSchemas } from "@nexus/shared/jobs";
import { api } from "../../../../convex/_generated/api";
import type { Id } from "../../../../convex/_generated/dataModel";
import { defineHandler } from "../handler.ts";
import {
  buildExportZip,
  type ExportFileEntry,
  type ExportTable,
  safeName,
} from "../rgpd/export-archive.ts";

const MAX_PAGES_PER_SOURCE = 200;

export const rgpdExportHandler = defineHandler({
  kind: "rgpd.export",
  schema: jobPayloadSchemas["rgpd.export"],
  timeoutMs: 10 * 60_000,
  retry: { baseMs: 10_000, maxMs: 5 * 60_000 },
  async run({ requestId }, { convex, signal, progress }) {
    const id = requestId as Id<"rgpdRequests">;
    const manifest = await convex.query(api.rgpd.exportManifest, { requestId: id });
    if (manifest.status !== "running") return { skipped: `demande ${manifest.status}` };
    progress("données", 10);
    const tables: ExportTable[] = [];
    for (const source of manifest.sources) {
      const rows = new Map<string, Record<string, unknown>>();
      for (const path of source.paths) {
        let cursor: string | null = null;
        for (let page = 0; page < MAX_PAGES_PER_SOURCE; page++) {
          signal.throwIfAborted();
          const result: { rows: Record<string, unknown>[]; cursor: string; isDone: boolean } =
            await convex.query(api.rgpd.exportRows, {
              requestId: id,
              table: source.table,
              path,
              cursor,
            });
          for (const row of result.rows) rows.set(String(row._id), row);
          if (result.isDone) break;
          cursor = result.cursor;
        }
      }
      tables.push({
        table: source.table,
        label: source.label,
        description: source.description,
        rows: [...rows.values()],
      });
    }
    progress("fichiers", 50);
    const files: ExportFileEntry[] = [];
    for (const file of manifest.files) {
      const response = await fetch(file.url, { signal });
      if (!response.ok)
        throw new Error(`Fichier illisible dans le stockage (HTTP ${response.status}).`);
      files.push({
        path: `fichiers/${file.table}/${safeName(file.name)}`,
        bytes: new Uint8Array(await response.arrayBuffer()),
      });
    }
    // E-mails kept by the local outbox (production: Resend keeps none; the rows say what was sent).
    for (const email of tables.find((t) => t.table === "emails")?.rows ?? []) {
      const path = typeof email.outboxPath === "string" ? email.outboxPath : null;
      if (!path) continue;
      try {
        files.push({
          path: `fichiers/emails/${safeName(String(email._id))}.eml`,
          bytes: await readFile(path),
        });
      } catch {
        // Removed by retention (outbox files are kept 30 days): the row stays in emails.json.
      }
    }
    progress("archive", 80);
    const zip = buildExportZip({
      subjectLabel: manifest.subjectLabel,
      requestedAt: new Date(manifest.requestedAt),
      generatedAt: new Date(),
      tables,
      files,
    });
    const uploadUrl = await convex.mutation(api.rgpd.exportUploadUrl, {});
    const response = await fetch(uploadUrl, {
      method: "POST",
      headers: { "Content-Type": "application/zip" },
      body: new Blob([zip as Uint8Array<ArrayBuffer>], { type: "application/zip" }),
      signal,
    });
    if (!response.ok)
      throw new Error(`Envoi de l’archive refusé par le stockage (HTTP ${response.status}).`);
    const { storageId } = (await response.json()) as { storageId: Id<"_storage"> };
    await convex.mutation(api.rgpd.finishExport, {
      requestId: id,
      storageId,
      size: zip.byteLength,
    });
    return { tables: tables.length, files: files.length, size: zip.byteLength };
  },
});
