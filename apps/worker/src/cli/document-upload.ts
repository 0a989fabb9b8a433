// Uploads one file as a knowledge document, as the person signed in
// (`documents.generateUploadUrl` → POST the bytes → `documents.create` with the upload's slot).
// Shared by `nexus-worker documents add` and the seed script. Convex binds the file to the
// slot (same person, once, within the hour) and checks the bytes again (type, size, hash);
// the local type check only spares uploading a file that would be refused.
import { ACCEPTED_FORMATS_LABEL, sniffMime } from "@nexus/knowledge/sniff";
import type { Niveau, Subject } from "@nexus/shared/domain";
import { z } from "zod";
import { errorMessage } from "../errors.ts";

export interface DocumentTarget {
  scope: "global" | "student";
  studentId?: string;
}

export interface UploadRequest extends DocumentTarget {
  bytes: Uint8Array;
  title: string;
  subject?: Subject;
  niveau?: Niveau;
}

export interface UploadApi {
  generateUploadUrl(): Promise<{ uploadUrl: string; uploadId: any }>;
  addDocument(args: {
    uploadId: any;
    storageId: any;
    title: string;
    scope: "global" | "student";
    studentId?: any;
    subject?: Subject;
    niveau?: Niveau;
  }): Promise<{ documentId: string; duplicate: boolean }>;
}

/** The file cannot become a document (type, size, empty, unknown student…): French message for people. */
export class DocumentRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DocumentRefusedError";
  }
}

const zUploadResponse = z.object({ storageId: z.string().min(1) });

/** Convex refused an argument as not being an id of `table` (checked before any function code runs). */
export function isInvalidIdError(error: unknown, table: string): boolean {
  const message = errorMessage(error);
  // Convex says `Validator: v.id("students")`; convex-local `Expected ID for table "students"`.
  return message.includes(`v.id("${table}")`) || message.includes(`ID for table "${table}"`);
}

/** `global` or `student:<id>` (the CLI's --scope). */
export function parseScope(value: string): DocumentTarget {
  if (value === "global") return { scope: "global" };
  const match = /^student:(\S+)$/.exec(value);
  if (match) return { scope: "student", studentId: match[1] };
  throw new Error(`portée invalide « ${value} » : global ou student:<id de l'élève>`);
}

/** "fiche_derivees-v2.pdf" → "fiche derivees-v2": a readable default title. */
export function titleFromFilename(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? filename;
  const withoutExtension = base.replace(/\.[^.]+$/, "");
  return withoutExtension.replace(/_+/g, " ").trim() || base;
}

export async function uploadDocument(
  api: UploadApi,
  request: UploadRequest,
  fetchImpl: typeof fetch = fetch,
): Promise<{ documentId: string; duplicate: boolean }> {
  if (request.bytes.byteLength === 0) throw new DocumentRefusedError("Le fichier est vide.");
  const mime = sniffMime(request.bytes);
  if (!mime) {
    throw new DocumentRefusedError(
      `Format de fichier non pris en charge : seuls les fichiers ${ACCEPTED_FORMATS_LABEL} sont acceptés.`,
    );
  }
  const { uploadUrl, uploadId } = await api.generateUploadUrl();
  const response = await fetchImpl(uploadUrl, {
    method: "POST",
    headers: { "Content-Type": mime },
    body: request.bytes as Uint8Array<ArrayBuffer>,
  });
  if (!response.ok) {
    throw new Error(`Envoi du fichier refusé par Convex (HTTP ${response.status}).`);
  }
  const { storageId } = zUploadResponse.parse(await response.json());
  try {
    return await api.addDocument({
      uploadId,
      storageId,
      title: request.title,
      scope: request.scope,
      studentId: request.studentId,
      subject: request.subject,
      niveau: request.niveau,
    });
  } catch (error) {
    const code = (error as { data?: { code?: string } }).data?.code;
    if (code === "INVALID_ARGUMENT" || code === "NOT_FOUND") {
      throw new DocumentRefusedError(errorMessage(error));
    }
    // A malformed id fails Convex's argument validation before any code of ours runs.
    if (request.studentId && isInvalidIdError(error, "students")) {
      throw new DocumentRefusedError(`Élève introuvable : ${request.studentId}.`);
    }
    throw error;
  }
}
