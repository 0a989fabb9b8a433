// Scenario 2 (issue 11): the assistante watches the queue. Nadia Benali has /admin/travaux open
// (filtered on diagnostics jobs); a system.echo job she enqueues through Convex fails (it is
// told to fail every attempt before `failUntil`, with a single attempt allowed) and shows up
// « Échouée » without reload; she retries it from the page, through the confirmation dialog,
// and it turns « Terminée » live; a second one goes through the bulk retry of the kind's
// failures. Then the job's page and its log, the workers and alerts
// page, the console's home, and the French 403 for a coach. Axe on every page visited.
import { api } from "@convex/_generated/api";
import type { Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./a11y";
import { convexAs } from "./convex-as";
import { expect, test } from "./fixtures";
import { captureScreenshots } from "./screenshots";
import { signIn } from "./sign-in";

/** How long the job keeps failing: long enough for the worker to take it first. */
const FAIL_WINDOW_MS = 15_000;

async function markNoReload(page: Page) {
  await page.evaluate(() => {
    (window as unknown as { __sansRechargement: boolean }).__sansRechargement = true;
  });
}

async function expectNotReloaded(page: Page) {
  expect(
    await page.evaluate(
      () => (window as unknown as { __sansRechargement?: boolean }).__sansRechargement,
    ),
  ).toBe(true);
}

test("l'assistante voit une tâche échouer en direct, la relance et la voit se terminer", async ({
  page,
  openAs,
  allowConsoleMessages,
}) => {
  test.setTimeout(180_000);
  // The browser logs each refused page load (the coach's 403 at the end) as a failed resource.
  allowConsoleMessages(/Failed to load resource: the server responded with a status of 403/);

  await signIn(page, "Nadia Benali");
  await page.goto("/admin");
  await expect(page.getByRole("heading", { level: 1, name: "Console du centre" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Travaux" }).first()).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  await page.goto("/admin/travaux?type=system.echo");
  await expect(page.getByRole("heading", { level: 1, name: "Travaux" })).toBeVisible();
  await expect(page.getByLabel("Type", { exact: true })).toHaveValue("system.echo");
  await expectNoSeriousA11yViolations(page);
  await markNoReload(page);

  // Enqueued as Nadia, the way the CLI or another page would.
  const convex = await convexAs(page);
  const failUntil = Date.now() + FAIL_WINDOW_MS;
  const enqueueFailing = () =>
    convex.mutation(api.jobs.enqueue, {
      kind: "system.echo",
      payload: { sleepMs: 0, failUntil },
      maxAttempts: 1,
    });
  const { job } = await enqueueFailing();
  // A second one, for the bulk retry below.
  const { job: other } = await enqueueFailing();

  const row = page.locator(`[data-testid="tache"][data-job-id="${job.id}"]`);
  await expect(row.locator("[data-job-status]")).toHaveAttribute("data-job-status", "failed", {
    timeout: 60_000,
  });
  await expect(row).toContainText("Échouée");
  await expect(row).toContainText("1\u00a0/\u00a01");
  await expect(row).toContainText("échec volontaire");
  await expectNotReloaded(page);
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "admin-travaux");

  // Past the failure window, the retry can succeed.
  const wait = failUntil - Date.now() + 500;
  if (wait > 0) await page.waitForTimeout(wait);

  await row.getByRole("button", { name: /^Relancer/ }).click();
  const dialog = page.getByRole("dialog", { name: "Relancer cette tâche ?" });
  await expect(dialog).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "admin-travaux-confirmation", { mobile: false });
  await dialog.getByRole("button", { name: "Confirmer : relancer" }).click();
  await expect(dialog).toBeHidden();

  await expect(row.locator("[data-job-status]")).toHaveAttribute("data-job-status", "completed", {
    timeout: 60_000,
  });
  await expect(row).toContainText("Terminée");
  await expectNotReloaded(page);

  // Bulk retry of the diagnostics jobs' failures: the dialog counts the one left.
  const otherRow = page.locator(`[data-testid="tache"][data-job-id="${other.id}"]`);
  await expect(otherRow.locator("[data-job-status]")).toHaveAttribute("data-job-status", "failed");
  await page.getByRole("button", { name: "Relancer les échecs…" }).click();
  const bulk = page.getByRole("dialog", { name: /Relancer les tâches échouées/ });
  await expect(bulk).toContainText("1 tâche échouée sera relancée.");
  await expectNoSeriousA11yViolations(page);
  await bulk.getByRole("button", { name: "Relancer 1 tâche" }).click();
  await expect(bulk).toBeHidden();
  await expect(page.getByText("1 tâche relancée.")).toBeVisible();
  await expect(otherRow.locator("[data-job-status]")).toHaveAttribute(
    "data-job-status",
    "completed",
    { timeout: 60_000 },
  );
  await expectNotReloaded(page);

  // The job's own page: its log says it was retried, then completed.
  await row.getByRole("link", { name: "Diagnostic (écho)" }).click();
  await expect(page).toHaveURL(`/admin/travaux/${job.id}`);
  await expect(page.getByRole("heading", { level: 1, name: "Diagnostic (écho)" })).toBeVisible();
  const log = page.getByTestId("journal-tache");
  await expect(log).toContainText("Échec");
  await expect(log).toContainText("Relancée");
  await expect(log).toContainText("Terminée");
  // The header marks « Travaux » as the section of this sub-page.
  await expect(
    page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", {
      name: "Travaux",
    }),
  ).toHaveAttribute("aria-current", "true");
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "admin-travaux-detail");

  // Workers and alerts: the stack's worker is online.
  await page.goto("/admin/workers");
  await expect(page.getByRole("heading", { level: 1, name: "Workers et alertes" })).toBeVisible();
  await expect(
    page.getByTestId("worker").locator('[data-worker-status="online"]').first(),
  ).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "admin-workers");

  // A coach gets the French 403.
  const coach = await openAs("Julien Moreau");
  for (const path of ["/admin/travaux", "/admin/workers", `/admin/travaux/${job.id}`]) {
    const response = await coach.goto(path);
    expect(response?.status()).toBe(403);
    await expect(coach.getByRole("heading", { level: 1, name: "Accès refusé" })).toBeVisible();
  }
  await expectNoSeriousA11yViolations(coach);
});

