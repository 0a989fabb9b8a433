// Sessions with their visio link (from 15 minutes before the start), notes, and cancellation
// with the refund rule said before confirming.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { useMutation } from "convex/react";
import { useState } from "react";
import { Button } from "~/components/ui/button";
import { toUserError } from "~/utils/errors";
import { useMinuteClock } from "~/utils/use-minute-clock";
import { formatParisDateTime, type SessionView, sessionStatusLabels, subjectNames } from "./format";

const NOTICE_MS = 24 * 3_600_000;

export function SessionList(props: {
  sessions: SessionView[];
  now: number;
  canCancel: boolean;
  title?: string;
}) {
  const now = useMinuteClock(props.now);
  const cancel = useMutation(api.sessions.cancel);
  const [asking, setAsking] = useState<Id<"coachingSessions"> | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const upcoming = props.sessions
    .filter((s) => s.endsAt > now)
    .sort((a, b) => a.startsAt - b.startsAt);
  const past = props.sessions.filter((s) => s.endsAt <= now);

  async function doCancel(id: Id<"coachingSessions">) {
    setStatus(null);
    try {
      const { refunded } = await cancel({ sessionId: id });
      setStatus({
        ok: true,
        text: refunded
          ? "Séance annulée : les crédits sont rendus."
          : "Séance annulée, sans remboursement.",
      });
    } catch (error) {
      setStatus({ ok: false, text: toUserError(error).message });
    } finally {
      setAsking(null);
    }
  }

  const row = (s: SessionView) => {
    const open = now >= s.opensAt && now < s.endsAt;
    const refund = s.startsAt - now >= NOTICE_MS;
    return (
      <li key={s._id} className="rounded border border-slate-200 p-4" data-testid="seance">
        <p className="font-semibold text-slate-900">
          {formatParisDateTime(s.startsAt)} — {s.durationMinutes} min
        </p>
        <p className="text-sm text-slate-700">
          {subjectNames[s.subject]} avec {s.coachName} · {sessionStatusLabels[s.status]}
          {s.status === "cancelled" ? (s.refunded ? " (crédits rendus)" : " (non remboursée)") : ""}
        </p>
        {s.notes ? (
          <p className="mt-2 whitespace-pre-line rounded bg-slate-50 p-2 text-sm">
            <span className="font-semibold">Notes du coach :</span> {s.notes}
          </p>
        ) : null}
        {s.status === "booked" ? (
          <div className="mt-3 flex flex-wrap items-center gap-3">
            {open ? (
              <a
                href={s.joinUrl}
                target="_blank"
                rel="noreferrer"
                className="inline-flex min-h-9 items-center rounded bg-brand-700 px-3 text-sm font-semibold text-white"
              >
                Rejoindre la visio
              </a>
            ) : (
              <span className="text-sm text-slate-600">
                La visio s’ouvre 15 minutes avant le début.
              </span>
            )}
            {props.canCancel && asking !== s._id ? (
              <Button variant="secondary" size="sm" onClick={() => setAsking(s._id)}>
                Annuler la séance
              </Button>
            ) : null}
            {asking === s._id ? (
              <fieldset className="flex flex-wrap items-center gap-2">
                <legend className="sr-only">Confirmer l’annulation</legend>
                <span className="text-sm">
                  {refund
                    ? `Annuler ? Les ${s.credits} crédits seront rendus.`
                    : "Annuler ? Moins de 24 h avant : les crédits ne seront pas rendus."}
                </span>
                <Button variant="danger" size="sm" onClick={() => doCancel(s._id)}>
                  Oui, annuler
                </Button>
                <Button variant="ghost" size="sm" onClick={() => setAsking(null)}>
                  Non
                </Button>
              </fieldset>
            ) : null}
          </div>
        ) : null}
      </li>
    );
  };

  return (
    <section
      aria-labelledby="seances-titre"
      className="rounded-lg border border-slate-200 bg-white p-5"
    >
      <h2 id="seances-titre" className="text-xl font-semibold text-brand-900">
        {props.title ?? "Mes séances"}
      </h2>
      {status ? (
        <p
          role={status.ok ? "status" : "alert"}
          className={`mt-2 ${status.ok ? "text-green-800" : "text-red-700"}`}
        >
          {status.text}
        </p>
      ) : null}
      <h3 className="mt-4 font-semibold text-slate-900">À venir</h3>
      {upcoming.length === 0 ? (
        <p className="mt-2 text-sm text-slate-700">Aucune séance à venir.</p>
      ) : (
        <ul className="mt-2 space-y-3">{upcoming.map(row)}</ul>
      )}
      {past.length > 0 ? (
        <>
          <h3 className="mt-6 font-semibold text-slate-900">Passées</h3>
          <ul className="mt-2 space-y-3">{past.slice(0, 10).map(row)}</ul>
        </>
      ) : null}
    </section>
  );
}
