// /coach/agenda (coach): the week's sessions (Paris time, ?semaine=±n), attendance and notes
// after the start (read by the family), the weekly availability, the subjects taught and the
// absences (whole Paris days, whatever the browser's time zone). Live.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import {
  parisAddDays,
  parisDayRange,
  parisDayStart,
  parisWeekStart,
} from "@nexus/shared/coaching-time";
import { type Subject, subjects } from "@nexus/shared/domain";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useMutation } from "convex/react";
import { useState } from "react";
import {
  capitalizeFirst,
  formatParisDateTime,
  formatParisDay,
  formatParisTime,
  formatWindow,
  type SessionView,
  sessionStatusLabels,
  subjectNames,
  weekdayLabels,
} from "~/components/coaching/format";
import { Button } from "~/components/ui/button";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { toUserError } from "~/utils/errors";
import { useLiveQuery } from "~/utils/live-query";
import { useMinuteClock } from "~/utils/use-minute-clock";

export const meta: MetaFunction = () => [{ title: "Mon agenda — Nexus Réussite" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["coach"]);
  const offset = Math.max(
    -52,
    Math.min(52, Number(new URL(request.url).searchParams.get("semaine")) || 0),
  );
  const now = Date.now();
  const from = parisAddDays(parisWeekStart(now), offset * 7);
  const range = { from, to: parisAddDays(from, 7) };
  const convex = convexForRequest(token);
  const [sessions, availability] = await Promise.all([
    convex.query(api.sessions.agenda, range),
    convex.query(api.availability.get, {}),
  ]);
  return { offset, range, now, sessions, availability };
}

type Msg = { ok: boolean; text: string } | null;

/** Whole Paris days: « du lundi 21 décembre au dimanche 3 janvier inclus »; else date and time. */
function formatAbsence(a: { startsAt: number; endsAt: number }): string {
  const wholeDays =
    parisDayStart(a.startsAt) === a.startsAt && parisDayStart(a.endsAt) === a.endsAt;
  return wholeDays
    ? `Du ${formatParisDay(a.startsAt)} au ${formatParisDay(a.endsAt - 1)} inclus`
    : `Du ${formatParisDateTime(a.startsAt)} au ${formatParisDateTime(a.endsAt)}`;
}

function Status({ status }: { status: Msg }) {
  if (!status) return null;
  return (
    <p
      role={status.ok ? "status" : "alert"}
      className={`mt-2 ${status.ok ? "text-green-800" : "text-red-700"}`}
    >
      {status.text}
    </p>
  );
}

export default function CoachAgenda() {
  const initial = useLoaderData<typeof loader>();
  const sessions = useLiveQuery(api.sessions.agenda, initial.range, initial.sessions);
  const availability = useLiveQuery(api.availability.get, {}, initial.availability);
  const days = Array.from({ length: 7 }, (_, i) => parisAddDays(initial.range.from, i));
  return (
    <section aria-labelledby="page-titre" className="space-y-8">
      <div>
        <h1 id="page-titre" className="text-3xl font-bold text-brand-900">
          Mon agenda
        </h1>
        <nav aria-label="Semaines" className="mt-3 flex items-center gap-4">
          <Link className="underline" to={`/coach/agenda?semaine=${initial.offset - 1}`}>
            Semaine précédente
          </Link>
          <span className="font-semibold">Semaine du {formatParisDay(initial.range.from)}</span>
          <Link className="underline" to={`/coach/agenda?semaine=${initial.offset + 1}`}>
            Semaine suivante
          </Link>
        </nav>
      </div>
      <div className="grid gap-3 md:grid-cols-7">
        {days.map((day) => {
          const mine = sessions.filter(
            (s) => s.startsAt >= day && s.startsAt < parisAddDays(day, 1),
          );
          return (
            <section
              key={day}
              aria-label={formatParisDay(day)}
              className="rounded border border-slate-200 bg-white p-2"
            >
              <h2 className="text-sm font-semibold text-brand-900">
                {capitalizeFirst(formatParisDay(day))}
              </h2>
              {mine.length === 0 ? (
                <p className="mt-1 text-xs text-slate-600">Libre</p>
              ) : (
                <ul className="mt-1 space-y-1 text-xs">
                  {mine.map((s) => (
                    <li
                      key={s._id}
                      className={s.status === "cancelled" ? "text-slate-500 line-through" : ""}
                    >
                      {formatParisTime(s.startsAt)} {s.studentName} ({subjectNames[s.subject]})
                    </li>
                  ))}
                </ul>
              )}
            </section>
          );
        })}
      </div>
      <section
        aria-labelledby="details-titre"
        className="rounded-lg border border-slate-200 bg-white p-5"
      >
        <h2 id="details-titre" className="text-xl font-semibold text-brand-900">
          Séances de la semaine
        </h2>
        {sessions.length === 0 ? (
          <p className="mt-2 text-slate-700">Aucune séance cette semaine.</p>
        ) : (
          <ul className="mt-3 space-y-3">
            {sessions.map((s) => (
              <SessionItem key={s._id} session={s} initialNow={initial.now} />
            ))}
          </ul>
        )}
      </section>
      <AvailabilityEditor availability={availability} />
    </section>
  );
}

