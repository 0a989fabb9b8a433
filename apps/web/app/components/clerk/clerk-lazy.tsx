// Lazy doors to clerk-parts.tsx: the module (and Clerk's SDK) is only fetched when the app runs
// in Clerk mode; in dev sign-in mode these components are never rendered.
import { type ComponentType, lazy, Suspense } from "react";

const parts = () => import("./clerk-parts");
const LazyRoot = lazy(async () => ({ default: (await parts()).ClerkRoot }));
const LazySignOut = lazy(async () => ({ default: (await parts()).ClerkSignOutButton }));
const LazySignIn = lazy(async () => ({ default: (await parts()).ClerkSignIn }));

export function ClerkRoot({ content }: { content: ComponentType }) {
  return (
    <Suspense fallback={null}>
      <LazyRoot content={content} />
    </Suspense>
  );
}

export function ClerkSignOutButton() {
  return (
    <Suspense fallback={null}>
      <LazySignOut />
    </Suspense>
  );
}

export function ClerkSignIn({ redirectTo }: { redirectTo: string }) {
  return (
    <Suspense fallback={<p>Chargement de la connexion…</p>}>
      <LazySignIn redirectTo={redirectTo} />
    </Suspense>
  );
}
