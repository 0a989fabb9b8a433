import { rootAuthLoader } from "@clerk/remix/ssr.server";
import { api } from "@convex/_generated/api";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { ConvexError } from "convex/values";
import type { ReactNode } from "react";
import { ClerkRoot } from "~/components/clerk/clerk-lazy";
import { DevConvexProvider } from "~/components/convex-provider";
import { ErrorPage } from "~/components/error-page";
import { AccountGate, ErasedScreen } from "~/components/rgpd/account-erased";
import { SiteShell } from "~/components/site-shell";
import { getOptionalUser } from "~/utils/auth.server";
import { clerkOptions } from "~/utils/clerk.server";
import { convexForRequest } from "~/utils/convex.server";
import { authMode, getEnv, publicEnv } from "~/utils/env.server";
import { messageForStatus } from "~/utils/errors";
import styles from "./tailwind.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [
  { title: "Nexus Réussite — Bilans pédagogiques" },
  { name: "description", content: "Bilans pédagogiques et accompagnement des lycéens." },
];

async function rootData(request: Request) {
  const env = getEnv();
  let current: Awaited<ReturnType<typeof getOptionalUser>> = null;
  try {
    current = await getOptionalUser(request);
  } catch (error) {
    // An erased account (a redirect to /compte-supprime): the layout renders signed out.
    // Convex unreachable: public pages still render; guarded pages report the error.
    if (!(error instanceof Response)) {
      console.error("[web] root loader could not read the signed-in person:", error);
    }
  }
  let reviewCount: number | null = null;
  if (current?.user.role === "coach") {
    reviewCount = (await convexForRequest(current.token).query(api.review.queue, {})).length;
  }
  // Notifications and the information notice: people with a role (the waiting page has neither).
  let unreadCount: number | null = null;
  let showNotice = false;
  if (current?.user.role) {
    const convex = convexForRequest(current.token);
    const [count, notice] = await Promise.all([
      convex.query(api.notifications.unreadCount, {}),
      convex.query(api.consents.noticeStatus, {}),
    ]);
    unreadCount = count;
    showNotice = !notice.acknowledged;
  }
  return {
    env: publicEnv(env),
    user: current ? { name: current.user.name, role: current.user.role ?? null } : null,
    reviewCount,
    unreadCount,
    showNotice,
  };
}

export type RootData = Awaited<ReturnType<typeof rootData>>;

export async function loader(args: LoaderFunctionArgs) {
  const env = getEnv();
  if (authMode(env) === "clerk") {
    return rootAuthLoader(args, ({ request }) => rootData(request), clerkOptions(env));
  }
  return rootData(args.request);
}

export function Layout({ children }: { children: ReactNode }) {
  return (
    <html lang="fr">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

function Shell({ live }: { live: boolean }) {
  const data = useLoaderData<RootData>();
  return (
    <SiteShell
      user={data.user}
      authMode={data.env.AUTH_MODE}
      reviewCount={data.reviewCount}
      unreadCount={data.unreadCount}
      showNotice={data.showNotice}
      live={live}
    >
      <Outlet />
    </SiteShell>
  );
}

function LiveShell() {
  const data = useLoaderData<RootData>();
  return (
    <AccountGate signedIn={data.user !== null}>
      <Shell live />
    </AccountGate>
  );
}

export default function App() {
  const data = useLoaderData<RootData>();
  if (data.env.AUTH_MODE === "clerk") return <ClerkRoot content={LiveShell} />;
  return (
    <DevConvexProvider url={data.env.CONVEX_URL} signedIn={data.user !== null}>
      <LiveShell />
    </DevConvexProvider>
  );
}

function errorCodeOf(error: unknown): string | undefined {
  if (!(error instanceof ConvexError)) return undefined;
  const data = error.data as { code?: unknown } | undefined;
  return typeof data?.code === "string" ? data.code : undefined;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<RootData>("root");
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const { title, text } = messageForStatus(status);
  // A query refused an erased account before the gate switched: the same French message.
  if (errorCodeOf(error) === "ACCOUNT_ERASED") return <ErasedScreen />;
  if (!isRouteErrorResponse(error)) console.error(error);
  return (
    <SiteShell
      user={data?.user ?? null}
      authMode={data?.env.AUTH_MODE ?? "dev"}
      reviewCount={data?.reviewCount ?? null}
      unreadCount={data?.unreadCount ?? null}
      live={false}
    >
      <ErrorPage title={title} text={text} status={status} retry={status !== 404} />
    </SiteShell>
  );
}
