// The assistante's audit log and e-mails pages: Nadia Benali opens /admin/journal and sees the
// seed's entry (« Données de démonstration créées », by the worker), filters on that action
// (the URL keeps the filter), then opens /admin/emails and sees the e-mails of Camille's sent
// NSI bilan once the worker has delivered them (live, no reload), opens the parent's one as
// received (re-rendered message, attached report downloaded). Axe on every page.
import { readFile } from "node:fs/promises";
import { expectNoSeriousA11yViolations } from "./a11y";
import { expect, test } from "./fixtures";
import { captureScreenshots } from "./screenshots";
import { signIn } from "./sign-in";

const NSI = "Numérique et sciences informatiques";

test("l'assistante lit le journal d'audit, le filtre, puis voit les e-mails envoyés", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, "Nadia Benali");

  await page.goto("/admin");
  await expect(page.getByRole("link", { name: /Journal d'audit/ })).toBeVisible();
  await expect(page.getByRole("link", { name: /^E-mails/ }).first()).toBeVisible();

  await page.goto("/admin/journal");
  await expect(page.getByRole("heading", { level: 1, name: "Journal d'audit" })).toBeVisible();
  // Newest first: what other scenarios did comes before the seed's entry, which the action
  // filter below finds whatever ran earlier.
  await expect(page.getByTestId("entree-journal").first()).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "admin-journal");

  await page.getByLabel("Action", { exact: true }).selectOption("seed.run");
  await page.getByRole("button", { name: "Filtrer" }).click();
  await expect(page).toHaveURL(/\/admin\/journal\?action=seed\.run/);
  await expect(page.getByLabel("Action", { exact: true })).toHaveValue("seed.run");
  const entries = page.getByTestId("entree-journal");
  await expect(entries.first()).toBeVisible();
  const seeded = entries.filter({ hasText: "Données de démonstration créées" });
  await expect(seeded.first()).toBeVisible();
  await expect(seeded.first()).toContainText("Le worker");
  for (const action of await entries.evaluateAll((items) =>
    items.map((item) => item.getAttribute("data-action")),
  )) {
    expect(action).toBe("seed.run");
  }
  await expect(page.getByRole("link", { name: "Effacer les filtres" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "admin-journal-filtre", { mobile: false });

  await page.goto("/admin/emails");
  await expect(page.getByRole("heading", { level: 1, name: "E-mails" })).toBeVisible();
  // Camille's NSI bilan is seeded `sent`: the worker renders its PDF and e-mails the family.
  const parentEmail = page
    .getByTestId("email")
    .filter({ hasText: `Bilan de ${NSI} de Camille Durand` })
    .filter({ hasText: "Envoyé" });
  await expect(parentEmail.first()).toBeVisible({ timeout: 60_000 });
  const studentEmail = page
    .getByTestId("email")
    .filter({ hasText: `Ton bilan de ${NSI} est disponible` });
  await expect(studentEmail.first()).toBeVisible({ timeout: 30_000 });
  await expect(parentEmail.first().getByRole("link", { name: /Ouvrir le bilan/ })).toHaveAttribute(
    "href",
    /^\/coach\/bilans\/[^/]+$/,
  );
  await expect(page.getByTestId("resume-a-confirmer")).toHaveText(
    "Aucun e-mail à confirmer : chaque envoi a une issue connue.",
  );
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "admin-emails");

  await page.getByLabel("Statut", { exact: true }).selectOption("sent");
  await page.getByRole("button", { name: "Filtrer" }).click();
  await expect(page).toHaveURL(/\/admin\/emails\?statut=sent/);
  await expect(parentEmail.first()).toBeVisible();
  await expect(page.locator('[data-testid="email"]:not([data-email-status="sent"])')).toHaveCount(
    0,
  );
  // A sent e-mail is never offered for a second send.
  await expect(parentEmail.first().getByRole("button", { name: /^Renvoyer/ })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);

  // The e-mail as the parent received it: subject, recipient, the message (a re-render, said
  // so) in a sandboxed frame, its text version, and the attached report, downloaded through the
  // authorised link.
  await parentEmail
    .first()
    .getByRole("link", { name: /^Voir l'e-mail/ })
    .click();
  await expect(page).toHaveURL(/\/admin\/emails\/[^/]+$/);
  await expect(
    page.getByRole("heading", {
      level: 1,
      name: `Bilan de ${NSI} de Camille Durand`,
      exact: false,
    }),
  ).toBeVisible();
  await expect(page.getByTestId("statut-email")).toContainText("Envoyé");
  await expect(page.getByTestId("apercu-re-rendu")).toContainText("Aperçu recalculé");
  // Read from the srcdoc: Chromium refuses Playwright's scripts inside a script-less sandbox
  // (and logs it); the screenshot shows the frame as rendered.
  await expect(page.getByTestId("apercu-email")).toHaveAttribute(
    "srcdoc",
    /Le bilan pédagogique de Camille Durand/,
  );
  await expect(page.getByTestId("apercu-email")).toHaveAttribute("sandbox", "");
  // The header marks the section on this sub-page.
  await expect(
    page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", {
      name: "E-mails",
    }),
  ).toHaveAttribute("aria-current", "true");
  // The e-mail's frame is sandboxed without scripts on purpose: axe cannot run inside it.
  await expectNoSeriousA11yViolations(page, { exclude: ['[data-testid="apercu-email"]'] });
  await captureScreenshots(page, "admin-email-detail");
  const downloading = page.waitForEvent("download");
  await page.getByTestId("piece-jointe").click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.pdf$/);
  const bytes = await readFile(await download.path());
  expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
});
