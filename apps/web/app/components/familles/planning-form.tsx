// The student's settings for the report's dated study plan, edited by the staff on the élève's
// page: the school holiday zone (its holidays are skipped) and the hours a week the student has
// for personal work (the plan's hours fit them). students.update, audited like any edit.
import { api } from "@convex/_generated/api";
import type { Doc } from "@convex/_generated/dataModel";
import type { HolidayZone } from "@nexus/shared/school-calendar";
import { useMutation } from "convex/react";
import { type FormEvent, useId, useState } from "react";
import { Button } from "~/components/ui/button";
import { toUserError } from "~/utils/errors";
import { parseWeeklyHours, zoneOptions } from "~/utils/planning";

const field =
  "mt-1 block w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-base text-slate-900 focus:border-brand-700 focus:outline-2 focus:outline-brand-700";
const label = "block text-sm font-semibold text-slate-900";

type Outcome = { kind: "success" | "error"; message: string } | null;

export function PlanningForm({ student }: { student: Doc<"students"> }) {
  const id = useId();
  const update = useMutation(api.students.update);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const zone = String(form.get("holidayZone") ?? "");
    const hours = parseWeeklyHours(String(form.get("weeklyAvailabilityHours") ?? ""));
    if (!hours.ok) {
      setOutcome({ kind: "error", message: hours.message });
      return;
    }
    setOutcome(null);
    setPending(true);
    try {
      await update({
        studentId: student._id,
        holidayZone: zone === "" ? null : (zone as HolidayZone),
        weeklyAvailabilityHours: hours.hours,
      });
      setOutcome({ kind: "success", message: "Réglages du plan de travail enregistrés." });
    } catch (error) {
      setOutcome({ kind: "error", message: toUserError(error).message });
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={submit} className="mt-3 space-y-4" noValidate>
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor={`${id}-zone`} className={label}>
            Zone de vacances scolaires
          </label>
          <select
            id={`${id}-zone`}
            name="holidayZone"
            className={field}
            defaultValue={student.holidayZone ?? ""}
            aria-describedby={`${id}-zone-aide`}
          >
            {zoneOptions.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
          <p id={`${id}-zone-aide`} className="mt-1 text-sm text-slate-700">
            Les semaines de vacances de la zone sont sautées dans le plan daté du rapport.
          </p>
        </div>
        <div>
          <label htmlFor={`${id}-heures`} className={label}>
            Disponibilité par semaine, en heures{" "}
            <span className="font-normal text-slate-700">(facultatif)</span>
          </label>
          <input
            id={`${id}-heures`}
            name="weeklyAvailabilityHours"
            inputMode="decimal"
            className={field}
            defaultValue={
              student.weeklyAvailabilityHours === undefined
                ? ""
                : String(student.weeklyAvailabilityHours).replace(".", ",")
            }
            aria-describedby={`${id}-heures-aide`}
            aria-invalid={outcome?.kind === "error" ? true : undefined}
            autoComplete="off"
          />
          <p id={`${id}-heures-aide`} className="mt-1 text-sm text-slate-700">
            Temps de travail personnel dans la matière, de 0,5 à 40 h (par exemple 3,5). Les heures
            du plan ne le dépassent pas.
          </p>
        </div>
      </div>
      <div className="flex flex-wrap items-center justify-end gap-3">
        <p role="status" aria-live="polite" className="text-sm text-emerald-800">
          {outcome?.kind === "success" ? outcome.message : ""}
        </p>
        <Button type="submit" disabled={pending}>
          {pending ? "Enregistrement…" : "Enregistrer le plan"}
        </Button>
      </div>
      {outcome?.kind === "error" ? (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-900">
          {outcome.message}
        </p>
      ) : null}
    </form>
  );
}
