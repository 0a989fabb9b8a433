// Only same-site paths are followed after sign-in: never another origin (`//evil`, `https:`).
const DEFAULT_REDIRECT = "/app";

export function safeRedirect(target: FormDataEntryValue | string | null | undefined): string {
  if (typeof target !== "string" || !target.startsWith("/") || target.startsWith("//")) {
    return DEFAULT_REDIRECT;
  }
  if (target.startsWith("/\\") || /[\r\n]/.test(target)) return DEFAULT_REDIRECT;
  return target;
}

/** `/connexion?redirectTo=<the page asked for>`, keeping its query string. */
export function signInUrlFor(request: Request): string {
  const url = new URL(request.url);
  const back = `${url.pathname}${url.search}`;
  return back === "/" ? "/connexion" : `/connexion?redirectTo=${encodeURIComponent(back)}`;
}
