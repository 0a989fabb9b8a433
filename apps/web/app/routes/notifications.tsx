// /notifications: the notification centre, live (notifications.list through useLivePages),
// newest first, unread ones marked; opening one marks it read; « Tout marquer comme lu ».
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { roles } from "@nexus/shared/domain";
import { NOTIFICATION_KINDS } from "@nexus/shared/notifications";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useMutation } from "convex/react";
import { useState } from "react";
import { Button } from "~/components/ui/button";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { toUserError } from "~/utils/errors";
import { useLivePages } from "~/utils/live-pages";

export const meta: MetaFunction = () => [{ title: "Notifications — Nexus Réussite" }];

const PAGE = 30;

export async function loader({ request }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, roles);
  const first = await convexForRequest(token).query(api.notifications.list, {
    paginationOpts: { numItems: PAGE, cursor: null },
  });
  return { first };
}

const when = new Intl.DateTimeFormat("fr-FR", {
  dateStyle: "long",
  timeStyle: "short",
  timeZone: "Europe/Paris",
});

export default function Notifications() {
  const { first } = useLoaderData<typeof loader>();
  const list = useLivePages(api.notifications.list, {}, first, PAGE);
  const markRead = useMutation(api.notifications.markRead);
  const markAll = useMutation(api.notifications.markAllRead);
  const [message, setMessage] = useState<string | null>(null);
  const unread = list.results.filter((n) => n.readAt === undefined).length;

  async function allRead() {
    try {
      await markAll({});
      setMessage("Toutes les notifications sont marquées comme lues.");
    } catch (error) {
      setMessage(toUserError(error).message);
    }
  }

  return (
    <section aria-labelledby="page-titre">
      <h1 id="page-titre" className="text-3xl font-bold text-brand-900">
        Notifications
      </h1>
      <div className="mt-3 flex flex-wrap items-center gap-4">
        <p className="text-slate-700" aria-live="polite">
          {unread === 0
            ? "Aucune notification non lue."
            : `${unread} notification${unread > 1 ? "s" : ""} non lue${unread > 1 ? "s" : ""}.`}
        </p>
        {unread > 0 ? (
          <Button variant="secondary" size="sm" onClick={allRead}>
            Tout marquer comme lu
          </Button>
        ) : null}
      </div>
      {message ? (
        <p role="status" className="mt-2 text-sm text-slate-700">
          {message}
        </p>
      ) : null}
      {list.results.length === 0 ? (
        <p className="mt-8 rounded-lg border border-slate-200 bg-white p-5 text-slate-700">
          Vous n’avez encore reçu aucune notification. Elles apparaîtront ici dès qu’un bilan, un
          rapport ou un export vous concernera.
        </p>
      ) : (
        <ul className="mt-6 space-y-3" aria-label="Vos notifications">
          {list.results.map((n) => {
            const isUnread = n.readAt === undefined;
            const open = () => {
              if (isUnread) void markRead({ notificationId: n._id as Id<"notifications"> });
            };
            return (
              <li
                key={n._id}
                className={
                  isUnread
                    ? "rounded-lg border-l-4 border-brand-700 bg-white p-4 shadow-sm"
                    : "rounded-lg border border-slate-200 bg-white p-4"
                }
              >
                <p className="text-xs font-semibold uppercase tracking-wide text-slate-600">
                  {NOTIFICATION_KINDS[n.kind].label}
                  {isUnread ? <span className="ml-2 text-brand-800">· Non lue</span> : null}
                </p>
                <h2 className="mt-1 text-base font-semibold text-slate-900">
                  {n.link ? (
                    <Link to={n.link} onClick={open} className="underline-offset-4 hover:underline">
                      {n.title}
                    </Link>
                  ) : (
                    n.title
                  )}
                </h2>
                {n.body ? <p className="mt-1 text-slate-700">{n.body}</p> : null}
                <div className="mt-2 flex flex-wrap items-center gap-3 text-sm text-slate-600">
                  <span>{when.format(new Date(n.createdAt))}</span>
                  {isUnread ? (
                    <Button variant="ghost" size="sm" onClick={open}>
                      Marquer comme lue
                      <span className="sr-only"> : {n.title}</span>
                    </Button>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {list.canLoadMore ? (
        <Button
          variant="secondary"
          className="mt-6"
          onClick={list.loadMore}
          disabled={list.loadingMore}
        >
          Afficher les notifications plus anciennes
        </Button>
      ) : null}
    </section>
  );
}