test("la liste des travaux se lit page après page, en direct", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "Nadia Benali");
  const convex = await convexAs(page);
  // 60 diagnostics jobs: more than one page of 50.
  const ids: string[] = [];
  for (let i = 0; i < 60; i++) {
    const { job } = await convex.mutation(api.jobs.enqueue, {
      kind: "system.echo",
      payload: { sleepMs: 0 },
    });
    ids.push(job.id);
  }
  const oldest = ids[0]!;
  await page.goto("/admin/travaux?type=system.echo");
  const rows = page.getByTestId("tache");
  await expect(rows).toHaveCount(50);
  await expect(page.getByTestId("resume-travaux")).toContainText("d'autres suivent");
  await expect(page.locator(`[data-testid="tache"][data-job-id="${oldest}"]`)).toHaveCount(0);
  await markNoReload(page);
  const more = page.getByRole("button", { name: "Charger 50 tâches de plus" });
  await more.focus();
  await page.keyboard.press("Enter");
  await expect(page.locator(`[data-testid="tache"][data-job-id="${oldest}"]`)).toBeVisible();
  expect(await rows.count()).toBeGreaterThan(50);
  // The loaded pages stay live: the oldest one, on the second page, turns « Terminée ».
  await expect(
    page.locator(`[data-testid="tache"][data-job-id="${oldest}"] [data-job-status]`),
  ).toHaveAttribute("data-job-status", "completed", { timeout: 60_000 });
  await expectNotReloaded(page);
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "admin-travaux-pages", { mobile: false });
});
