// The élève form (create and edit): niveau, statut, spécialités, school, birth date. Submits through the
// given Convex mutation; the server's INVALID_ARGUMENT message is shown in French under it.
import type { Doc } from "@convex/_generated/dataModel";
import { niveauLabels, niveaux, statuts } from "@nexus/shared/vocabulary";
import { type FormEvent, useId, useState } from "react";
import { Button } from "~/components/ui/button";
import { toUserError } from "~/utils/errors";
import { type StudentFormValues, statutLabels, studentFromForm } from "~/utils/families";

const field =
  "mt-1 block w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-base text-slate-900 focus:border-brand-700 focus:outline-2 focus:outline-brand-700";
const label = "block text-sm font-semibold text-slate-900";

export function StudentForm({
  student,
  submitLabel,
  onSubmit,
  onDone,
}: {
  student?: Doc<"students">;
  submitLabel: string;
  onSubmit: (values: StudentFormValues) => Promise<unknown>;
  onDone: () => void;
}) {
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setPending(true);
    try {
      await onSubmit(studentFromForm(new FormData(event.currentTarget)));
      onDone();
    } catch (e) {
      setError(toUserError(e).message);
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor={`${id}-prenom`} className={label}>
            Prénom
          </label>
          <input
            id={`${id}-prenom`}
            name="firstName"
            className={field}
            defaultValue={student?.firstName}
            autoComplete="off"
          />
        </div>
        <div>
          <label htmlFor={`${id}-nom`} className={label}>
            Nom
          </label>
          <input
            id={`${id}-nom`}
            name="lastName"
            className={field}
            defaultValue={student?.lastName}
            autoComplete="off"
          />
        </div>
        <div>
          <label htmlFor={`${id}-niveau`} className={label}>
            Niveau
          </label>
          <select
            id={`${id}-niveau`}
            name="niveau"
            className={field}
            defaultValue={student?.niveau ?? "seconde"}
          >
            {niveaux.map((n) => (
              <option key={n} value={n}>
                {niveauLabels[n]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-statut`} className={label}>
            Statut
          </label>
          <select
            id={`${id}-statut`}
            name="statut"
            className={field}
            defaultValue={student?.statut ?? "scolarise"}
          >
            {statuts.map((s) => (
              <option key={s} value={s}>
                {statutLabels[s]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div>
        <label htmlFor={`${id}-specialites`} className={label}>
          Spécialités
        </label>
        <input
          id={`${id}-specialites`}
          name="specialites"
          className={field}
          defaultValue={student?.specialites.join(", ")}
          aria-describedby={`${id}-specialites-aide`}
          autoComplete="off"
        />
        <p id={`${id}-specialites-aide`} className="mt-1 text-sm text-slate-700">
          Séparées par des virgules, quatre au plus (par exemple : Mathématiques, NSI).
        </p>
      </div>
      <div>
        <label htmlFor={`${id}-etablissement`} className={label}>
          Établissement <span className="font-normal text-slate-700">(facultatif)</span>
        </label>
        <input
          id={`${id}-etablissement`}
          name="school"
          className={field}
          defaultValue={student?.school}
          autoComplete="off"
        />
      </div>
      <div>
        <label htmlFor={`${id}-naissance`} className={label}>
          Date de naissance <span className="font-normal text-slate-700">(facultatif)</span>
        </label>
        <input
          id={`${id}-naissance`}
          name="birthDate"
          type="date"
          className={field}
          defaultValue={student?.birthDate}
          aria-describedby={`${id}-naissance-aide`}
          autoComplete="off"
        />
        <p id={`${id}-naissance-aide`} className="mt-1 text-sm text-slate-700">
          Avant 15 ans, ou sans date de naissance, l’assistant ARIA demande l’accord d’un parent.
        </p>
      </div>
      {error ? (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-900">
          {error}
        </p>
      ) : null}
      <div className="flex justify-end">
        <Button type="submit" disabled={pending}>
          {pending ? "Enregistrement…" : submitLabel}
        </Button>
      </div>
    </form>
  );
}
