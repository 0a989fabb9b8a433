// Which header link is active for a path: the link of that exact page (aria-current="page"),
// or, on a sub-page, the link of its section, the longest link the path lies under
// (/admin/travaux/<id> → « Travaux », not « Tableau de bord »). Pure, for the site shell.

export type NavState = "page" | "section" | null;

function normalise(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

/** The state of each link (same order) for `pathname`; at most one link is active. */
export function navStates(pathname: string, links: readonly { to: string }[]): NavState[] {
  const path = normalise(pathname);
  const exact = links.findIndex((link) => normalise(link.to) === path);
  if (exact !== -1) return links.map((_, i) => (i === exact ? "page" : null));
  let best = -1;
  for (const [i, link] of links.entries()) {
    const to = normalise(link.to);
    const under = path.startsWith(to === "/" ? "/" : `${to}/`);
    if (under && (best === -1 || to.length > normalise(links[best]!.to).length)) best = i;
  }
  return links.map((_, i) => (i === best ? "section" : null));
}
