// The knowledge base's documents, live: title, scope, subject, ingestion status in French,
// pages, OCR pages, chunks, size and date; re-index and delete, each behind a confirmation.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { formatWhenFrAlone } from "@nexus/shared/french-time";
import { subjectLabels } from "@nexus/shared/vocabulary";
import { Link } from "@remix-run/react";
import { useMutation } from "convex/react";
import type { FunctionReturnType } from "convex/server";
import { useState } from "react";
import { Dialog, DialogClose } from "~/components/review/dialog";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { documentStatusLabels, documentStatusTone, formatBytesFr } from "~/utils/documents-console";
import { toUserError } from "~/utils/errors";
import { documentPath } from "~/utils/provenance";

export type DocumentRow = FunctionReturnType<typeof api.documents.list>[number];

const inProgress = new Set(["extracting", "ocr", "chunking", "embedding"]);

export function DocumentTable({
  documents,
  studentNames,
  now,
}: {
  documents: DocumentRow[];
  studentNames: Map<string, string>;
  now: number;
}) {
  if (documents.length === 0) {
    return <p className="mt-2 text-slate-700">Aucun document dans la base pour l'instant.</p>;
  }
  return (
    <section
      aria-label="Tableau des documents"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (axe scrollable-region-focusable).
      tabIndex={0}
      className="mt-3 overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm"
    >
      <table className="min-w-full text-left text-sm">
        <caption className="sr-only">
          Documents de la base de connaissances, les plus récents d'abord
        </caption>
        <thead className="bg-slate-50 text-slate-800">
          <tr>
            <th scope="col" className="px-3 py-2 font-semibold">
              Titre
            </th>
            <th scope="col" className="px-3 py-2 font-semibold">
              Portée
            </th>
            <th scope="col" className="px-3 py-2 font-semibold">
              Matière
            </th>
            <th scope="col" className="px-3 py-2 font-semibold">
              Statut
            </th>
            <th scope="col" className="px-3 py-2 text-right font-semibold">
              Pages
            </th>
            <th scope="col" className="px-3 py-2 text-right font-semibold">
              Pages OCR
            </th>
            <th scope="col" className="px-3 py-2 text-right font-semibold">
              Passages
            </th>
            <th scope="col" className="px-3 py-2 text-right font-semibold">
              Taille
            </th>
            <th scope="col" className="px-3 py-2 font-semibold">
              Ajouté
            </th>
            <th scope="col" className="px-3 py-2 font-semibold">
              Actions
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {documents.map((document) => (
            <tr key={document._id} data-testid="document" data-status={document.status}>
              <th scope="row" className="max-w-64 break-words px-3 py-2 font-medium text-slate-900">
                <Link
                  to={documentPath(document._id)}
                  className="text-brand-800 underline underline-offset-4 hover:text-brand-900"
                >
                  {document.title}
                </Link>
                {document.status === "failed" && document.error ? (
                  <span className="mt-1 block text-sm font-normal text-red-800">
                    {document.error}
                  </span>
                ) : null}
              </th>
              <td className="px-3 py-2">
                {document.scope === "global"
                  ? "Commun"
                  : `Élève : ${(document.studentId && studentNames.get(document.studentId)) ?? "un élève"}`}
              </td>
              <td className="px-3 py-2">
                {document.subject ? subjectLabels[document.subject] : "Toutes"}
              </td>
              <td className="px-3 py-2">
                <Badge tone={documentStatusTone(document.status)}>
                  {documentStatusLabels[document.status]}
                  {inProgress.has(document.status) && document.progress
                    ? ` · ${Math.round(document.progress.percent)}\u00a0%`
                    : ""}
                </Badge>
              </td>
              <td className="px-3 py-2 text-right">{document.pages ?? "—"}</td>
              <td className="px-3 py-2 text-right">{document.ocrPages ?? "—"}</td>
              <td className="px-3 py-2 text-right">{document.chunkCount ?? "—"}</td>
              <td className="whitespace-nowrap px-3 py-2 text-right">
                {formatBytesFr(document.size)}
              </td>
              <td className="whitespace-nowrap px-3 py-2">
                {formatWhenFrAlone(now, document.createdAt)}
              </td>
              <td className="px-3 py-2">
                <div className="flex gap-2">
                  <ConfirmDocumentAction action="reindex" document={document} />
                  <ConfirmDocumentAction action="remove" document={document} />
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

const texts = {
  reindex: {
    button: "Réindexer",
    title: "Réindexer ce document ?",
    description:
      "Le worker le relit et le découpe à nouveau ; les passages actuels restent interrogeables jusqu'à ce que les nouveaux les remplacent.",
    confirm: "Confirmer : réindexer",
  },
  remove: {
    button: "Supprimer",
    title: "Supprimer ce document ?",
    description:
      "Le fichier et ses passages sont supprimés : la recherche et les prochains bilans ne s'en serviront plus. C'est définitif.",
    confirm: "Confirmer : supprimer",
  },
} as const;

function ConfirmDocumentAction({
  action,
  document,
}: {
  action: "reindex" | "remove";
  document: DocumentRow;
}) {
  const reindex = useMutation(api.documents.reindex);
  const remove = useMutation(api.documents.remove);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const text = texts[action];

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      const documentId = document._id as Id<"documents">;
      if (action === "reindex") await reindex({ documentId });
      else await remove({ documentId });
      setOpen(false);
    } catch (caught) {
      setError(toUserError(caught).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button
        size="sm"
        variant="secondary"
        onClick={() => {
          setError(null);
          setOpen(true);
        }}
        aria-label={`${text.button} : ${document.title}`}
      >
        {text.button}
      </Button>
      <Dialog open={open} onOpenChange={setOpen} title={text.title} description={text.description}>
        <p className="break-words text-sm font-medium text-slate-800">{document.title}</p>
        {error ? (
          <p role="alert" className="mt-3 text-sm font-medium text-red-800">
            {error}
          </p>
        ) : null}
        <div className="mt-4 flex flex-wrap justify-end gap-2">
          <DialogClose asChild>
            <Button variant="secondary">Ne rien faire</Button>
          </DialogClose>
          <Button
            variant={action === "remove" ? "danger" : "primary"}
            onClick={confirm}
            disabled={busy}
          >
            {busy ? "Un instant…" : text.confirm}
          </Button>
        </div>
      </Dialog>
    </>
  );
}