function SessionItem({ session: s, initialNow }: { session: SessionView; initialNow: number }) {
  const now = useMinuteClock(initialNow);
  const outcome = useMutation(api.sessions.recordOutcome);
  const saveNotes = useMutation(api.sessions.saveNotes);
  const cancel = useMutation(api.sessions.cancel);
  const [notes, setNotes] = useState(s.notes ?? "");
  const [status, setStatus] = useState<Msg>(null);
  const started = now >= s.startsAt;
  const run = async (fn: () => Promise<unknown>, ok: string) => {
    try {
      await fn();
      setStatus({ ok: true, text: ok });
    } catch (error) {
      setStatus({ ok: false, text: toUserError(error).message });
    }
  };
  return (
    <li className="rounded border border-slate-200 p-3">
      <p className="font-semibold">
        {formatParisDateTime(s.startsAt)} — {s.studentName}, {subjectNames[s.subject]} (
        {s.durationMinutes} min) · {sessionStatusLabels[s.status]}
      </p>
      {s.status === "booked" ? (
        <div className="mt-2 flex flex-wrap gap-2">
          {now >= s.opensAt && now < s.endsAt ? (
            <a
              href={s.joinUrl}
              target="_blank"
              rel="noreferrer"
              className="inline-flex min-h-9 items-center rounded bg-brand-700 px-3 text-sm font-semibold text-white"
            >
              Ouvrir la salle (animateur)
            </a>
          ) : null}
          {started ? (
            <>
              <Button
                size="sm"
                onClick={() =>
                  run(
                    () => outcome({ sessionId: s._id, outcome: "completed" }),
                    "Séance notée comme effectuée.",
                  )
                }
              >
                Séance effectuée
              </Button>
              <Button
                size="sm"
                variant="secondary"
                onClick={() =>
                  run(
                    () => outcome({ sessionId: s._id, outcome: "no_show" }),
                    "Absence notée (non remboursée).",
                  )
                }
              >
                Élève absent
              </Button>
            </>
          ) : (
            <Button
              size="sm"
              variant="secondary"
              onClick={() =>
                run(
                  () => cancel({ sessionId: s._id }),
                  "Séance annulée : la famille récupère ses crédits.",
                )
              }
            >
              Annuler (crédits rendus)
            </Button>
          )}
        </div>
      ) : null}
      {started && s.status !== "cancelled" ? (
        <form
          className="mt-3"
          onSubmit={(e) => {
            e.preventDefault();
            void run(
              () => saveNotes({ sessionId: s._id, notes }),
              "Notes enregistrées : la famille les voit.",
            );
          }}
        >
          <label className="block text-sm font-semibold" htmlFor={`notes-${s._id}`}>
            Notes de séance (visibles par l’élève et ses parents)
          </label>
          <textarea
            id={`notes-${s._id}`}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
            rows={3}
            className="mt-1 w-full rounded border border-slate-300 p-2"
          />
          <Button size="sm" type="submit" className="mt-1">
            Enregistrer les notes
          </Button>
        </form>
      ) : null}
      <Status status={status} />
    </li>
  );
}

