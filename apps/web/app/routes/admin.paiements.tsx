// /admin/paiements (staff): payments to confirm (cash, transfer), card payments received (with
// « Rembourser » when card payment is configured: refused when credits were spent, see
// docs/coaching.md), wallets page by page
// (« Afficher plus de portefeuilles ») with manual adjustments (reason required, audited), the
// centre's sessions of the week and the wallet consistency report. Live after the loader's first
// paint.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { parisWeekStart } from "@nexus/shared/coaching-time";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useAction, useMutation } from "convex/react";
import { useState } from "react";
import {
  formatCredits,
  formatEuros,
  formatParisDateTime,
  paymentMethodLabels,
  sessionStatusLabels,
} from "~/components/coaching/format";
import { Button } from "~/components/ui/button";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { toUserError } from "~/utils/errors";
import { useLivePages } from "~/utils/live-pages";
import { useLiveQuery } from "~/utils/live-query";

export const meta: MetaFunction = () => [{ title: "Paiements et séances — Nexus Réussite" }];

/** Wallets per page (the list grows with « Afficher plus de portefeuilles »). */
const WALLET_PAGE = 50;
const WEEK = 7 * 86_400_000;
const PAID = { status: "paid" as const };

export async function loader({ request }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["admin", "assistante"]);
  const convex = convexForRequest(token);
  const from = parisWeekStart(Date.now());
  const range = { from, to: from + WEEK };
  const [pending, paid, online, wallets, sessions, report] = await Promise.all([
    convex.query(api.payments.pending, {}),
    convex.query(api.payments.listByStatus, PAID),
    convex.query(api.checkout.available, {}),
    convex.query(api.credits.listWallets, {
      paginationOpts: { numItems: WALLET_PAGE, cursor: null },
    }),
    convex.query(api.sessions.centre, range),
    convex.query(api.consistency.latest, {}),
  ]);
  return { pending, paid, online, wallets, sessions, report, range };
}

function Status(props: { status: { ok: boolean; text: string } | null }) {
  if (!props.status) return null;
  return (
    <p
      role={props.status.ok ? "status" : "alert"}
      className={`mt-2 ${props.status.ok ? "text-green-800" : "text-red-700"}`}
    >
      {props.status.text}
    </p>
  );
}

