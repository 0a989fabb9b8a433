// The search tester: a question and a scope (the common documents, or those plus one élève's)
// → the chunks knowledge.search returns, with their score, document title and pages, in the
// order a bilan's generation would receive them.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { type Subject, subjectLabels, subjects } from "@nexus/shared/vocabulary";
import { useAction } from "convex/react";
import type { FunctionReturnType } from "convex/server";
import { type FormEvent, useState } from "react";
import type { StudentOption } from "~/components/admin/document-upload";
import { Button } from "~/components/ui/button";
import { formatScoreFr, pagesLabelFr } from "~/utils/documents-console";
import { toUserError } from "~/utils/errors";

type Hit = FunctionReturnType<typeof api.knowledge.search>[number];

const fieldClass = "mt-1 min-h-11 w-full rounded-md border border-slate-300 bg-white px-2";

export function KnowledgeSearch({ students }: { students: StudentOption[] }) {
  const search = useAction(api.knowledge.search);
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [asked, setAsked] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const query = String(form.get("question") ?? "").trim();
    const studentId = String(form.get("studentId") ?? "");
    const subject = String(form.get("subject") ?? "");
    if (!query) {
      setError("Écrivez une question.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const found = await search({
        query,
        limit: 8,
        ...(studentId ? { studentId: studentId as Id<"students"> } : {}),
        ...(subject ? { subject: subject as Subject } : {}),
      });
      setHits(found);
      setAsked(query);
    } catch (caught) {
      setError(toUserError(caught).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div>
      <form
        onSubmit={submit}
        aria-label="Tester la recherche"
        className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm md:grid-cols-2"
      >
        <div className="md:col-span-2">
          <label htmlFor="recherche-question" className="block text-sm font-medium text-slate-800">
            Question
          </label>
          <input
            id="recherche-question"
            name="question"
            type="search"
            className={fieldClass}
            placeholder="Par exemple : comment dériver un produit ?"
          />
        </div>
        <div>
          <label htmlFor="recherche-portee" className="block text-sm font-medium text-slate-800">
            Portée
          </label>
          <select id="recherche-portee" name="studentId" defaultValue="" className={fieldClass}>
            <option value="">Documents communs seulement</option>
            {students.map((student) => (
              <option key={student.id} value={student.id}>
                Communs et ceux de {student.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="recherche-matiere" className="block text-sm font-medium text-slate-800">
            Matière
          </label>
          <select id="recherche-matiere" name="subject" defaultValue="" className={fieldClass}>
            <option value="">Toutes les matières</option>
            {subjects.map((subject) => (
              <option key={subject} value={subject}>
                {subjectLabels[subject]}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-wrap items-end gap-3 md:col-span-2">
          <Button type="submit" disabled={busy}>
            {busy ? "Recherche…" : "Rechercher"}
          </Button>
          {error ? (
            <p role="alert" className="text-sm font-medium text-red-800">
              {error}
            </p>
          ) : null}
        </div>
      </form>

      <div aria-live="polite">
        {hits === null ? null : (
          <p className="mt-4 text-slate-700">
            {hits.length === 0
              ? `Aucun passage trouvé pour « ${asked} ».`
              : `${hits.length} passage${hits.length > 1 ? "s" : ""} pour « ${asked} », le plus pertinent d'abord.`}
          </p>
        )}
      </div>
      {hits && hits.length > 0 ? (
        <ol aria-label="Passages trouvés" className="mt-3 space-y-3">
          {hits.map((hit, index) => (
            <li
              key={hit.chunkId}
              data-testid="passage"
              className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
            >
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <h3 className="font-semibold text-slate-900">
                  {index + 1}. {hit.documentTitle}
                  <span className="font-normal text-slate-700">
                    {" "}
                    · {pagesLabelFr(hit.pageStart, hit.pageEnd)}
                  </span>
                </h3>
                <span className="text-sm text-slate-700">Score {formatScoreFr(hit.score)}</span>
              </div>
              <blockquote className="mt-2 whitespace-pre-line border-l-4 border-slate-200 pl-3 text-sm text-slate-800">
                {hit.text}
              </blockquote>
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}
