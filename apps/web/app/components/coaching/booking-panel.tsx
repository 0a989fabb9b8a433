// Booking: one of the student's coaches, a duration, then a free slot from the live calendar of
// the next 14 days (grouped by Paris day); the booking re-checks everything server-side.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
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
} from "./format";

const DURATIONS = [30, 60, 90, 120] as const;

export function BookingPanel(props: {
  studentId: Id<"students">;
  coaches: { coachId: Id<"users">; name: string }[];
  balance: number;
  now: number;
}) {
  const [coachId, setCoachId] = useState(props.coaches[0]?.coachId);
  const [duration, setDuration] = useState<(typeof DURATIONS)[number]>(60);
  const [slot, setSlot] = useState<number | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const book = useMutation(api.sessions.book);
  const result = useQuery(
    api.sessions.freeSlots,
    coachId
      ? { studentId: props.studentId, coachId, from: props.now, durationMinutes: duration }
      : "skip",
  );
  const cost = duration / 30;
  const days = useMemo(() => {
    const groups = new Map<string, number[]>();
    for (const s of result?.slots ?? []) {
      if (s < props.now + 2 * 3_600_000) continue;
      const day = formatParisDay(s);
      groups.set(day, [...(groups.get(day) ?? []), s]);
    }
    return [...groups.entries()];
  }, [result, props.now]);

  if (props.coaches.length === 0) {
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
    if (slot === null || !coachId) return;
    setStatus(null);
    try {
      const { balance } = await book({
        studentId: props.studentId,
        coachId,
        subject: "maths",
        startsAt: slot,
        durationMinutes: duration,
      });
      setStatus({
        ok: true,
        text: `Séance réservée le ${formatParisDateTime(slot)}. Il reste ${formatCredits(balance)}. Un e-mail de confirmation avec l’invitation d’agenda arrive.`,
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
          Coach
          <select
            className="mt-1 min-h-11 rounded border border-slate-300 px-2 font-normal"
            value={coachId}
            onChange={(e) => {
              setCoachId(e.target.value as Id<"users">);
              setSlot(null);
            }}
          >
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
          Aucun créneau libre : essayez une autre durée ou un autre coach.
        </p>
      ) : (
        <div className="mt-2 max-h-80 space-y-3 overflow-y-auto pr-2">
          {days.map(([day, starts]) => (
            <fieldset key={day}>
              <legend className="text-sm font-semibold text-slate-800">
                {capitalizeFirst(day)}
              </legend>
              <div className="mt-1 flex flex-wrap gap-2">
                {starts.map((s) => (
                  <button
                    key={s}
                    type="button"
                    aria-pressed={slot === s}
                    onClick={() => setSlot(s)}
                    className="min-h-9 rounded border border-slate-300 px-3 text-sm hover:bg-brand-50 aria-pressed:border-brand-700 aria-pressed:bg-brand-700 aria-pressed:text-white"
                  >
                    {formatParisTime(s)}
                  </button>
                ))}
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
