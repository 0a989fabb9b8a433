// Finds élèves by first or last name (students.search, live, bounded) and keeps the chosen ones
// (an invitation's children, its élève record or a coach's students). Chosen élèves are listed
// above the search with « Retirer »; `max` 1 replaces the choice instead of adding to it.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { niveauLabels } from "@nexus/shared/vocabulary";
import { useQuery } from "convex/react";
import { useId, useState } from "react";
import { Button } from "~/components/ui/button";

export interface PickedStudent {
  id: Id<"students">;
  name: string;
}

export function StudentPicker({
  legend,
  hint,
  value,
  onChange,
  max,
  withoutAccountOnly = false,
}: {
  legend: string;
  hint: string;
  value: PickedStudent[];
  onChange: (next: PickedStudent[]) => void;
  max: number;
  /** Only élèves without an account of their own (an élève invitation). */
  withoutAccountOnly?: boolean;
}) {
  const id = useId();
  const [text, setText] = useState("");
  const results = useQuery(api.students.search, text.trim() ? { text } : "skip");
  const chosen = new Set(value.map((s) => s.id));
  const offered = (results ?? []).filter(
    (s) => !chosen.has(s._id) && (!withoutAccountOnly || s.userId === undefined),
  );

  function add(student: PickedStudent) {
    onChange(max === 1 ? [student] : [...value, student].slice(0, max));
    setText("");
  }

  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-semibold text-slate-900">{legend}</legend>
      <p id={`${id}-aide`} className="text-sm text-slate-700">
        {hint}
      </p>
      {value.length > 0 ? (
        <ul className="flex flex-wrap gap-2" aria-label={`${legend} choisis`}>
          {value.map((student) => (
            <li
              key={student.id}
              className="inline-flex items-center gap-2 rounded-full bg-brand-50 py-1 pl-3 pr-1 text-sm font-medium text-brand-900 ring-1 ring-brand-200"
            >
              {student.name}
              <Button
                size="sm"
                variant="ghost"
                className="min-h-8 rounded-full px-2"
                onClick={() => onChange(value.filter((s) => s.id !== student.id))}
                aria-label={`Retirer ${student.name}`}
              >
                ×
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      {value.length < max || max === 1 ? (
        <div className="space-y-2">
          <label htmlFor={`${id}-recherche`} className="block text-sm font-medium text-slate-800">
            Rechercher un élève (prénom ou nom)
          </label>
          <input
            id={`${id}-recherche`}
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-describedby={`${id}-aide`}
            className="block w-full rounded-md border border-slate-400 px-3 py-2 text-base focus:outline-2 focus:outline-brand-700"
            autoComplete="off"
          />
          <div role="status" aria-live="polite" className="text-sm text-slate-700">
            {!text.trim()
              ? null
              : results === undefined
                ? "Recherche…"
                : offered.length === 0
                  ? "Aucun élève ne correspond."
                  : `${offered.length} élève${offered.length > 1 ? "s" : ""}.`}
          </div>
          {offered.length > 0 ? (
            <ul className="divide-y divide-slate-200 rounded-md border border-slate-200">
              {offered.map((student) => {
                const name = `${student.firstName} ${student.lastName}`;
                return (
                  <li
                    key={student._id}
                    className="flex flex-wrap items-center justify-between gap-2 p-3"
                  >
                    <div className="min-w-0">
                      <p className="font-medium text-slate-900">{name}</p>
                      <p className="text-sm text-slate-700">{niveauLabels[student.niveau]}</p>
                    </div>
                    <Button
                      size="sm"
                      variant="secondary"
                      onClick={() => add({ id: student._id, name })}
                      aria-label={`Choisir ${name}`}
                    >
                      Choisir
                    </Button>
                  </li>
                );
              })}
            </ul>
          ) : null}
        </div>
      ) : null}
    </fieldset>
  );
}
