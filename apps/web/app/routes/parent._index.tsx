// « Mes enfants »: one card per child with their latest bilans (live statuses) and the next
// step. First paint from the loader, then live through students.listMineWithLatestBilan.
// Below, « Mes préférences »: how the centre's e-mails greet the parent.
import { api } from "@convex/_generated/api";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ChildCard } from "~/components/parent/child-card";
import { PreferencesForm } from "~/components/parent/preferences-form";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { useLiveQuery } from "~/utils/live-query";

export const meta: MetaFunction = () => [{ title: "Mes enfants — Nexus Réussite" }];

/** A family has a handful of children: one page of cards is all of them. */
const CARDS_ARGS = { paginationOpts: { numItems: 50, cursor: null } };

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, token } = await requireRole(request, ["parent"]);
  const cards = await convexForRequest(token).query(
    api.students.listMineWithLatestBilan,
    CARDS_ARGS,
  );
  return { name: user.name, salutation: user.salutation, cards };
}

export default function ParentHome() {
  const { name, salutation, cards: initial } = useLoaderData<typeof loader>();
  const cards = useLiveQuery(api.students.listMineWithLatestBilan, CARDS_ARGS, initial);
  const children = cards.page;
  return (
    <section aria-labelledby="page-titre">
      <h1 id="page-titre" className="text-3xl font-bold text-brand-900">
        Mes enfants
      </h1>
      <p className="mt-2 text-slate-700">
        Bonjour {name}. Retrouvez ici les bilans de vos enfants : leur avancement se met à jour tout
        seul.
      </p>
      {children.length === 0 ? (
        <p className="mt-8 rounded-lg border border-slate-200 bg-white p-5 text-slate-700">
          Aucun enfant n'est encore rattaché à votre compte. Le centre le fera lors de l'inscription
          ; contactez-le si vous attendez un bilan.
        </p>
      ) : (
        <div className="mt-8 grid gap-6 md:grid-cols-2">
          {children.map((card) => (
            <ChildCard key={card.student._id} card={card} />
          ))}
        </div>
      )}
      <PreferencesForm accountName={name} salutation={salutation} />
    </section>
  );
}
