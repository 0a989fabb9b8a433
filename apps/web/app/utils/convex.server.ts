// Server-side Convex access for loaders (SSR). Live updates use ConvexReactClient in the browser.
import { ConvexHttpClient } from "convex/browser";
import { getEnv } from "./env.server";

export function convexForRequest(token?: string): ConvexHttpClient {
  const client = new ConvexHttpClient(getEnv().CONVEX_URL);
  if (token) client.setAuth(token);
  return client;
}
