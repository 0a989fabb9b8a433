// /coach — the review queue (« Bilans à relire »): live, a bilan the worker finishes appears
// without reload. Students' names come from students.listMine (the queue carries their ids).
import { api } from "@convex/_generated/api";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { QueueList } from "~/components/review/queue-list";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { useLiveQuery } from "~/utils/live-query";

export const meta: MetaFunction = () => [{ title: "Bilans à relire — Nexus Réussite" }];

const STUDENT_PAGE = { numItems: 100, cursor: null };

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, token } = await requireRole(request, ["coach", "admin", "assistante"]);
  const convex = convexForRequest(token);
  const [queue, students] = await Promise.all([
    convex.query(api.review.queue, {}),
    convex.query(api.students.listMine, { paginationOpts: STUDENT_PAGE }),
  ]);
  return { name: user.name, queue, students, now: Date.now() };
}

export default function CoachHome() {
  const data = useLoaderData<typeof loader>();
  const queue = useLiveQuery(api.review.queue, {}, data.queue);
  const students = useLiveQuery(
    api.students.listMine,
    { paginationOpts: STUDENT_PAGE },
    data.students,
  );
  return (
    <section aria-labelledby="page-titre">
      <h1 id="page-titre" className="text-2xl font-bold text-brand-900 sm:text-3xl">
        Bilans à relire
      </h1>
      <p className="mt-2 text-slate-700">
        Bonjour {data.name}.{" "}
        <span aria-live="polite" data-testid="nombre-a-relire">
          {queue.length === 0
            ? "Aucun bilan n'attend votre relecture."
            : queue.length === 1
              ? "Un bilan attend votre relecture."
              : `${queue.length} bilans attendent votre relecture.`}
        </span>
      </p>
      <QueueList queue={queue} students={students.page} />
    </section>
  );
}
