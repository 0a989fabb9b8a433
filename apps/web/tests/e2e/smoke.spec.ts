// Smoke: proves the harness end to end (stack started by the global setup, Debian's Chromium,
// French locale, axe) on pages that exist without signing in.
import { expectNoSeriousA11yViolations } from "./a11y";
import { expect, test } from "./fixtures";
import { captureScreenshots } from "./screenshots";

test("la page d'accueil s'affiche en français et passe axe", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page).toHaveTitle(/Nexus Réussite/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  expect(await page.evaluate(() => navigator.language)).toBe("fr-FR");
  expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe(
    "Europe/Paris",
  );
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "accueil");
});

test("/healthz répond", async ({ request }) => {
  const response = await request.get("/healthz");
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ ok: true });
});
