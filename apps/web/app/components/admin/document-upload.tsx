// Uploading knowledge documents: several files at once, each with one progress bar that
// follows the bytes (XMLHttpRequest upload events), then the live ingestion status of its
// document (documents.statuses) until « Indexé ». Refusals come back in French.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { type Subject, subjectLabels, subjects } from "@nexus/shared/vocabulary";
import { useAction, useMutation, useQuery } from "convex/react";
import { type FormEvent, useRef, useState } from "react";
import { Button } from "~/components/ui/button";
import {
  acceptAttribute,
  type DocumentStatus,
  fileRefusal,
  overallPercent,
  titleFromFileName,
  type UploadPhase,
  uploadCaption,
  uploadMimeType,
} from "~/utils/documents-console";
import { toUserError } from "~/utils/errors";
import { postFileWithProgress } from "~/utils/upload-file";

export interface StudentOption {
  id: Id<"students">;
  name: string;
}

interface UploadItem {
  key: number;
  name: string;
  phase: UploadPhase;
  sent: number;
  total: number;
  documentId?: Id<"documents">;
  duplicate?: boolean;
  error?: string;
}

const fieldClass = "mt-1 min-h-11 w-full rounded-md border border-slate-300 bg-white px-2";

export function DocumentUpload({ students }: { students: StudentOption[] }) {
  const generateUploadUrl = useMutation(api.documents.generateUploadUrl);
  const createDocument = useAction(api.documents.create);
  const [scope, setScope] = useState<"global" | "student">("global");
  const [formError, setFormError] = useState<string | null>(null);
  const [uploads, setUploads] = useState<UploadItem[]>([]);
  const nextKey = useRef(0);
  const fileInput = useRef<HTMLInputElement>(null);

  const documentIds = uploads.flatMap((u) => (u.documentId ? [u.documentId] : []));
  const statuses = useQuery(
    api.documents.statuses,
    documentIds.length > 0 ? { documentIds } : "skip",
  );
  const live = new Map((statuses ?? []).flatMap((s) => (s ? [[s.documentId, s] as const] : [])));

  function update(key: number, change: Partial<UploadItem>) {
    setUploads((items) => items.map((item) => (item.key === key ? { ...item, ...change } : item)));
  }

  async function send(
    key: number,
    file: File,
    target: { scope: "global" | "student"; studentId?: Id<"students">; subject?: Subject },
  ) {
    const refusal = fileRefusal(file);
    const mime = uploadMimeType(file);
    if (refusal || !mime) {
      update(key, { phase: "refused", error: refusal ?? "Format non accepté." });
      return;
    }
    try {
      const { uploadUrl, uploadId } = await generateUploadUrl({});
      const { storageId } = await postFileWithProgress(uploadUrl, file, mime, (sent, total) =>
        update(key, { sent, total }),
      );
      update(key, { phase: "registering" });
      const created = await createDocument({
        uploadId,
        storageId: storageId as Id<"_storage">,
        title: titleFromFileName(file.name),
        ...target,
      });
      update(key, {
        phase: "ingesting",
        documentId: created.documentId,
        duplicate: created.duplicate,
      });
    } catch (caught) {
      update(key, { phase: "refused", error: toUserError(caught).message });
    }
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const files = Array.from(fileInput.current?.files ?? []);
    const studentId = String(form.get("studentId") ?? "");
    const subject = String(form.get("subject") ?? "");
    if (files.length === 0) {
      setFormError("Choisissez au moins un fichier.");
      return;
    }
    if (scope === "student" && !studentId) {
      setFormError("Choisissez l'élève à qui ces documents sont réservés.");
      return;
    }
    setFormError(null);
    const target = {
      scope,
      ...(scope === "student" ? { studentId: studentId as Id<"students"> } : {}),
      ...(subject ? { subject: subject as Subject } : {}),
    };
    const added = files.map((file) => ({ file, key: nextKey.current++ }));
    setUploads((items) => [
      ...added.map(({ file, key }) => ({
        key,
        name: file.name,
        phase: "sending" as const,
        sent: 0,
        total: file.size,
      })),
      ...items,
    ]);
    for (const { file, key } of added) void send(key, file, target);
    if (fileInput.current) fileInput.current.value = "";
  }

  return (
    <div>
      <form
        onSubmit={submit}
        aria-label="Ajouter des documents"
        className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm md:grid-cols-2"
      >
        <div className="md:col-span-2">
          <label htmlFor="fichiers" className="block text-sm font-medium text-slate-800">
            Fichiers (PDF, PNG, JPEG ou WebP ; plusieurs à la fois)
          </label>
          <input
            ref={fileInput}
            id="fichiers"
            name="fichiers"
            type="file"
            multiple
            accept={acceptAttribute}
            className="mt-1 block w-full text-sm text-slate-800 file:mr-3 file:min-h-11 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:text-slate-900"
          />
        </div>
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">Portée</legend>
          <div className="mt-1 flex flex-wrap gap-4">
            <label className="flex min-h-11 items-center gap-2">
              <input
                type="radio"
                name="scope"
                value="global"
                checked={scope === "global"}
                onChange={() => setScope("global")}
              />
              Commun à tous les élèves
            </label>
            <label className="flex min-h-11 items-center gap-2">
              <input
                type="radio"
                name="scope"
                value="student"
                checked={scope === "student"}
                onChange={() => setScope("student")}
              />
              Réservé à un élève
            </label>
          </div>
        </fieldset>
        <div>
          <label htmlFor="envoi-matiere" className="block text-sm font-medium text-slate-800">
            Matière
          </label>
          <select id="envoi-matiere" name="subject" defaultValue="" className={fieldClass}>
            <option value="">Toutes les matières</option>
            {subjects.map((subject) => (
              <option key={subject} value={subject}>
                {subjectLabels[subject]}
              </option>
            ))}
          </select>
        </div>
        {scope === "student" ? (
          <div>
            <label htmlFor="envoi-eleve" className="block text-sm font-medium text-slate-800">
              Élève
            </label>
            <select id="envoi-eleve" name="studentId" defaultValue="" className={fieldClass}>
              <option value="">Choisir un élève</option>
              {students.map((student) => (
                <option key={student.id} value={student.id}>
                  {student.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="flex flex-wrap items-end gap-3 md:col-span-2">
          <Button type="submit">Envoyer</Button>
          {formError ? (
            <p role="alert" className="text-sm font-medium text-red-800">
              {formError}
            </p>
          ) : null}
        </div>
      </form>

      {uploads.length > 0 ? (
        <ul aria-label="Envois" aria-live="polite" className="mt-4 space-y-3">
          {uploads.map((item) => {
            const status = item.documentId ? live.get(item.documentId) : undefined;
            const progress = {
              phase: item.phase,
              sent: item.sent,
              total: item.total,
              status: status?.status as DocumentStatus | undefined,
              percent: status?.percent,
            };
            const failed = item.phase === "refused" || status?.status === "failed";
            const percent = overallPercent(progress);
            return (
              <li
                key={item.key}
                data-testid="envoi"
                className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm"
              >
                <p className="break-all font-medium text-slate-900">{item.name}</p>
                <div
                  role="progressbar"
                  aria-label={`Progression : ${item.name}`}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={percent}
                  className="mt-2 h-2 w-full overflow-hidden rounded-full bg-slate-200"
                >
                  <div
                    className={`h-full ${failed ? "bg-red-700" : percent === 100 ? "bg-emerald-700" : "bg-brand-700"}`}
                    style={{ width: `${percent}%` }}
                  />
                </div>
                <p className="mt-1 text-sm text-slate-700" data-testid="envoi-etat">
                  {`${percent}\u00a0% · ${uploadCaption(progress)}`}
                  {status?.message && status.status !== "indexed" ? ` — ${status.message}` : ""}
                  {item.duplicate
                    ? " · déjà présent dans cette portée : rien n'est indexé deux fois"
                    : ""}
                </p>
                {item.error || status?.error ? (
                  <p className="mt-1 text-sm font-medium text-red-800">
                    {item.error ?? status?.error}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
