import { describe, expect, it } from "vitest";
import { navStates } from "./nav-active";
import { navigationFor } from "./roles";

const staff = navigationFor("assistante");
const labelOf = (pathname: string, links = staff) => {
  const states = navStates(pathname, links);
  const i = states.findIndex((s) => s !== null);
  return i === -1 ? null : [links[i]!.label, states[i]];
};

describe("navStates", () => {
  it("marks the exact page, trailing slash or not", () => {
    expect(labelOf("/admin/travaux")).toEqual(["Travaux", "page"]);
    expect(labelOf("/admin/travaux/")).toEqual(["Travaux", "page"]);
    expect(labelOf("/admin")).toEqual(["Tableau de bord", "page"]);
  });

  it("marks the section of a sub-page by its longest link, never the console's home", () => {
    expect(labelOf("/admin/travaux/j57abc")).toEqual(["Travaux", "section"]);
    expect(labelOf("/admin/emails/k12")).toEqual(["E-mails", "section"]);
    expect(labelOf("/admin/familles/eleves/s1")).toEqual(["Familles", "section"]);
    // A console page without a link of its own falls under the console.
    expect(labelOf("/admin/autre")).toEqual(["Tableau de bord", "section"]);
  });

  it("never matches a mere prefix of a segment, and keeps at most one link active", () => {
    expect(labelOf("/admin/travauxx")).toEqual(["Tableau de bord", "section"]);
    expect(labelOf("/coach/eleves/1", navigationFor("coach"))).toEqual(["Mes élèves", "section"]);
    expect(labelOf("/coach/bilans/1", navigationFor("coach"))).toEqual(["À relire", "section"]);
    expect(labelOf("/parent", navigationFor("eleve"))).toBeNull();
    for (const path of ["/admin", "/admin/travaux/x", "/admin/journal"]) {
      expect(navStates(path, staff).filter(Boolean)).toHaveLength(1);
    }
  });
});
