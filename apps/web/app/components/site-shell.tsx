// The product layout every page shares: skip link, header with the role's navigation, the
// signed-in person and « Se déconnecter », the main landmark and a footer.
import { api } from "@convex/_generated/api";
import type { Role } from "@nexus/shared/domain";
import { Form, Link, useLocation } from "@remix-run/react";
import { useQuery } from "convex/react";
import type { ReactNode } from "react";
import { ClerkSignOutButton } from "~/components/clerk/clerk-lazy";
import { NoticeBanner } from "~/components/rgpd/notice-banner";
import { NotificationLink } from "~/components/rgpd/notification-link";
import { cn } from "~/utils/cn";
import { navStates } from "~/utils/nav-active";
import { type NavLink, navigationFor, roleLabels } from "~/utils/roles";
import { Button } from "./ui/button";

export interface ShellUser {
  name: string;
  role: Role | null;
}

export interface ShellProps {
  user: ShellUser | null;
  authMode: "clerk" | "dev";
  /** Count of bilans waiting for the coach, from the root loader (first paint). */
  reviewCount?: number | null;
  /** Unread notifications (first paint; live afterwards); null: signed out or no role. */
  unreadCount?: number | null;
  /** The information notice is still to be acknowledged (shown above the page). */
  showNotice?: boolean;
  /** Live parts (subscriptions) only under a Convex provider; false in the error boundary. */
  live: boolean;
  children: ReactNode;
}

function LiveReviewCount({ initial }: { initial: number }) {
  const queue = useQuery(api.review.queue, typeof window === "undefined" ? "skip" : {});
  const count = queue?.length ?? initial;
  return <CountBubble count={count} />;
}

function CountBubble({ count }: { count: number }) {
  return (
    <span className="ml-1.5 inline-flex min-w-6 items-center justify-center rounded-full bg-brand-700 px-1.5 text-xs font-bold text-white">
      {count}
      <span className="sr-only">{count > 1 ? " bilans à relire" : " bilan à relire"}</span>
    </span>
  );
}

function SignOut({ authMode }: { authMode: "clerk" | "dev" }) {
  if (authMode === "clerk") return <ClerkSignOutButton />;
  return (
    <Form method="post" action="/deconnexion">
      <Button type="submit" variant="secondary" size="sm">
        Se déconnecter
      </Button>
    </Form>
  );
}

/** Past a few links (staff), small screens get the list behind a « Menu » disclosure. */
const COLLAPSE_AFTER = 3;

function Navigation({
  links,
  reviewCount,
  live,
}: {
  links: NavLink[];
  reviewCount?: number | null;
  live: boolean;
}) {
  // The exact page is aria-current="page"; on a sub-page its section's link is marked too
  // (aria-current="true"), e.g. « Travaux » on /admin/travaux/<id>.
  const { pathname } = useLocation();
  const states = navStates(pathname, links);
  const list = (
    <ul className="flex flex-wrap gap-1">
      {links.map((link, index) => {
        const state = states[index];
        return (
          <li key={link.to}>
            <Link
              to={link.to}
              aria-current={state === "page" ? "page" : state === "section" ? "true" : undefined}
              className={cn(
                "inline-flex min-h-11 items-center rounded-md px-3 font-medium",
                state
                  ? "bg-brand-50 text-brand-900 underline underline-offset-4"
                  : "text-slate-700 hover:bg-slate-100",
              )}
            >
              {link.label}
              {link.count === "reviewQueue" && typeof reviewCount === "number" ? (
                live ? (
                  <LiveReviewCount initial={reviewCount} />
                ) : (
                  <CountBubble count={reviewCount} />
                )
              ) : null}
            </Link>
          </li>
        );
      })}
    </ul>
  );
  if (links.length <= COLLAPSE_AFTER) {
    return (
      <nav aria-label="Navigation principale" className="order-3 w-full sm:order-none sm:w-auto">
        {list}
      </nav>
    );
  }
  const current = links[states.findIndex((state) => state)];
  // Only one of the two is displayed at a time (display: none hides the other from readers).
  return (
    <>
      {/* Keyed by the path: a client-side navigation closes the menu. */}
      <details key={pathname} className="order-3 w-full sm:hidden">
        <summary className="inline-flex min-h-11 cursor-pointer items-center gap-2 rounded-md border border-slate-300 px-3 font-medium text-slate-800">
          <span aria-hidden="true" className="text-slate-500">
            ☰
          </span>
          Menu
          {current ? <span className="text-slate-600">· {current.label}</span> : null}
        </summary>
        <nav aria-label="Navigation principale" className="mt-2">
          {list}
        </nav>
      </details>
      <nav aria-label="Navigation principale" className="hidden sm:block">
        {list}
      </nav>
    </>
  );
}

export function SiteShell({
  user,
  authMode,
  reviewCount,
  unreadCount,
  showNotice,
  live,
  children,
}: ShellProps) {
  const links = navigationFor(user?.role ?? undefined);
  return (
    <div className="flex min-h-screen flex-col">
      <a
        href="#contenu"
        className="sr-only focus:not-sr-only focus:fixed focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-4 focus:py-2 focus:text-brand-900 focus:shadow"
      >
        Aller au contenu
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Link to={user ? "/app" : "/"} className="text-lg font-bold text-brand-900">
            Nexus Réussite
          </Link>
          {links.length > 0 ? (
            <Navigation links={links} reviewCount={reviewCount} live={live} />
          ) : null}
          <div className="ml-auto flex items-center gap-3">
            {user ? (
              <>
                {typeof unreadCount === "number" ? (
                  <NotificationLink initial={unreadCount} live={live} />
                ) : null}
                {user.role ? (
                  <Link
                    to="/mes-donnees"
                    className="hidden min-h-11 items-center rounded-md px-2 text-sm font-medium text-slate-800 hover:bg-slate-100 sm:inline-flex"
                  >
                    Mes données
                  </Link>
                ) : null}
                <p className="text-sm text-slate-700">
                  <span className="font-semibold text-slate-900">{user.name}</span>
                  {user.role ? (
                    <span className="hidden sm:inline"> · {roleLabels[user.role]}</span>
                  ) : null}
                </p>
                <SignOut authMode={authMode} />
              </>
            ) : (
              <Button asChild size="sm">
                <Link to="/connexion">Se connecter</Link>
              </Button>
            )}
          </div>
        </div>
      </header>
      <main
        id="contenu"
        tabIndex={-1}
        className="mx-auto w-full max-w-6xl flex-1 px-4 py-8 outline-none"
      >
        {showNotice ? <NoticeBanner /> : null}
        {children}
      </main>
      <footer className="border-t border-slate-200 bg-white">
        <p className="mx-auto max-w-6xl px-4 py-4 text-sm text-slate-600">
          Nexus Réussite — bilans pédagogiques et accompagnement des lycéens.{" "}
          <Link to="/confidentialite" className="underline">
            Données personnelles
          </Link>
          {user?.role ? (
            <>
              {" · "}
              <Link to="/mes-donnees" className="underline">
                Mes données
              </Link>
            </>
          ) : null}
        </p>
      </footer>
    </div>
  );
}