export default function StaffPayments() {
  const initial = useLoaderData<typeof loader>();
  const pending = useLiveQuery(api.payments.pending, {}, initial.pending);
  const paid = useLiveQuery(api.payments.listByStatus, PAID, initial.paid);
  const cardPayments = paid.filter((p) => p.method === "stripe");
  const refund = useAction(api.checkout.refund);
  const [refundStatus, setRefundStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const wallets = useLivePages(api.credits.listWallets, {}, initial.wallets, WALLET_PAGE);
  const sessions = useLiveQuery(api.sessions.centre, initial.range, initial.sessions);
  const report = useLiveQuery(api.consistency.latest, {}, initial.report);
  const confirm = useMutation(api.payments.confirm);
  const cancel = useMutation(api.payments.cancel);
  const adjust = useMutation(api.credits.adjust);
  const runNow = useMutation(api.consistency.runNow);
  const [payStatus, setPayStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [adjStatus, setAdjStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [checkStatus, setCheckStatus] = useState<{ ok: boolean; text: string } | null>(null);

  async function onConfirm(paymentId: Id<"payments">, reference: string) {
    try {
      await confirm({ paymentId });
      setPayStatus({
        ok: true,
        text: `Paiement ${reference} encaissé : les crédits sont ajoutés.`,
      });
    } catch (error) {
      setPayStatus({ ok: false, text: toUserError(error).message });
    }
  }
  async function onCancel(paymentId: Id<"payments">, reference: string) {
    try {
      await cancel({ paymentId });
      setPayStatus({ ok: true, text: `Paiement ${reference} annulé.` });
    } catch (error) {
      setPayStatus({ ok: false, text: toUserError(error).message });
    }
  }
  async function onRefund(paymentId: Id<"payments">, reference: string) {
    setRefundStatus(null);
    try {
      await refund({ paymentId });
      setRefundStatus({
        ok: true,
        text: `Paiement ${reference} remboursé : ses crédits sont retirés du portefeuille.`,
      });
    } catch (error) {
      setRefundStatus({ ok: false, text: toUserError(error).message });
    }
  }
  async function onAdjust(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const amount = Number(form.get("amount"));
    if (!Number.isInteger(amount) || amount === 0) {
      setAdjStatus({
        ok: false,
        text: "Indiquez un nombre entier de crédits, positif ou négatif.",
      });
      return;
    }
    try {
      const { balance } = await adjust({
        studentId: String(form.get("studentId")) as Id<"students">,
        amount,
        reason: String(form.get("reason") ?? ""),
      });
      setAdjStatus({
        ok: true,
        text: `Ajustement enregistré : nouveau solde ${formatCredits(balance)}.`,
      });
      event.currentTarget?.reset();
    } catch (error) {
      setAdjStatus({ ok: false, text: toUserError(error).message });
    }
  }

  return (
    <section aria-labelledby="page-titre" className="space-y-8">
      <h1 id="page-titre" className="text-3xl font-bold text-brand-900">
        Paiements et séances
      </h1>

      <section
        aria-labelledby="attente-titre"
        className="rounded-lg border border-slate-200 bg-white p-5"
      >
        <h2 id="attente-titre" className="text-xl font-semibold text-brand-900">
          Paiements à encaisser
        </h2>
        <Status status={payStatus} />
        {pending.length === 0 ? (
          <p className="mt-2 text-slate-700">Aucun paiement en attente.</p>
        ) : (
          <ul className="mt-3 space-y-3">
            {pending.map((p) => (
              <li
                key={p._id}
                className="flex flex-wrap items-center justify-between gap-3 rounded border border-slate-200 p-3"
              >
                <span>
                  <strong>{p.reference}</strong> — {p.studentName} ({p.payerName}) : {p.productName}
                  , {formatEuros(p.amountCents)}, {paymentMethodLabels[p.method].toLowerCase()},
                  réservé le {formatParisDateTime(p.createdAt)}
                </span>
                {p.method !== "stripe" ? (
                  <span className="flex gap-2">
                    <Button size="sm" onClick={() => onConfirm(p._id, p.reference)}>
                      Confirmer l’encaissement de {p.reference}
                    </Button>
                    <Button
                      size="sm"
                      variant="secondary"
                      onClick={() => onCancel(p._id, p.reference)}
                    >
                      Annuler
                    </Button>
                  </span>
                ) : (
                  <span className="text-sm text-slate-600">Carte : confirmé par Stripe</span>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      {cardPayments.length > 0 ? (
        <section
          aria-labelledby="cartes-titre"
          className="rounded-lg border border-slate-200 bg-white p-5"
        >
          <h2 id="cartes-titre" className="text-xl font-semibold text-brand-900">
            Paiements par carte encaissés
          </h2>
          <Status status={refundStatus} />
          <ul className="mt-3 space-y-3">
            {cardPayments.map((p) => (
              <li
                key={p._id}
                className="flex flex-wrap items-center justify-between gap-3 rounded border border-slate-200 p-3"
              >
                <span>
                  <strong>{p.reference}</strong> — {p.studentName} : {p.productName},{" "}
                  {formatEuros(p.amountCents)}
                  {p.paidAt ? `, payé le ${formatParisDateTime(p.paidAt)}` : ""}
                </span>
                {p.refundedAt ? (
                  <span className="text-sm text-slate-700">
                    Remboursé le {formatParisDateTime(p.refundedAt)}
                    {p.refundShortfall
                      ? ` : ${formatCredits(p.refundShortfall)} déjà utilisé${p.refundShortfall > 1 ? "s" : ""}, à régulariser`
                      : ""}
                  </span>
                ) : initial.online ? (
                  <Button
                    size="sm"
                    variant="secondary"
                    onClick={() => onRefund(p._id, p.reference)}
                  >
                    Rembourser {p.reference}
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section
        aria-labelledby="portefeuilles-titre"
        className="rounded-lg border border-slate-200 bg-white p-5"
      >
        <h2 id="portefeuilles-titre" className="text-xl font-semibold text-brand-900">
          Portefeuilles
        </h2>
        <table className="mt-3 w-full text-left text-sm">
          <caption className="sr-only">Solde de chaque élève</caption>
          <thead>
            <tr className="border-b border-slate-200 text-slate-600">
              <th scope="col" className="py-1">
                Élève
              </th>
              <th scope="col" className="py-1 text-right">
                Solde
              </th>
            </tr>
          </thead>
          <tbody>
            {wallets.results.map((w) => (
              <tr key={w.walletId} className="border-b border-slate-100">
                <td className="py-1">{w.studentName}</td>
                <td className="py-1 text-right tabular-nums">{formatCredits(w.balance)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {wallets.canLoadMore ? (
          <Button
            className="mt-3"
            variant="secondary"
            disabled={wallets.loadingMore}
            onClick={wallets.loadMore}
          >
            {wallets.loadingMore ? "Chargement…" : "Afficher plus de portefeuilles"}
          </Button>
        ) : null}
        <form onSubmit={onAdjust} className="mt-4 flex flex-wrap items-end gap-3">
          <label className="flex flex-col text-sm font-semibold">
            Élève
            <select
              name="studentId"
              required
              className="mt-1 min-h-11 rounded border border-slate-300 px-2 font-normal"
            >
              {wallets.results.map((w) => (
                <option key={w.walletId} value={w.studentId}>
                  {w.studentName}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col text-sm font-semibold">
            Crédits (+ ou −)
            <input
              name="amount"
              type="number"
              step={1}
              required
              className="mt-1 min-h-11 w-28 rounded border border-slate-300 px-2 font-normal"
            />
          </label>
          <label className="flex grow flex-col text-sm font-semibold">
            Motif (obligatoire, enregistré au journal)
            <input
              name="reason"
              required
              minLength={5}
              className="mt-1 min-h-11 rounded border border-slate-300 px-2 font-normal"
            />
          </label>
          <Button type="submit">Ajuster</Button>
        </form>
        <Status status={adjStatus} />
      </section>

      <section
        aria-labelledby="centre-titre"
        className="rounded-lg border border-slate-200 bg-white p-5"
      >
        <h2 id="centre-titre" className="text-xl font-semibold text-brand-900">
          Séances de la semaine
        </h2>
        {sessions.length === 0 ? (
          <p className="mt-2 text-slate-700">Aucune séance cette semaine.</p>
        ) : (
          <ul className="mt-3 space-y-1 text-sm">
            {sessions.map((s) => (
              <li key={s._id}>
                {formatParisDateTime(s.startsAt)} — {s.studentName} avec {s.coachName} (
                {s.durationMinutes} min) : {sessionStatusLabels[s.status].toLowerCase()}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section
        aria-labelledby="coherence-titre"
        className="rounded-lg border border-slate-200 bg-white p-5"
      >
        <h2 id="coherence-titre" className="text-xl font-semibold text-brand-900">
          Cohérence des portefeuilles
        </h2>
        {report === null ? (
          <p className="mt-2 text-slate-700">Pas encore de vérification.</p>
        ) : (
          <div className="mt-2">
            <p className={report.ok ? "text-green-800" : "text-red-700"}>
              {report.ok
                ? `Aucune anomalie : ${report.walletsChecked} portefeuilles vérifiés le ${formatParisDateTime(report.at)}.`
                : `${report.problems.length} anomalie(s) le ${formatParisDateTime(report.at)} :`}
            </p>
            {report.problems.length > 0 ? (
              <ul className="mt-2 list-disc pl-5 text-sm">
                {report.problems.map((p) => (
                  <li key={`${p.kind}-${p.ref}`}>{p.message}</li>
                ))}
              </ul>
            ) : null}
          </div>
        )}
        <Button
          className="mt-3"
          variant="secondary"
          onClick={async () => {
            await runNow({});
            setCheckStatus({
              ok: true,
              text: "Vérification lancée : le rapport se met à jour ici.",
            });
          }}
        >
          Vérifier maintenant
        </Button>
        <Status status={checkStatus} />
      </section>
    </section>
  );
}
