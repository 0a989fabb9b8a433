// « Suivi d'ARIA » for coaches, parents and staff: per followed student, how much they use
// ARIA (questions today, this month, per subject), never the content; links to the student's
// page (a coach reads the conversations there, a parent only those shared with them).
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { UsageSummary } from "~/components/aria/usage";
import { Card } from "~/components/ui/card";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { roundToMinute } from "~/utils/jobs-console";
import { useMinuteClock } from "~/utils/use-minute-clock";

export const meta: MetaFunction = () => [{ title: "Suivi d'ARIA — Nexus Réussite" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, token } = await requireRole(request, ["parent", "coach", "admin", "assistante"]);
  const convex = convexForRequest(token);
  const now = roundToMinute(Date.now());
  const { page } = await convex.query(api.students.listMine, {
    paginationOpts: { numItems: 50, cursor: null },
  });
  const rows = await Promise.all(
    page.map(async (s) => ({
      studentId: s._id as Id<"students">,
      name: `${s.firstName} ${s.lastName}`,
      usage: await convex.query(api.aria.usage, { studentId: s._id, now }),
    })),
  );
  return { role: user.role, rows, now };
}

export default function AriaFollowUp() {
  const data = useLoaderData<typeof loader>();
  const now = useMinuteClock(data.now);
  return (
    <section aria-labelledby="page-titre" className="space-y-6">
      <div>
        <h1 id="page-titre" className="text-3xl font-bold text-brand-900">
          Suivi d'ARIA
        </h1>
        <p className="mt-1 max-w-2xl text-slate-700">
          {data.role === "parent"
            ? "Combien de questions vos enfants posent au tuteur ARIA, et dans quelles matières. Le contenu des conversations reste privé, sauf celles que votre enfant choisit de partager."
            : "L'utilisation du tuteur ARIA par les élèves que vous suivez, et leurs conversations en lecture seule."}
        </p>
      </div>
      {data.rows.length === 0 ? (
        <p className="text-slate-700">Aucun élève à afficher.</p>
      ) : (
        <ul className="grid gap-4 md:grid-cols-2" aria-label="Élèves">
          {data.rows.map((row) => (
            <li key={row.studentId}>
              <Card className="space-y-3">
                <h2 className="text-lg font-semibold text-slate-900">{row.name}</h2>
                <UsageSummary studentId={row.studentId} now={now} initial={row.usage} />
                <Link
                  to={`/aria/eleves/${row.studentId}`}
                  className="font-medium text-brand-800 underline underline-offset-2"
                >
                  {data.role === "parent"
                    ? "Voir les conversations partagées"
                    : "Voir les conversations"}
                  <span className="sr-only"> de {row.name}</span>
                </Link>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
