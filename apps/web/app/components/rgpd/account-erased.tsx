// What an erased person sees instead of their pages (docs/rgpd.md, « Erasure »): the shell
// subscribes to users.accountState before anything else; once the account is being or has been
// erased, AccountGate stops rendering the pages (whose queries now refuse the caller) and sends
// the browser to /compte-supprime, which ends the session. ErasedNotice is that page's text.
import { api } from "@convex/_generated/api";
import { Link } from "@remix-run/react";
import { useQuery } from "convex/react";
import { type ReactNode, useEffect } from "react";

export const ERASED_PATH = "/compte-supprime";

export function ErasedNotice({ headingLevel = 1 }: { headingLevel?: 1 | 2 }) {
  const Heading = headingLevel === 1 ? "h1" : "h2";
  return (
    <section aria-labelledby="compte-supprime-titre" className="max-w-2xl" role="alert">
      <Heading id="compte-supprime-titre" className="text-3xl font-bold text-brand-900">
        Ce compte a été supprimé.
      </Heading>
      <p className="mt-4 text-slate-700">
        Ses données ont été effacées à la demande de son titulaire : il n’est plus possible de s’y
        connecter. Pour toute question, contactez le centre.
      </p>
      <p className="mt-6">
        <Link to="/" reloadDocument className="font-semibold text-brand-800 underline">
          Revenir à l’accueil
        </Link>
      </p>
    </section>
  );
}

/** Renders `children` unless the signed-in account is being or has been erased. */
export function AccountGate({ signedIn, children }: { signedIn: boolean; children: ReactNode }) {
  const account = useQuery(
    api.users.accountState,
    signedIn && typeof window !== "undefined" ? {} : "skip",
  );
  if (account?.state !== "erased") return <>{children}</>;
  return <ErasedScreen />;
}

/** The notice on its own, then a full load of /compte-supprime (which ends the session). */
export function ErasedScreen() {
  useEffect(() => {
    // A full load: the server ends the session and the live client starts over signed out.
    if (window.location.pathname !== ERASED_PATH) window.location.assign(ERASED_PATH);
  }, []);
  return (
    <main className="mx-auto max-w-6xl px-4 py-10">
      <ErasedNotice />
    </main>
  );
}
