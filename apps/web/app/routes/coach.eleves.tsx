// /coach/eleves — « Mes élèves »: the students the coach follows (staff: everyone), with their
// latest bilans and the next step, live (students.listMineWithLatestBilan).
import { api } from "@convex/_generated/api";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { StudentCards } from "~/components/review/student-cards";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { useLiveQuery } from "~/utils/live-query";

export const meta: MetaFunction = () => [{ title: "Mes élèves — Nexus Réussite" }];

const PAGE = { numItems: 50, cursor: null };

export async function loader({ request }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["coach", "admin", "assistante"]);
  const cards = await convexForRequest(token).query(api.students.listMineWithLatestBilan, {
    paginationOpts: PAGE,
  });
  return { cards };
}

export default function MyStudents() {
  const data = useLoaderData<typeof loader>();
  const cards = useLiveQuery(
    api.students.listMineWithLatestBilan,
    { paginationOpts: PAGE },
    data.cards,
  );
  return (
    <section aria-labelledby="page-titre">
      <h1 id="page-titre" className="text-2xl font-bold text-brand-900 sm:text-3xl">
        Mes élèves
      </h1>
      <p className="mt-2 text-slate-700">
        {cards.page.length === 0
          ? "Aucun élève ne vous est encore confié."
          : cards.page.length === 1
            ? "Un élève vous est confié."
            : `${cards.page.length} élèves vous sont confiés.`}
      </p>
      <StudentCards cards={cards.page} />
    </section>
  );
}
