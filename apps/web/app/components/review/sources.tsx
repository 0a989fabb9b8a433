// The sources a recommendation cites: title and page, and a dialog with the cited passage
// (documents.passage) and a button opening the document (files.documentUrl, a 5-minute link).
import { api } from "@convex/_generated/api";
import type { SourceRef } from "@nexus/shared/synthesis";
import { useAction, useQuery } from "convex/react";
import { useState } from "react";
import { Button } from "~/components/ui/button";
import { toUserError } from "~/utils/errors";
import { Dialog } from "./dialog";
import { pagesLabel } from "./format";

export function SourceList({ sources }: { sources: readonly SourceRef[] }) {
  if (sources.length === 0) {
    return <p className="mt-2 text-sm text-slate-600">Aucune source citée.</p>;
  }
  return (
    <div className="mt-2">
      <p className="text-sm font-medium text-slate-800">Sources citées</p>
      <ul className="mt-1 space-y-1">
        {sources.map((source) => (
          <li key={`${source.chunkId}-${source.page}`}>
            <SourceItem source={source} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function SourceItem({ source }: { source: SourceRef }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <span className="text-sm text-slate-800">
        {source.documentTitle}, {pagesLabel(source.page)}
      </span>{" "}
      <Button
        variant="ghost"
        size="sm"
        className="min-h-8 px-2 underline"
        onClick={() => setOpen(true)}
        aria-label={`Voir le passage : ${source.documentTitle}, ${pagesLabel(source.page)}`}
      >
        Voir le passage
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title={source.documentTitle}
        description={`Passage cité, ${pagesLabel(source.page)}`}
      >
        {open ? <Passage chunkId={source.chunkId} /> : null}
      </Dialog>
    </>
  );
}

function Passage({ chunkId }: { chunkId: string }) {
  const passage = useQuery(api.documents.passage, { chunkId });
  const documentUrl = useAction(api.files.documentUrl);
  const [error, setError] = useState<string | null>(null);
  const [opening, setOpening] = useState(false);
  if (passage === undefined) return <p className="text-slate-700">Chargement du passage…</p>;
  if (passage === null) {
    return (
      <p className="text-slate-700">
        Ce passage n'est plus disponible : le document a été réindexé ou retiré.
      </p>
    );
  }
  async function openDocument(documentId: NonNullable<typeof passage>["documentId"]) {
    setOpening(true);
    setError(null);
    try {
      const { url } = await documentUrl({ documentId });
      window.location.assign(url);
    } catch (e) {
      setError(toUserError(e).message);
    } finally {
      setOpening(false);
    }
  }
  return (
    <div>
      {passage.pageEnd > passage.pageStart ? (
        <p className="mb-2 text-sm text-slate-600">
          Passage complet : {pagesLabel(passage.pageStart, passage.pageEnd)}
        </p>
      ) : null}
      <blockquote className="border-l-4 border-brand-600 bg-slate-50 p-3 text-sm whitespace-pre-line text-slate-900">
        {passage.text}
      </blockquote>
      <div className="mt-4 flex flex-wrap gap-2">
        <Button
          variant="secondary"
          disabled={opening}
          onClick={() => openDocument(passage.documentId)}
        >
          {opening ? "Préparation du document…" : "Télécharger le document"}
        </Button>
      </div>
      {error ? (
        <p role="alert" className="mt-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
    </div>
  );
}
