// Issue 17 on the pages: progress between two bilans, the parent's greeting, the report's plan
// settings. Camille Durand has two maths bilans in the demo data: one taken 18 days before the
// seed, approved and sent (46 % overall), and the one in review (69 %). Julien Moreau (her
// coach) and Isabelle Durand (her mother) both read, on the bilan in review, the table « Avant /
// Maintenant / Évolution » dated from the earlier bilan. Isabelle then changes how the centre's
// e-mails greet her in « Mes préférences » (first name, neutral, back to « Madame Durand »); the
// e-mail page of the staff (its re-render of the e-mail she received) follows each choice.
// Nadia Benali sets Théo Lambert's holiday zone and weekly availability on his élève page, sees
// them on his card and after a reload, then puts them back as seeded. Axe on every state.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import type { Locator, Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./a11y";
import { convexAs } from "./convex-as";
import { expect, test } from "./fixtures";
import { captureScreenshots } from "./screenshots";
import { signIn } from "./sign-in";

const MATHS = "Mathématiques";
/** The subject of the e-mail Isabelle received for Camille's first maths bilan. */
const MATHS_EMAIL = `Bilan de ${MATHS} de Camille Durand`;

/** « 13 novembre 2026 », « 1er décembre 2026 »: how the pages write a day (Paris time). */
function dayFr(ms: number): string {
  return new Intl.DateTimeFormat("fr-FR", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "Europe/Paris",
  })
    .formatToParts(new Date(ms))
    .map((part) => (part.type === "day" && part.value === "1" ? "1er" : part.value))
    .join("");
}

/**
 * The progress block of a results page: the heading dated from the previous bilan, the
 * sentence, and the table, checked against the seeded scores of Camille's two maths bilans
 * (convex/model/seed.ts: 46 % then 69 %; « Intégration » 43 → 100 %, « Limites et continuité »
 * 25 → 13 %, « Dérivation et convexité » unchanged at 57 %).
 */
async function expectCamilleMathsProgress(page: Page, tableName: string | RegExp) {
  const bilanId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
  const previous = await (await convexAs(page)).query(api.bilans.previousResults, {
    bilanId: bilanId as Id<"bilans">,
  });
  expect(previous, "Camille's earlier approved maths bilan").not.toBeNull();

  const progress = page.getByTestId("progres");
  await expect(progress.getByRole("heading")).toHaveText(
    `Progrès depuis le bilan du ${dayFr(previous!.date)}`,
  );
  await expect(progress).toContainText(
    "la réussite globale passe de 46\u00a0% à 69\u00a0% (+23\u00a0points)",
  );
  const table = progress.getByRole("table", { name: tableName });
  await expect(table.getByRole("columnheader")).toHaveText([
    "Domaine",
    "Avant",
    "Maintenant",
    "Évolution",
  ]);
  const row = (name: string) => table.getByRole("row").filter({ hasText: name });
  await expect(row("Intégration").getByRole("cell")).toHaveText([
    "43\u00a0%",
    "100\u00a0%",
    /\+57\u00a0points/,
  ]);
  // Each change is said in words to a screen reader, the arrow and sign being visual only.
  await expect(row("Intégration").getByText("en hausse de 57\u00a0points")).toHaveClass(/sr-only/);
  await expect(row("Limites et continuité").getByRole("cell").nth(2)).toContainText(
    "\u221212\u00a0points",
  );
  await expect(
    row("Limites et continuité").getByText("en baisse de 12\u00a0points"),
  ).toBeAttached();
  await expect(row("Dérivation et convexité").getByRole("cell").nth(2)).toContainText("stable");
  await expect(row("Ensemble du questionnaire").getByRole("cell")).toHaveText([
    "46\u00a0%",
    "69\u00a0%",
    /\+23\u00a0points/,
  ]);
  return progress;
}

/** The value shown next to `term` on the élève's card (a <dt>/<dd> pair). */
function cardValue(page: Page, term: string): Locator {
  return page
    .locator("dl > div")
    .filter({ has: page.locator("dt", { hasText: term }) })
    .locator("dd");
}

/** Isabelle's e-mail for Camille's first maths bilan, as the staff's e-mail page re-renders it. */
async function emailPreview(staff: Page, url: string): Promise<Locator> {
  await staff.goto(url);
  await expect(staff.getByRole("heading", { level: 1, name: MATHS_EMAIL })).toBeVisible();
  return staff.getByTestId("apercu-email");
}

