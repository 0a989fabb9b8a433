// Booking: a subject among the student's, a coach (one of the student's coaches, or « any coach
// of the subject » when the centre allows it), a duration, then a free slot from the live
// calendar of the next 14 days (grouped by Paris day, each slot naming its free coaches when any
// coach may be booked); the booking re-checks everything server-side and picks the coach.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import type { Subject } from "@nexus/shared/domain";
import { useMutation, useQuery } from "convex/react";
import { useMemo, useState } from "react";
import { Button } from "~/components/ui/button";
import { toUserError } from "~/utils/errors";
import {
  capitalizeFirst,
  formatCredits,
  formatParisDateTime,
  formatParisDay,
  formatParisTime,
  subjectNames,
} from "./format";

const DURATIONS = [30, 60, 90, 120] as const;
/** The coach select's value for « any coach of the subject ». */
const ANY = "any";

export function BookingPanel(props: {
  studentId: Id<"students">;
  coaches: { coachId: Id<"users">; name: string }[];
  subjects: Subject[];
  anyCoach: boolean;
  balance: number;
  now: number;
}) {
  const [subject, setSubject] = useState<Subject | undefined>(props.subjects[0]);
  const [coachChoice, setCoachChoice] = useState<string | undefined>(
    props.anyCoach ? ANY : props.coaches[0]?.coachId,
  );
  const [duration, setDuration] = useState<(typeof DURATIONS)[number]>(60);
  const [slot, setSlot] = useState<number | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const book = useMutation(api.sessions.book);
  const coachId = coachChoice && coachChoice !== ANY ? (coachChoice as Id<"users">) : undefined;
  const result = useQuery(
    api.sessions.freeSlots,
    subject && coachChoice
      ? {
          studentId: props.studentId,
          subject,
          ...(coachId ? { coachId } : {}),
          from: props.now,
          durationMinutes: duration,
        }
      : "skip",
  );
  const cost = duration / 30;
  const names = useMemo(
    () => new Map((result?.coaches ?? []).map((c) => [c.coachId, c.name] as const)),
    [result],
  );
  const days = useMemo(() => {
    const groups = new Map<string, { startsAt: number; coachIds: Id<"users">[] }[]>();
    for (const o of result?.offers ?? []) {
      if (o.startsAt < props.now + 2 * 3_600_000) continue;
      const day = formatParisDay(o.startsAt);
      groups.set(day, [...(groups.get(day) ?? []), o]);
    }
    return [...groups.entries()];
  }, [result, props.now]);
  const showCoaches = coachChoice === ANY;

  if (props.coaches.length === 0 && !props.anyCoach) {
    return (
      <section className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="text-xl font-semibold text-brand-900">Réserver une séance</h2>
        <p className="mt-2 text-slate-700">
          Aucun coach n’est encore attribué : le centre s’en charge.
        </p>
      </section>
    );
  }

  async function confirm() {
    if (slot === null || !subject || !coachChoice) return;
    setStatus(null);
    try {
      const booked = await book({
        studentId: props.studentId,
        ...(coachId ? { coachId } : {}),
        subject,
        startsAt: slot,
        durationMinutes: duration,
      });
      const withCoach = showCoaches ? ` avec ${names.get(booked.coachId) ?? "un coach"}` : "";
      setStatus({
        ok: true,
        text: `Séance réservée le ${formatParisDateTime(slot)}${withCoach}. Il reste ${formatCredits(booked.balance)}. Un e-mail de confirmation avec l’invitation d’agenda arrive.`,
      });
      setSlot(null);
    } catch (error) {
      setStatus({ ok: false, text: toUserError(error).message });
    }
  }

  return (
    <section
      aria-labelledby="reserver-titre"
      className="rounded-lg border border-slate-200 bg-white p-5"
    >
      <h2 id="reserver-titre" className="text-xl font-semibold text-brand-900">
        Réserver une séance
      </h2>
      <div className="mt-3 flex flex-wrap gap-4">
        <label className="flex flex-col text-sm font-semibold">
          Matière
          <select
            className="mt-1 min-h-11 rounded border border-slate-300 px-2 font-normal"
            value={subject}
            onChange={(e) => {
              setSubject(e.target.value as Subject);
              setSlot(null);
            }}
          >
            {props.subjects.map((s) => (
              <option key={s} value={s}>
                {subjectNames[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-sm font-semibold">
          Coach
          <select
            className="mt-1 min-h-11 rounded border border-slate-300 px-2 font-normal"
            value={coachChoice}
            onChange={(e) => {
              setCoachChoice(e.target.value);
              setSlot(null);
            }}
          >
            {props.anyCoach ? <option value={ANY}>Tout coach de la matière</option> : null}
            {props.coaches.map((c) => (
              <option key={c.coachId} value={c.coachId}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-sm font-semibold">
          Durée
          <select
            className="mt-1 min-h-11 rounded border border-slate-300 px-2 font-normal"
            value={duration}
            onChange={(e) => {
              setDuration(Number(e.target.value) as (typeof DURATIONS)[number]);
              setSlot(null);
            }}
          >
            {DURATIONS.map((d) => (
              <option key={d} value={d}>
                {d} minutes ({formatCredits(d / 30)})
              </option>
            ))}
          </select>
        </label>
      </div>
      <h3 className="mt-4 font-semibold text-slate-900">
        Créneaux libres (14 prochains jours, heure de Paris)
      </h3>
      {result === undefined ? (
        <p className="mt-2 text-sm text-slate-600">Chargement des créneaux…</p>
      ) : days.length === 0 ? (
        <p className="mt-2 text-sm text-slate-700">
          Aucun créneau libre : essayez une autre durée, une autre matière ou un autre coach.
        </p>
      ) : (
        <div className="mt-2 max-h-80 space-y-3 overflow-y-auto pr-2">
          {days.map(([day, starts]) => (
            <fieldset key={day}>
              <legend className="text-sm font-semibold text-slate-800">
                {capitalizeFirst(day)}
              </legend>
              <div className="mt-1 flex flex-wrap gap-2">
                {starts.map((o) => {
                  const who = o.coachIds.map((id) => names.get(id) ?? "Coach").join(", ");
                  return (
                    <button
                      key={o.startsAt}
                      type="button"
                      aria-pressed={slot === o.startsAt}
                      aria-label={
                        showCoaches ? `${formatParisTime(o.startsAt)}, ${who}` : undefined
                      }
                      onClick={() => setSlot(o.startsAt)}
                      className="min-h-9 rounded border border-slate-300 px-3 text-left text-sm hover:bg-brand-50 aria-pressed:border-brand-700 aria-pressed:bg-brand-700 aria-pressed:text-white"
                    >
                      {formatParisTime(o.startsAt)}
                      {showCoaches ? <span className="block text-xs opacity-80">{who}</span> : null}
                    </button>
                  );
                })}
              </div>
            </fieldset>
          ))}
        </div>
      )}
      <div className="mt-4 flex flex-wrap items-center gap-3">
        <Button onClick={confirm} disabled={slot === null || props.balance < cost}>
          {slot === null ? "Choisissez un créneau" : `Réserver (${formatCredits(cost)})`}
        </Button>
        {props.balance < cost ? (
          <p className="text-sm text-red-700">
            Solde insuffisant pour cette durée : achetez un pack.
          </p>
        ) : null}
      </div>
      {status ? (
        <p
          role={status.ok ? "status" : "alert"}
          className={`mt-3 ${status.ok ? "text-green-800" : "text-red-700"}`}
        >
          {status.text}
        </p>
      ) : null}
    </section>
  );
}
