// Staff: ARIA's answers rated down by élèves, newest first, with the question, the answer and
// its sources, to improve the course sheets (or report a bad answer to the provider).
import { api } from "@convex/_generated/api";
import { subjectLabels } from "@nexus/shared/vocabulary";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { citationText } from "~/components/aria/conversation";
import { Card } from "~/components/ui/card";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { formatDayFr } from "~/utils/dates-fr";
import { useLiveQuery } from "~/utils/live-query";

export const meta: MetaFunction = () => [{ title: "ARIA : réponses mal notées — Nexus Réussite" }];

const PAGE = { numItems: 50, cursor: null };

export async function loader({ request }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["admin", "assistante"]);
  const convex = convexForRequest(token);
  return { rated: await convex.query(api.aria.downvoted, { paginationOpts: PAGE }) };
}

export default function AriaDownvoted() {
  const data = useLoaderData<typeof loader>();
  const rated = useLiveQuery(api.aria.downvoted, { paginationOpts: PAGE }, data.rated).page;
  return (
    <section aria-labelledby="page-titre" className="space-y-6">
      <div>
        <h1 id="page-titre" className="text-3xl font-bold text-brand-900">
          ARIA : réponses mal notées
        </h1>
        <p className="mt-1 max-w-2xl text-slate-700">
          Les réponses du tuteur que les élèves ont jugées « pas utiles », avec leur question et les
          fiches citées. L'option premium et les budgets se règlent sur la page ARIA de chaque élève
          (
          <Link className="underline" to="/aria/suivi">
            suivi d'ARIA
          </Link>
          ).
        </p>
      </div>
      {rated.length === 0 ? (
        <p className="text-slate-700">Aucune réponse mal notée pour l'instant.</p>
      ) : (
        <ul className="space-y-4" aria-label="Réponses mal notées">
          {rated.map((row) => (
            <li key={row.answer._id}>
              <Card className="space-y-2">
                <p className="text-sm text-slate-600">
                  {row.studentName} · {subjectLabels[row.subject]} ·{" "}
                  {row.answer.ratedAt ? formatDayFr(row.answer.ratedAt) : ""}
                </p>
                <h2 className="font-semibold text-slate-900">« {row.question} »</h2>
                <p className="whitespace-pre-line text-slate-800">{row.answer.text}</p>
                {row.answer.ratingComment ? (
                  <p className="rounded-md bg-amber-50 px-3 py-2 text-amber-900">
                    Commentaire de l'élève : « {row.answer.ratingComment} »
                  </p>
                ) : null}
                <p className="text-sm text-slate-700">
                  Sources :{" "}
                  {row.answer.citations && row.answer.citations.length > 0
                    ? row.answer.citations.map(citationText).join(" ; ")
                    : "aucune"}
                </p>
                <Link
                  className="text-sm font-medium text-brand-800 underline"
                  to={`/aria/conversations/${row.answer.conversationId}`}
                >
                  Voir la conversation
                </Link>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