test("le coach et le parent voient les progrès de Camille en maths ; le parent choisit comment les e-mails le saluent", async ({
  page,
  openAs,
}) => {
  test.setTimeout(180_000);

  // The coach's review of the bilan in review.
  await signIn(page, "Julien Moreau");
  await page.goto("/coach");
  const row = page.getByTestId("bilan-a-relire").filter({ hasText: `Camille Durand — ${MATHS}` });
  await row.getByRole("link").click();
  await expect(page).toHaveURL(/\/coach\/bilans\/[^/]+$/);
  await expect(
    page.getByRole("heading", { level: 1, name: `Camille Durand — ${MATHS}` }),
  ).toBeVisible();
  const coachProgress = await expectCamilleMathsProgress(
    page,
    "Score par domaine au bilan précédent et dans celui-ci",
  );
  // The chart marks the previous scores (lazy, drawn in the browser).
  await expect(page.locator("[data-chart-bar]").first()).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "coach-bilan-progres", { show: coachProgress });

  // Her mother's page of the same bilan, from her home.
  const parent = await openAs("Isabelle Durand");
  await parent.goto("/parent");
  const camille = parent.getByRole("region", { name: "Camille Durand" });
  // Two maths bilans on the card: the sent one (« envoyé le », once the worker has e-mailed
  // it) and the one in review (« terminé le »).
  const mathsLinks = camille.getByRole("link", { name: new RegExp(`Bilan de ${MATHS}`) });
  await expect(mathsLinks).toHaveCount(2);
  await expect(mathsLinks.filter({ hasText: "envoyé le" })).toHaveCount(1, { timeout: 60_000 });
  await mathsLinks.filter({ hasText: "terminé le" }).click();
  await expect(parent.getByRole("heading", { level: 1 })).toHaveText(
    `Bilan de ${MATHS} de Camille`,
  );
  const parentProgress = await expectCamilleMathsProgress(
    parent,
    `Progrès de Camille par domaine en ${MATHS}, depuis le bilan précédent`,
  );
  await expectNoSeriousA11yViolations(parent);
  await captureScreenshots(parent, "parent-bilan-progres", { show: parentProgress });

  // The e-mail Isabelle received for the first maths bilan, as the staff sees it re-rendered:
  // it greets her as seeded, « Madame Durand ».
  const staff = await openAs("Nadia Benali");
  await staff.goto("/admin/emails");
  const received = staff
    .getByTestId("email")
    .filter({ hasText: MATHS_EMAIL })
    .filter({ hasText: "isabelle.durand@" })
    .filter({ hasText: "Envoyé" });
  await expect(received).toHaveCount(1, { timeout: 60_000 });
  await received.getByRole("link", { name: /^Voir l'e-mail/ }).click();
  await expect(staff).toHaveURL(/\/admin\/emails\/[^/]+$/);
  const emailUrl = staff.url();
  await expect(await emailPreview(staff, emailUrl)).toHaveAttribute(
    "srcdoc",
    /Bonjour Madame Durand,/,
  );

  // « Mes préférences » on her home.
  await parent.goto("/parent");
  const preferences = parent.getByRole("region", { name: "Mes préférences" });
  await expect(preferences).toContainText("« Bonjour Madame Durand, »");
  const save = preferences.getByRole("button", { name: "Enregistrer mes préférences" });
  const saved = preferences.getByRole("status");

  // First name: left empty, refused in French before any call; then « Isabelle ».
  await preferences.getByRole("radio", { name: /^Prénom/ }).check();
  const firstName = preferences.getByLabel("Prénom", { exact: true });
  await firstName.fill("");
  await save.click();
  await expect(preferences.getByRole("alert")).toHaveText("Indiquez votre prénom pour « Prénom ».");
  await expectNoSeriousA11yViolations(parent);
  await firstName.fill("Isabelle");
  await save.click();
  await expect(saved).toHaveText(
    "Préférence enregistrée : vos prochains e-mails commenceront par « Bonjour Isabelle, ».",
  );
  await expect(preferences.getByRole("alert")).toHaveCount(0);
  await expect(preferences).toContainText("actuellement par : « Bonjour Isabelle, »");
  await expectNoSeriousA11yViolations(parent);
  await captureScreenshots(parent, "parent-preferences", { show: preferences });
  // Kept: the page read again shows the choice.
  await parent.reload();
  await expect(preferences.getByRole("radio", { name: /^Prénom/ })).toBeChecked();
  await expect(preferences).toContainText("« Bonjour Isabelle, »");
  await expect(await emailPreview(staff, emailUrl)).toHaveAttribute("srcdoc", /Bonjour Isabelle,/);

  // Neutral.
  await preferences.getByRole("radio", { name: /^Neutre/ }).check();
  await save.click();
  await expect(saved).toHaveText(
    "Préférence enregistrée : vos prochains e-mails commenceront par « Bonjour, ».",
  );
  const neutral = await emailPreview(staff, emailUrl);
  await expect(neutral).toHaveAttribute("srcdoc", /Bonjour,/);
  await expect(neutral).not.toHaveAttribute("srcdoc", /Bonjour (Isabelle|Madame)/);
  // The e-mail's frame is sandboxed without scripts on purpose: axe cannot run inside it.
  await expectNoSeriousA11yViolations(staff, { exclude: ['[data-testid="apercu-email"]'] });

  // Back to civility and name, as seeded, for the other scenarios.
  await preferences.getByRole("radio", { name: /^Civilité et nom/ }).check();
  await preferences.getByLabel("Civilité", { exact: true }).selectOption("Madame");
  await preferences.getByLabel("Nom", { exact: true }).fill("Durand");
  await save.click();
  await expect(saved).toHaveText(
    "Préférence enregistrée : vos prochains e-mails commenceront par « Bonjour Madame Durand, ».",
  );
  await expect(await emailPreview(staff, emailUrl)).toHaveAttribute(
    "srcdoc",
    /Bonjour Madame Durand,/,
  );
});

test("l'assistante règle la zone de vacances et la disponibilité d'un élève pour son plan de travail", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, "Nadia Benali");
  await page.goto("/admin/familles?q=Lambert");
  await page.getByRole("link", { name: "Théo Lambert" }).click();
  await expect(page).toHaveURL(/\/admin\/familles\/eleves\/[^/]+$/);
  await expect(page.getByRole("heading", { level: 1, name: "Théo Lambert" })).toBeVisible();
  // As seeded: zone A (Bordeaux), no availability stated.
  await expect(cardValue(page, "Zone de vacances")).toHaveText("Zone A");
  await expect(cardValue(page, "Disponibilité")).toHaveText("Non indiquée");

  const plan = page.getByRole("region", { name: "Plan de travail du rapport" });
  const zone = plan.getByLabel("Zone de vacances scolaires");
  const hours = plan.getByLabel(/Disponibilité par semaine/);
  const save = plan.getByRole("button", { name: "Enregistrer le plan" });
  await expect(zone).toHaveValue("A");
  await expect(hours).toHaveValue("");

  // Out of bounds: refused in French, nothing saved.
  await zone.selectOption("B");
  await hours.fill("50");
  await save.click();
  await expect(plan.getByRole("alert")).toHaveText(
    "La disponibilité hebdomadaire s'indique en heures ou demi-heures, de 0,5 à 40 h.",
  );
  await expect(hours).toHaveAttribute("aria-invalid", "true");
  await expect(cardValue(page, "Zone de vacances")).toHaveText("Zone A");
  await expectNoSeriousA11yViolations(page);

  // Half hours with a French comma.
  await hours.fill("3,5");
  await save.click();
  await expect(plan.getByRole("status")).toHaveText("Réglages du plan de travail enregistrés.");
  await expect(plan.getByRole("alert")).toHaveCount(0);
  await expect(cardValue(page, "Zone de vacances")).toHaveText("Zone B");
  await expect(cardValue(page, "Disponibilité")).toHaveText("3,5\u00a0h par semaine");
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "admin-eleve-plan-travail", {
    show: page.getByRole("region", { name: "Fiche de l'élève" }),
  });

  // Stored: the page read again shows them, in the card and in the form.
  await page.reload();
  await expect(cardValue(page, "Zone de vacances")).toHaveText("Zone B");
  await expect(cardValue(page, "Disponibilité")).toHaveText("3,5\u00a0h par semaine");
  await expect(zone).toHaveValue("B");
  await expect(hours).toHaveValue("3,5");

  // Back as seeded: zone A, availability cleared.
  await zone.selectOption("A");
  await hours.fill("");
  await save.click();
  await expect(plan.getByRole("status")).toHaveText("Réglages du plan de travail enregistrés.");
  await expect(cardValue(page, "Zone de vacances")).toHaveText("Zone A");
  await expect(cardValue(page, "Disponibilité")).toHaveText("Non indiquée");
});
