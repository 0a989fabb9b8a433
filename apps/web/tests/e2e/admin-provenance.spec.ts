// Provenance (issue 11, scenario 4): the assistante opens the history of Camille's seeded `sent`
// NSI bilan from its review page and sees every step in order — answers, the generation run
// (provider, model, prompt version), the approval, the final PDF, one e-mail per recipient —
// then follows the links: the generation's job opens its job page, the PDF link downloads the
// report, an e-mail opens its page. The student's coach sees the same history without job
// links. Then a starter document's page shows how each page was read and its passages.
// Axe on every page; screenshots.
import { readFile } from "node:fs/promises";
import { expectNoSeriousA11yViolations } from "./a11y";
import { expect, test } from "./fixtures";
import { captureScreenshots } from "./screenshots";
import { signIn } from "./sign-in";

const NSI = "Numérique et sciences informatiques";

test("l'historique d'un bilan envoyé montre chaque étape dans l'ordre, et chaque lien ouvre sa tâche ou son artefact", async ({
  page,
  openAs,
}) => {
  test.setTimeout(150_000);
  await signIn(page, "Nadia Benali");

  // The seeded bilan reaches `sent` once the worker has built the final PDF and e-mailed it.
  await page.goto("/admin/emails");
  const parentEmail = page
    .getByTestId("email")
    .filter({ hasText: `Bilan de ${NSI} de Camille Durand` })
    .filter({ hasText: "Envoyé" });
  await expect(parentEmail.first()).toBeVisible({ timeout: 60_000 });
  const reviewPath = await parentEmail
    .first()
    .getByRole("link", { name: /Ouvrir le bilan/ })
    .getAttribute("href");
  expect(reviewPath).toMatch(/^\/coach\/bilans\/[^/]+$/);
  const bilanId = reviewPath!.split("/").at(-1)!;

  await page.goto(reviewPath!);
  await page.getByRole("link", { name: "Historique complet du bilan" }).click();
  await expect(page).toHaveURL(`/bilans/${bilanId}/historique`);
  await expect(page.getByRole("heading", { level: 1, name: "Historique du bilan" })).toBeVisible();
  await expect(page.getByText(`Camille Durand — ${NSI}`)).toBeVisible();

  const steps = page.getByTestId("historique-bilan").getByTestId("etape");
  // Camille's guardian and Camille herself each get the report: both e-mails sent.
  await expect(steps.filter({ has: page.getByText("Envoyé", { exact: true }) })).toHaveCount(2, {
    timeout: 30_000,
  });
  const kinds = await steps.evaluateAll((items) =>
    items.map((item) => item.getAttribute("data-kind")),
  );
  expect(kinds).toEqual(["submitted", "generation", "approval", "pdf", "email", "email"]);
  const times = await steps
    .locator("time")
    .evaluateAll((items) => items.map((item) => Date.parse(item.getAttribute("datetime") ?? "")));
  expect(times).toEqual([...times].sort((a, b) => a - b));

  const run = steps.nth(1);
  await expect(run.getByRole("heading", { name: "Synthèse générée" })).toBeVisible();
  await expect(run).toContainText(/Fournisseur :\s*Rédacteur local/);
  await expect(run).toContainText(/Modèle :\s*\S+/);
  await expect(run).toContainText(/Version du prompt :\s*\S+/);
  await expect(run).toContainText(/Jetons :\s*\d+ en entrée, \d+ en sortie/);
  await expect(steps.nth(2)).toContainText("Par Julien Moreau");
  await expect(steps.nth(3).getByRole("heading", { name: "PDF final (version 1)" })).toBeVisible();
  await expect(steps.nth(4)).toContainText("Isabelle Durand");
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "admin-historique-bilan");

  // The generation run's job.
  await run.getByRole("link", { name: "Voir la tâche" }).click();
  await expect(page).toHaveURL(/\/admin\/travaux\/[^/]+$/);
  await expect(
    page.getByRole("heading", { level: 1, name: "Génération d'un bilan" }),
  ).toBeVisible();
  await expect(page.getByText("Terminée").first()).toBeVisible();
  // …whose page links back to the bilan's history.
  await page.getByRole("link", { name: "Historique du bilan" }).click();
  await expect(page).toHaveURL(`/bilans/${bilanId}/historique`);

  // The final PDF's job, then the report itself through the authorised download link.
  const pdf = steps.nth(3);
  await pdf.getByRole("link", { name: "Voir la tâche" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "PDF d'un bilan" })).toBeVisible();
  await page.goBack();
  const downloading = page.waitForEvent("download");
  await pdf.getByRole("link", { name: "Télécharger ce PDF" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.pdf$/);
  const bytes = await readFile(await download.path());
  expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");

  // An e-mail's job and the e-mail itself.
  const email = steps.nth(4);
  await email.getByRole("link", { name: "Voir la tâche" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Envoi d'e-mail" })).toBeVisible();
  await page.goBack();
  const emailLink = email.getByRole("link", { name: "Voir l'e-mail" });
  const emailPath = await emailLink.getAttribute("href");
  expect(emailPath).toMatch(/^\/admin\/emails\/[^/]+$/);
  await emailLink.click();
  await expect(page).toHaveURL(emailPath!);

  // The student's coach reads the same history, without the staff's job pages.
  const coach = await openAs("Julien Moreau");
  await coach.goto(`/bilans/${bilanId}/historique`);
  const coachSteps = coach.getByTestId("historique-bilan").getByTestId("etape");
  await expect(coachSteps).toHaveCount(6);
  await expect(coach.getByRole("link", { name: "Voir la tâche" })).toHaveCount(0);
  await expect(coach.getByRole("link", { name: "Télécharger ce PDF" })).toBeVisible();
  await expectNoSeriousA11yViolations(coach);
});

test("la page d'un document montre la méthode et la confiance de chaque page, et ses passages", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, "Nadia Benali");
  await page.goto("/admin/documents");
  // A starter document, indexed by the worker after the seed.
  const row = page.locator('[data-testid="document"][data-status="indexed"]').first();
  await expect(row).toBeVisible({ timeout: 90_000 });
  const link = row.getByRole("link").first();
  const title = (await link.textContent())?.trim() ?? "";
  await link.click();
  await expect(page).toHaveURL(/\/admin\/documents\/[^/]+$/);
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();

  const steps = page.getByTestId("historique-document").getByTestId("etape");
  await expect(steps.first()).toHaveAttribute("data-kind", "upload");
  const ingest = page.locator('[data-testid="etape"][data-kind="ingest"]');
  await expect(ingest.first()).toContainText("passage");

  const pages = page.getByTestId("page-document");
  await expect(pages.first()).toBeVisible();
  await expect(pages.first().locator("th")).toHaveText("1");
  await expect(pages.first()).toContainText(
    /Couche texte du PDF|OCR \(reconnaissance|OCR de l’image numérisée|OCR de la page rendue/,
  );
  await expect(page.getByRole("columnheader", { name: "Confiance OCR" })).toBeVisible();

  const passages = page.getByTestId("passage");
  await expect(passages.first()).toContainText("Passage 1");
  await expect(page.getByText("Aucun bilan n'a encore cité ce document.")).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "admin-document-detail");

  // The ingest run's job.
  await ingest.first().getByRole("link", { name: "Voir la tâche" }).click();
  await expect(
    page.getByRole("heading", { level: 1, name: "Indexation d'un document" }),
  ).toBeVisible();
  await page.getByRole("link", { name: "Page du document" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
});
