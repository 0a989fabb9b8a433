// Scenario 4 (issue 10): two coaches on one bilan. Julien Moreau and Claire Lefèvre are both
// assigned to Camille Durand, whose maths bilan waits for review in the demo data. Each sees
// the other on the page; Julien's edit is saved first, and Claire's edit, typed meanwhile on the
// version she had loaded, is refused with the conflict message instead of overwriting his; while
// it is unsaved she cannot approve, and each history names who made each version.
import { expectNoSeriousA11yViolations } from "./a11y";
import { expect, test } from "./fixtures";
import { captureScreenshots } from "./screenshots";
import { signIn } from "./sign-in";

test("deux coachs se voient sur un bilan et le second enregistrement signale le conflit", async ({
  page,
  openAs,
  allowConsoleMessages,
}) => {
  test.setTimeout(120_000);
  // Convex's client logs every refused mutation; this refusal is the point of the scenario.
  allowConsoleMessages(/\[CONVEX M\(review:editSynthesis\)\][\s\S]*"code":"CONFLICT"/);
  await signIn(page, "Julien Moreau");
  await page.goto("/coach");
  await page
    .getByTestId("bilan-a-relire")
    .filter({ hasText: "Camille Durand — Mathématiques" })
    .getByRole("link")
    .click();
  await expect(
    page.getByRole("heading", { level: 1, name: "Camille Durand — Mathématiques" }),
  ).toBeVisible();
  const url = page.url();

  const claire = await openAs("Claire Lefèvre");
  await claire.goto(url);
  await expect(
    claire.getByRole("heading", { level: 1, name: "Camille Durand — Mathématiques" }),
  ).toBeVisible();

  // Presence, both ways.
  await expect(page.getByText("Également sur cette page : Claire Lefèvre")).toBeVisible({
    timeout: 20_000,
  });
  await expect(claire.getByText("Également sur cette page : Julien Moreau")).toBeVisible({
    timeout: 20_000,
  });

  // Concurrent edits: Julien types first, Claire a moment later, before his save lands.
  const julienSummary = page.getByRole("textbox", { name: "Synthèse", exact: true });
  const claireSummary = claire.getByRole("textbox", { name: "Synthèse", exact: true });
  await julienSummary.fill("Version de Julien : bonnes bases, revoir les fonctions.");
  await claire.waitForTimeout(400);
  await claireSummary.fill("Version de Claire : travailler la méthode.");

  await expect(page.getByTestId("etat-enregistrement")).toHaveText("Enregistré");
  const alert = claire
    .getByRole("alert")
    .filter({ hasText: "Vos modifications n'ont pas été enregistrées" });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText("Julien Moreau a modifié cette synthèse");
  await expect(claire.getByTestId("etat-enregistrement")).toHaveText(
    "Non enregistré : conflit de versions",
  );
  // Nothing was overwritten: Julien still reads his text.
  await expect(julienSummary).toHaveValue(/^Version de Julien/);
  // Claire cannot approve over her unsaved edit; her history names who changed the synthesis.
  const claireApprove = claire.getByRole("button", { name: "Approuver le bilan" });
  await expect(claireApprove).toBeDisabled();
  await expect(claire.getByTestId("approbation-bloquee")).toHaveText(
    "Une modification n'est pas enregistrée : rechargez la dernière version avant d'approuver.",
  );
  await expect(claire.getByText(/Modifiée par Julien Moreau \(coach\)/).first()).toBeVisible();
  await expectNoSeriousA11yViolations(claire);
  await captureScreenshots(claire, "coach-conflit");

  // Claire reloads the latest version: Julien's text, and her next edit saves.
  await alert.getByRole("button", { name: "Recharger la dernière version" }).click();
  await expect(claireSummary).toHaveValue(/^Version de Julien/);
  await expect(claireApprove).toBeEnabled();
  await claireSummary.fill("Version de Julien, complétée par Claire : travailler la méthode.");
  await expect(claire.getByTestId("etat-enregistrement")).toHaveText("Enregistré");
  await expect(julienSummary).toHaveValue(/complétée par Claire/);
  await expect(page.getByText(/Modifiée par Claire Lefèvre \(coach\)/).first()).toBeVisible();

  // Claire leaves (through the app's link, so the page unmounts): Julien is alone again.
  await claire.getByRole("link", { name: "← Bilans à relire" }).click();
  await expect(page.getByText(/Également sur cette page/)).toHaveCount(0, { timeout: 20_000 });
  await expectNoSeriousA11yViolations(page);
});
