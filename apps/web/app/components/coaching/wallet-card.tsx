// Balance and history of a wallet, with the student's payments (live from the page).
import type { api } from "@convex/_generated/api";
import type { FunctionReturnType } from "convex/server";
import {
  formatCredits,
  formatEuros,
  formatParisDateTime,
  ledgerKindLabels,
  paymentMethodLabels,
  paymentStatusLabels,
} from "./format";

export function WalletCard(props: {
  firstName: string;
  wallet: FunctionReturnType<typeof api.credits.wallet>;
  payments: FunctionReturnType<typeof api.payments.forStudent>;
  subscription?: FunctionReturnType<typeof api.credits.subscription>;
}) {
  const { wallet, payments } = props;
  return (
    <section
      aria-labelledby="solde-titre"
      className="rounded-lg border border-slate-200 bg-white p-5"
    >
      <h2 id="solde-titre" className="text-xl font-semibold text-brand-900">
        Crédits de {props.firstName}
      </h2>
      <p className="mt-2 text-slate-700">
        Solde :{" "}
        <strong data-testid="solde" className="text-2xl text-brand-900" aria-live="polite">
          {formatCredits(wallet.balance)}
        </strong>{" "}
        <span className="text-sm">(1 crédit = 30 minutes de séance)</span>
      </p>
      {props.subscription ? (
        <p className="mt-2 text-sm text-slate-700" data-testid="abonnement">
          {props.subscription.status === "active"
            ? `${props.subscription.productName} : ${formatCredits(props.subscription.creditsPerMonth)} ajoutés chaque mois (depuis le ${formatParisDateTime(props.subscription.startedAt)}).`
            : `${props.subscription.productName} arrêté${props.subscription.stoppedAt ? ` le ${formatParisDateTime(props.subscription.stoppedAt)}` : ""} : les crédits déjà ajoutés restent.`}
        </p>
      ) : null}
      {payments.some((p) => p.status === "pending") ? (
        <div className="mt-3 rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          <p className="font-semibold">Paiements en attente</p>
          <ul className="mt-1 list-disc pl-5">
            {payments
              .filter((p) => p.status === "pending")
              .map((p) => (
                <li key={p._id}>
                  {p.productName}, {formatEuros(p.amountCents)} (
                  {paymentMethodLabels[p.method].toLowerCase()}) : référence{" "}
                  <strong>{p.reference}</strong>
                  {p.method === "stripe" && p.checkoutUrl ? (
                    <>
                      {" "}
                      —{" "}
                      <a className="underline" href={p.checkoutUrl}>
                        payer par carte
                      </a>
                    </>
                  ) : (
                    " — à régler à l’accueil, crédité dès l’encaissement."
                  )}
                </li>
              ))}
          </ul>
        </div>
      ) : null}
      <h3 className="mt-5 font-semibold text-slate-900">Historique</h3>
      {wallet.entries.length === 0 ? (
        <p className="mt-2 text-sm text-slate-700">Aucun mouvement pour l’instant.</p>
      ) : (
        <table className="mt-2 w-full text-left text-sm">
          <caption className="sr-only">Mouvements de crédits, les plus récents d’abord</caption>
          <thead>
            <tr className="border-b border-slate-200 text-slate-600">
              <th scope="col" className="py-1 pr-2">
                Date
              </th>
              <th scope="col" className="py-1 pr-2">
                Mouvement
              </th>
              <th scope="col" className="py-1 pr-2 text-right">
                Crédits
              </th>
              <th scope="col" className="py-1 text-right">
                Solde
              </th>
            </tr>
          </thead>
          <tbody>
            {wallet.entries.slice(0, 15).map((e) => (
              <tr key={e._id} className="border-b border-slate-100">
                <td className="py-1 pr-2">{formatParisDateTime(e.at)}</td>
                <td className="py-1 pr-2">
                  {ledgerKindLabels[e.kind]}
                  {e.reason ? ` (${e.reason})` : ""}
                </td>
                <td className="py-1 pr-2 text-right tabular-nums">
                  {e.amount > 0 ? `+${e.amount}` : `−${-e.amount}`}
                </td>
                <td className="py-1 text-right tabular-nums">{e.balanceAfter}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {payments.some((p) => p.status !== "pending") ? (
        <details className="mt-4 text-sm">
          <summary className="cursor-pointer font-semibold">Paiements</summary>
          <ul className="mt-2 space-y-1">
            {payments
              .filter((p) => p.status !== "pending")
              .map((p) => (
                <li key={p._id}>
                  {formatParisDateTime(p.createdAt)} — {p.productName}, {formatEuros(p.amountCents)}
                  , {paymentMethodLabels[p.method].toLowerCase()} :{" "}
                  {paymentStatusLabels[p.status].toLowerCase()}
                </li>
              ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
