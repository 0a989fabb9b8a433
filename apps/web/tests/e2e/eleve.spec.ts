// Scenario 1 (issue 10): an élève starts a maths bilan, answers it step by step (each answer
// saved as given, resumable after a reload), sends it, and watches it go submitted →
// generating → review without reloading the page. Axe on every page visited; screenshots of
// the élève pages. Lucas Durand (première, maths spécialité, no maths bilan in the demo data).
import { api } from "@convex/_generated/api";
import type { Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./a11y";
import { convexAs } from "./convex-as";
import { expect, test } from "./fixtures";
import { captureScreenshots } from "./screenshots";
import { signIn } from "./sign-in";

/** Answers every question of the step on screen (first option of each group). */
async function answerCurrentStep(page: Page) {
  const groups = page.locator("main fieldset");
  const count = await groups.count();
  for (let i = 0; i < count; i += 1) {
    const group = groups.nth(i);
    const input = group.locator("input[type=radio], input[type=checkbox]").first();
    await input.check();
  }
  await expect(page.getByRole("status").filter({ hasText: "Réponses enregistrées" })).toBeVisible();
}

test("un élève passe un bilan de maths jusqu'au bout et le voit passer en relecture sans recharger", async ({
  page,
  browser,
  consoleGuard,
}) => {
  test.setTimeout(180_000);
  await signIn(page, "Lucas Durand");
  await expect(page).toHaveURL(/\/eleve$/);
  await expect(page.getByRole("heading", { level: 1, name: "Mes bilans" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "eleve-bilans");

  await page.getByRole("link", { name: "Commencer un bilan" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Commencer un bilan" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "eleve-nouveau-bilan");
  await page.getByRole("button", { name: /Commencer le bilan de Mathématiques/ }).click();

  // The first visit of a route compiles it (Vite dev): allow for it.
  await expect(page).toHaveURL(/\/eleve\/bilans\/[^/]+\/questionnaire$/, { timeout: 30_000 });
  await expect(page.getByText(/Étape 1 sur \d+/)).toBeVisible();
  const total = Number(
    (await page.getByText(/Étape 1 sur \d+/).textContent())?.match(/sur (\d+)/)?.[1],
  );
  expect(total).toBeGreaterThan(2);

  // Validation: moving on with nothing answered says which answers are missing.
  await page.getByRole("button", { name: "Étape suivante" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /Il manque \d+ réponses/ })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await answerCurrentStep(page);
  await expect(page.getByRole("alert").filter({ hasText: /Il manque/ })).toHaveCount(0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await captureScreenshots(page, "eleve-questionnaire");

  // Resumable: after a reload the answers are there and the page opens at the next step.
  await page.reload();
  await expect(page.getByText(`Étape 2 sur ${total}`)).toBeVisible();
  await page.getByRole("button", { name: "Étape précédente" }).click();
  await expect(page.getByText(`Étape 1 sur ${total}`)).toBeVisible();
  await expect(page.locator("main fieldset input:checked")).toHaveCount(
    await page.locator("main fieldset").count(),
  );
  await page.getByRole("button", { name: "Étape suivante" }).click();

  for (let step = 2; step <= total; step += 1) {
    await expect(page.getByText(`Étape ${step} sur ${total}`)).toBeVisible();
    await answerCurrentStep(page);
    if (step < total) await page.getByRole("button", { name: "Étape suivante" }).click();
  }
  await expectNoSeriousA11yViolations(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  await captureScreenshots(page, "eleve-questionnaire-enquete");

  // Submit, with a marker that a reload would wipe out.
  await page.evaluate(() => {
    (window as unknown as { __sansRechargement: boolean }).__sansRechargement = true;
  });
  await page.getByRole("button", { name: "Envoyer mon bilan" }).click();
  const dialog = page.getByRole("dialog", { name: "Envoyer votre bilan ?" });
  await expect(dialog).toContainText("Vous avez répondu à toutes les questions.");
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "eleve-envoi-confirmation", { mobile: false });

  // Record every status the badge shows from now on.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __statuts: string[] }).__statuts = seen;
    const record = () => {
      const status = document
        .querySelector("[data-testid=bilan-envoye] [data-status]")
        ?.getAttribute("data-status");
      if (status && seen[seen.length - 1] !== status) seen.push(status);
    };
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["data-status"],
    });
  });
  // The generation is held (`jobs pause`, as an assistante would from the CLI) until the page
  // shows the bilan as sent: on a busy machine the local writer could otherwise finish before
  // the browser first paints the status, and the page would rightly go straight to « review ».
  const staffContext = await browser.newContext();
  consoleGuard.watch(staffContext);
  const staffPage = await staffContext.newPage();
  await signIn(staffPage, "Nadia Benali");
  const staff = await convexAs(staffPage);
  await staff.mutation(api.jobs.pause, { kind: "bilan.generate", reason: "scénario élève" });
  const sent = page.getByTestId("bilan-envoye");
  try {
    await dialog.getByRole("button", { name: "Confirmer l'envoi" }).click();
    await expect(sent.locator("[data-status]")).toHaveAttribute("data-status", "submitted", {
      timeout: 30_000,
    });
  } finally {
    await staff.mutation(api.jobs.resume, { kind: "bilan.generate" });
    await staffContext.close();
  }

  // The same page follows the bilan live: submitted → generating → review.
  await expect(sent.locator("[data-status]")).toHaveAttribute("data-status", "review", {
    timeout: 90_000,
  });
  const statuses = await page.evaluate(
    () => (window as unknown as { __statuts: string[] }).__statuts,
  );
  expect(statuses.at(-1)).toBe("review");
  expect(statuses.some((s) => s === "submitted" || s === "generating")).toBe(true);
  expect(
    await page.evaluate(
      () => (window as unknown as { __sansRechargement?: boolean }).__sansRechargement,
    ),
  ).toBe(true);
  await expectNoSeriousA11yViolations(page);
  await sent.getByRole("link", { name: "Voir mes résultats" }).click();
  await expect(page).toHaveURL(/\/eleve\/bilans\/[^/]+$/, { timeout: 30_000 });
  await expect(
    page.getByRole("heading", { level: 1, name: "Bilan de mathématiques" }),
  ).toBeVisible();
  await expect(page.getByRole("table")).toContainText("Second degré");
  // The synthesis is not shown to the family before a coach approves it.
  await expect(page.getByRole("heading", { name: "La synthèse de votre coach" })).toHaveCount(0);
  await expect(page.locator("[data-chart-bar]").first()).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "eleve-resultats");

  // Back on « Mes bilans », the new bilan is listed as « À relire ».
  await page.getByRole("link", { name: "← Mes bilans" }).click();
  await expect(
    page.getByRole("region", { name: "Bilan de mathématiques" }).locator("[data-status]"),
  ).toHaveAttribute("data-status", "review");
});

test("un élève lit la synthèse approuvée de son bilan et télécharge le rapport", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, "Camille Durand");
  const nsi = page.getByRole("region", { name: /Bilan de numérique/ });
  await expect(nsi.locator("[data-status]")).toHaveAttribute("data-status", "sent", {
    timeout: 60_000,
  });
  await expectNoSeriousA11yViolations(page);
  await nsi.getByRole("link", { name: /Voir mes résultats/ }).click();
  await expect(page.getByRole("heading", { name: "La synthèse de votre coach" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Mon plan de travail" })).toBeVisible();
  await expect(page.locator("[data-chart-bar]").first()).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "eleve-bilan-envoye");

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Télécharger le rapport (PDF)" }).click();
  expect((await download).suggestedFilename()).toMatch(/\.pdf$/);
});