function AvailabilityEditor({
  availability,
}: {
  availability: {
    windows: { weekday: number; startMinute: number; endMinute: number }[];
    subjects: Subject[];
    absences: {
      _id: Id<"availabilityExceptions">;
      startsAt: number;
      endsAt: number;
      reason: string;
    }[];
  };
}) {
  const setWeekly = useMutation(api.availability.setWeekly);
  const addAbsence = useMutation(api.availability.addAbsence);
  const removeAbsence = useMutation(api.availability.removeAbsence);
  const setSubjects = useMutation(api.availability.setSubjects);
  const [status, setStatus] = useState<Msg>(null);
  const hours = Array.from({ length: 29 }, (_, i) => 7 * 60 + i * 30);
  const save = async (windows: typeof availability.windows, ok: string) => {
    try {
      await setWeekly({ windows });
      setStatus({ ok: true, text: ok });
    } catch (error) {
      setStatus({ ok: false, text: toUserError(error).message });
    }
  };
  return (
    <section
      aria-labelledby="dispo-titre"
      className="rounded-lg border border-slate-200 bg-white p-5"
    >
      <h2 id="dispo-titre" className="text-xl font-semibold text-brand-900">
        Mes disponibilités (heure de Paris)
      </h2>
      <ul className="mt-2 space-y-1">
        {availability.windows.map((w, i) => (
          <li key={`${w.weekday}-${w.startMinute}`} className="flex items-center gap-3">
            <span>{capitalizeFirst(weekdayLabels[w.weekday - 1]!)}</span> {formatWindow(w)}
            <Button
              size="sm"
              variant="ghost"
              onClick={() =>
                save(
                  availability.windows.filter((_, j) => j !== i),
                  "Plage retirée.",
                )
              }
            >
              Retirer
            </Button>
          </li>
        ))}
      </ul>
      <form
        className="mt-3 flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const w = {
            weekday: Number(f.get("weekday")),
            startMinute: Number(f.get("start")),
            endMinute: Number(f.get("end")),
          };
          void save([...availability.windows, w], "Plage ajoutée.");
        }}
      >
        <label className="flex flex-col text-sm font-semibold">
          Jour
          <select
            name="weekday"
            className="mt-1 min-h-11 rounded border border-slate-300 px-2 font-normal"
          >
            {weekdayLabels.map((d, i) => (
              <option key={d} value={i + 1}>
                {d}
              </option>
            ))}
          </select>
        </label>
        {(["start", "end"] as const).map((name) => (
          <label key={name} className="flex flex-col text-sm font-semibold">
            {name === "start" ? "De" : "À"}
            <select
              name={name}
              defaultValue={name === "start" ? 17 * 60 : 19 * 60}
              className="mt-1 min-h-11 rounded border border-slate-300 px-2 font-normal"
            >
              {hours.map((m) => (
                <option key={m} value={m}>
                  {formatWindow({ startMinute: m, endMinute: m }).split(" – ")[0]}
                </option>
              ))}
            </select>
          </label>
        ))}
        <Button type="submit">Ajouter la plage</Button>
      </form>
      <fieldset className="mt-5">
        <legend className="font-semibold">Matières enseignées</legend>
        <p className="text-sm text-slate-600">
          Sans matière cochée, vos élèves vous réservent dans toutes leurs matières.
        </p>
        <div className="mt-1 flex flex-wrap gap-4">
          {subjects.map((subject) => (
            <label key={subject} className="flex min-h-11 items-center gap-2">
              <input
                type="checkbox"
                className="size-5"
                checked={availability.subjects.includes(subject)}
                onChange={async (e) => {
                  const next = e.target.checked
                    ? [...availability.subjects, subject]
                    : availability.subjects.filter((x) => x !== subject);
                  try {
                    await setSubjects({ subjects: next });
                    setStatus({ ok: true, text: "Matières enregistrées." });
                  } catch (error) {
                    setStatus({ ok: false, text: toUserError(error).message });
                  }
                }}
              />
              {subjectNames[subject]}
            </label>
          ))}
        </div>
      </fieldset>
      <h3 className="mt-5 font-semibold">Absences</h3>
      <ul className="mt-1 space-y-1 text-sm">
        {availability.absences.map((a) => (
          <li key={a._id} className="flex items-center gap-3">
            {formatAbsence(a)} : {a.reason}
            <Button
              size="sm"
              variant="ghost"
              onClick={() =>
                removeAbsence({ absenceId: a._id }).then(() =>
                  setStatus({ ok: true, text: "Absence retirée." }),
                )
              }
            >
              Retirer
            </Button>
          </li>
        ))}
      </ul>
      <form
        className="mt-3 flex flex-wrap items-end gap-3"
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          // whole days in Paris, not in the browser's time zone
          const range = parisDayRange(String(f.get("du") ?? ""), String(f.get("au") ?? ""));
          if (!range) {
            setStatus({ ok: false, text: "Dates invalides : la fin doit suivre le début." });
            return;
          }
          try {
            await addAbsence({
              startsAt: range.start,
              endsAt: range.end,
              reason: String(f.get("motif") ?? ""),
            });
            setStatus({ ok: true, text: "Absence ajoutée : aucun créneau ne sera proposé." });
          } catch (error) {
            setStatus({ ok: false, text: toUserError(error).message });
          }
        }}
      >
        <label className="flex flex-col text-sm font-semibold">
          Du (heure de Paris)
          <input
            type="date"
            name="du"
            required
            className="mt-1 min-h-11 rounded border border-slate-300 px-2 font-normal"
          />
        </label>
        <label className="flex flex-col text-sm font-semibold">
          Au
          <input
            type="date"
            name="au"
            required
            className="mt-1 min-h-11 rounded border border-slate-300 px-2 font-normal"
          />
        </label>
        <label className="flex flex-col text-sm font-semibold">
          Motif
          <input
            name="motif"
            required
            className="mt-1 min-h-11 rounded border border-slate-300 px-2 font-normal"
          />
        </label>
        <Button type="submit">Ajouter l’absence</Button>
      </form>
      <Status status={status} />
    </section>
  );
}
