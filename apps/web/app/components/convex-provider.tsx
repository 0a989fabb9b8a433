// The browser's Convex client, created once, authenticated like the page:
// - dev sign-in: the token comes from POST /auth/jeton (same origin, session cookie), and the
//   client fetches a new one before it expires;
// - Clerk: ConvexProviderWithClerk inside ClerkApp, in clerk/clerk-parts.tsx (loaded lazily).
import { ConvexProviderWithAuth, ConvexReactClient } from "convex/react";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";

let client: ConvexReactClient | undefined;

export function convexClient(url: string): ConvexReactClient {
  // One client per page load; the server render gets its own that never connects
  // (useLiveQuery skips subscriptions there).
  if (typeof window === "undefined") return new ConvexReactClient(url);
  client ??= new ConvexReactClient(url);
  return client;
}

export const TOKEN_ROUTE = "/auth/jeton";

async function fetchSessionToken(): Promise<string | null> {
  const response = await fetch(TOKEN_ROUTE, {
    method: "POST",
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  if (!response.ok) return null;
  const body = (await response.json()) as { token?: string | null };
  return body.token ?? null;
}

const DevSignedIn = createContext(false);

function useDevAuth() {
  const signedIn = useContext(DevSignedIn);
  const fetchAccessToken = useCallback(
    async (_: { forceRefreshToken: boolean }) => (signedIn ? await fetchSessionToken() : null),
    [signedIn],
  );
  return useMemo(
    () => ({ isLoading: false, isAuthenticated: signedIn, fetchAccessToken }),
    [signedIn, fetchAccessToken],
  );
}

export function DevConvexProvider({
  url,
  signedIn,
  children,
}: {
  url: string;
  signedIn: boolean;
  children: ReactNode;
}) {
  const [client] = useState(() => convexClient(url));
  return (
    <DevSignedIn.Provider value={signedIn}>
      <ConvexProviderWithAuth client={client} useAuth={useDevAuth}>
        {children}
      </ConvexProviderWithAuth>
    </DevSignedIn.Provider>
  );
}
