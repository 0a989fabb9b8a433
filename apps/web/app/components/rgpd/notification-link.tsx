// « Notifications » in the header with the live unread count (notifications.unreadCount):
// first paint from the root loader, then the subscription. « 99+ » past the cap.
import { api } from "@convex/_generated/api";
import { Link } from "@remix-run/react";
import { useLiveQuery } from "~/utils/live-query";

/** The count is part of the link's name: « Notifications 3 non lues » (visible text included). */
function Bubble({ count }: { count: number }) {
  if (count === 0) return null;
  const shown = count > 99 ? "99+" : String(count);
  return (
    <>
      {" "}
      <span className="ml-1.5 inline-flex min-w-6 items-center justify-center rounded-full bg-red-700 px-1.5 text-xs font-bold text-white">
        {shown}
      </span>
      <span className="sr-only">{count > 1 ? " non lues" : " non lue"}</span>
    </>
  );
}

function LiveCount({ initial }: { initial: number }) {
  const count = useLiveQuery(api.notifications.unreadCount, {}, initial);
  return <Inner count={count} />;
}

function Inner({ count }: { count: number }) {
  return (
    <Link
      to="/notifications"
      className="inline-flex min-h-11 items-center rounded-md px-2 text-sm font-medium text-slate-800 hover:bg-slate-100"
      data-testid="notifications-link"
    >
      <svg
        aria-hidden="true"
        viewBox="0 0 20 20"
        className="size-5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
      >
        <path
          d="M10 3a4.5 4.5 0 0 0-4.5 4.5c0 4-1.5 5.5-1.5 5.5h12s-1.5-1.5-1.5-5.5A4.5 4.5 0 0 0 10 3Zm-1.7 12.5a1.8 1.8 0 0 0 3.4 0"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
      <span className="ml-1 sr-only md:not-sr-only">Notifications</span>
      <Bubble count={count} />
    </Link>
  );
}

export function NotificationLink({ initial, live }: { initial: number; live: boolean }) {
  return live ? <LiveCount initial={initial} /> : <Inner count={initial} />;
}
