// Buying a pack: cash or transfer reserved (pending until the desk confirms), or a card payment
// through Stripe Checkout when the centre configured it.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { useAction, useMutation } from "convex/react";
import type { FunctionReturnType } from "convex/server";
import { useState } from "react";
import { Button } from "~/components/ui/button";
import { toUserError } from "~/utils/errors";
import { formatEuros } from "./format";

export function BuyPack(props: {
  studentId: Id<"students">;
  catalog: FunctionReturnType<typeof api.credits.catalog>;
  online: boolean;
}) {
  const packs = props.catalog.filter((p) => p.kind !== "aria_premium");
  const [productId, setProductId] = useState<string>(packs[0]?._id ?? "");
  const [method, setMethod] = useState<"cash" | "transfer" | "card">("cash");
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const reserve = useMutation(api.payments.reserve);
  const checkout = useAction(api.checkout.start);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setStatus(null);
    try {
      const product = productId as Id<"products">;
      if (method === "card") {
        const { url } = await checkout({
          studentId: props.studentId,
          productId: product,
          returnUrl: window.location.href,
        });
        window.location.assign(url);
        return;
      }
      const { reference } = await reserve({
        studentId: props.studentId,
        productId: product,
        method,
      });
      setStatus({
        ok: true,
        text:
          method === "cash"
            ? `Achat réservé (référence ${reference}) : réglez-le à l’accueil, les crédits arrivent dès l’encaissement.`
            : `Achat réservé (référence ${reference}) : faites le virement avec cette référence, les crédits arrivent à sa réception.`,
      });
    } catch (error) {
      setStatus({ ok: false, text: toUserError(error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section
      aria-labelledby="achat-titre"
      className="rounded-lg border border-slate-200 bg-white p-5"
    >
      <h2 id="achat-titre" className="text-xl font-semibold text-brand-900">
        Acheter des crédits
      </h2>
      <form onSubmit={submit} className="mt-3 space-y-4">
        <fieldset>
          <legend className="font-semibold text-slate-900">Offre</legend>
          <div className="mt-2 space-y-2">
            {packs.map((p) => (
              <label key={p._id} className="flex items-start gap-2">
                <input
                  type="radio"
                  name="offre"
                  value={p._id}
                  checked={productId === p._id}
                  onChange={() => setProductId(p._id)}
                  className="mt-1"
                />
                <span>
                  <strong>{p.name}</strong> — {formatEuros(p.priceCents)}
                  <span className="block text-sm text-slate-600">{p.description}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend className="font-semibold text-slate-900">Paiement</legend>
          <div className="mt-2 flex flex-wrap gap-4">
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="moyen"
                checked={method === "cash"}
                onChange={() => setMethod("cash")}
              />
              Espèces à l’accueil
            </label>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="moyen"
                checked={method === "transfer"}
                onChange={() => setMethod("transfer")}
              />
              Virement
            </label>
            {props.online ? (
              <label className="flex items-center gap-2">
                <input
                  type="radio"
                  name="moyen"
                  checked={method === "card"}
                  onChange={() => setMethod("card")}
                />
                Carte bancaire
              </label>
            ) : null}
          </div>
        </fieldset>
        <Button type="submit" disabled={busy || !productId}>
          {method === "card" ? "Payer par carte" : "Réserver l’achat"}
        </Button>
        {status ? (
          <p
            role={status.ok ? "status" : "alert"}
            className={status.ok ? "text-green-800" : "text-red-700"}
          >
            {status.text}
          </p>
        ) : null}
      </form>
    </section>
  );
}
