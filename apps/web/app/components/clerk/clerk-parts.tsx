// Everything of Clerk that runs in the browser, in one module loaded only in Clerk mode
// (React.lazy in clerk-lazy.tsx): offline and dev sign-in pages never download Clerk's
// ~60 KB (gzipped) of JavaScript.
import { ClerkApp, SignIn, useAuth, useClerk } from "@clerk/remix";
import { useLoaderData } from "@remix-run/react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
import { type ComponentType, createContext, type ReactNode, useContext, useState } from "react";
import { Button } from "~/components/ui/button";
import { convexClient } from "../convex-provider";

interface ClerkRootData {
  env: { CONVEX_URL: string };
}

function ConvexWithClerk({ url, children }: { url: string; children: ReactNode }) {
  const [client] = useState(() => convexClient(url));
  return (
    <ConvexProviderWithClerk client={client} useAuth={useAuth}>
      {children}
    </ConvexProviderWithClerk>
  );
}

const Content = createContext<ComponentType>(() => null);

const ClerkAppRoot = ClerkApp(function ClerkInner() {
  const data = useLoaderData<ClerkRootData>();
  const Inner = useContext(Content);
  return (
    <ConvexWithClerk url={data.env.CONVEX_URL}>
      <Inner />
    </ConvexWithClerk>
  );
});

/** The root's tree under ClerkApp (which reads rootAuthLoader's data) and Convex with Clerk's token. */
export function ClerkRoot({ content }: { content: ComponentType }) {
  return (
    <Content.Provider value={content}>
      <ClerkAppRoot />
    </Content.Provider>
  );
}

export function ClerkSignOutButton() {
  const clerk = useClerk();
  return (
    <Button variant="secondary" size="sm" onClick={() => void clerk.signOut({ redirectUrl: "/" })}>
      Se déconnecter
    </Button>
  );
}

export function ClerkSignIn({ redirectTo }: { redirectTo: string }) {
  return (
    <SignIn routing="hash" forceRedirectUrl={redirectTo} signUpForceRedirectUrl={redirectTo} />
  );
}
