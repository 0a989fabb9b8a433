// The analytics page (/admin/statistiques): Nadia Benali, assistante, finds the seeded figures
// once the worker has done the seed's work (Camille's NSI and first maths bilans, submitted 21
// and 18 days ago, sent: the only two bilans in the « Plus de 3 jours » delay bucket, whatever
// other scenarios sent in minutes; the demo generations by the local writer at no cost; the starter documents
// indexed), sees a diagnostic job she enqueues counted live without reload, switches a chart
// to its table, and changes the period. Axe on each state; screenshots.
import { api } from "@convex/_generated/api";
import type { Locator, Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./a11y";
import { convexAs } from "./convex-as";
import { expect, test } from "./fixtures";
import { captureScreenshots } from "./screenshots";
import { signIn } from "./sign-in";

/** The number in a table cell, written fr-FR (narrow no-break spaces between thousands). */
async function numberIn(cell: Locator): Promise<number> {
  const text = (await cell.textContent()) ?? "";
  return Number(text.replace(/[\s\u00a0\u202f]/g, ""));
}

/** The table's row named `name` (its row header), and its data cells. */
function row(page: Page, table: string, name: string | RegExp) {
  return page.getByTestId(table).getByRole("row", { name });
}

/** Sum of one column over every body row of a table. */
async function columnSum(page: Page, table: string, column: number): Promise<number> {
  const cells = page.getByTestId(table).locator("tbody tr").locator(`td:nth-of-type(${column})`);
  let sum = 0;
  for (const cell of await cells.all()) sum += await numberIn(cell);
  return sum;
}

test("l'assistante lit les statistiques du centre, qui bougent en direct", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, "Nadia Benali");

  await page.goto("/admin");
  // The home's card (the header has a « Statistiques » link too, marked as the page once there).
  await page.getByRole("main").getByRole("link", { name: "Statistiques" }).click();
  await expect(page).toHaveURL(/\/admin\/statistiques$/);
  await expect(
    page.getByRole("navigation").getByRole("link", { name: "Statistiques" }),
  ).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("heading", { level: 1, name: "Statistiques" })).toBeVisible();
  await expect(page.getByLabel("Période", { exact: true })).toHaveValue("12");

  // The two seeded sent bilans (submitted 21 and 18 days ago) land in « Plus de 3 jours » once
  // the worker has built their PDFs and e-mailed the family: live, the page is not reloaded.
  const overThreeDays = row(page, "table-delai", /Plus de 3 jours/).getByRole("cell");
  await expect(overThreeDays).toHaveText("2", { timeout: 90_000 });
  expect(await numberIn(page.getByTestId("kpi-envoyes"))).toBeGreaterThanOrEqual(2);
  // Camille's NSI bilan: created, submitted, validated and sent.
  const nsi = row(page, "table-bilans-matieres", "Numérique et sciences informatiques");
  const nsiCells = nsi.getByRole("cell");
  for (const column of [0, 1, 2, 3]) {
    expect(await numberIn(nsiCells.nth(column))).toBeGreaterThanOrEqual(1);
  }
  // The demo generations: the local writer, at no cost.
  const local = row(page, "table-llm", /Rédacteur local/);
  await expect(local).toBeVisible();
  expect(await numberIn(local.getByRole("cell").nth(0))).toBeGreaterThanOrEqual(2);
  await expect(local.getByRole("cell").nth(3)).toHaveText("0,00\u00a0€");
  // The 21 starter documents, indexed by the worker.
  await expect
    .poll(() => columnSum(page, "table-documents", 1), { timeout: 120_000 })
    .toBeGreaterThanOrEqual(21);
  // Generations of bilans counted as finished jobs.
  const generations = row(page, "table-travaux", /Génération d'un bilan/).getByRole("cell");
  expect(await numberIn(generations.nth(0))).toBeGreaterThanOrEqual(2);
  // The charts are drawn (lazily, in the browser).
  await expect(page.getByTestId("carte-bilans").locator("svg")).toBeVisible();
  await expect(page.getByTestId("carte-delai").locator("svg")).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "admin-statistiques");

  // A diagnostic job enqueued as Nadia is counted live among « Terminées », without reload.
  await page.evaluate(() => {
    (window as unknown as { __sansRechargement: boolean }).__sansRechargement = true;
  });
  const echo = row(page, "table-travaux", /Diagnostic \(écho\)/);
  const before = (await echo.count()) === 0 ? 0 : await numberIn(echo.getByRole("cell").nth(0));
  const convex = await convexAs(page);
  await convex.mutation(api.jobs.enqueue, { kind: "system.echo", payload: { sleepMs: 0 } });
  await expect
    .poll(async () => ((await echo.count()) === 0 ? 0 : numberIn(echo.getByRole("cell").nth(0))), {
      timeout: 30_000,
    })
    .toBe(before + 1);
  expect(
    await page.evaluate(
      () => (window as unknown as { __sansRechargement?: boolean }).__sansRechargement,
    ),
  ).toBe(true);

  // « Voir en tableau » swaps the histogram for its table, for everyone.
  const delayCard = page.getByTestId("carte-delai");
  const toggle = delayCard.getByRole("button", { name: "Voir en tableau" });
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  await expect(delayCard.locator("svg")).toHaveCount(0);
  await expect(
    delayCard.getByRole("table", { name: "Bilans envoyés par délai depuis la soumission" }),
  ).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await delayCard.scrollIntoViewIfNeeded();
  await captureScreenshots(page, "admin-statistiques-tableau", { mobile: false });

  // Another period: the URL keeps it; a four-week range still holds the seeded bilans (21 and
  // 18 days).
  await page.getByLabel("Période", { exact: true }).selectOption("4");
  await page.getByRole("button", { name: "Afficher" }).click();
  await expect(page).toHaveURL(/\/admin\/statistiques\?semaines=4$/);
  await expect(page.getByTestId("table-bilans-semaines").locator("tbody tr")).toHaveCount(4);
  await expect(row(page, "table-delai", /Plus de 3 jours/).getByRole("cell")).toHaveText("2");
  await expectNoSeriousA11yViolations(page);
});
