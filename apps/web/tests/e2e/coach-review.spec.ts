// Scenario 2 (issue 10): a coach reviews a bilan from the moment it lands in the queue to the
// family's inbox. Julien Moreau (coach) has his queue open; Théo Lambert (élève, assigned to
// Julien in DEMO_COACH_ASSIGNMENTS) answers his maths bilan (saved through Convex as Théo, the
// same calls the questionnaire makes) and submits it; the worker writes the synthesis and the
// bilan appears in Julien's queue without reload. Julien edits (autosave), asks for a
// regeneration, gets the new version, approves; Théo's and his mother Nathalie's pages turn
// to « Envoyé » without reload; the report downloaded from the review page names Théo.
import { readFile } from "node:fs/promises";
import { api } from "@convex/_generated/api";
import type { Page } from "@playwright/test";
import { extractText } from "unpdf";
import { expectNoSeriousA11yViolations } from "./a11y";
import { answeredDraft } from "./convex-as";
import { expect, test } from "./fixtures";
import { captureScreenshots } from "./screenshots";
import { signIn } from "./sign-in";

/** A marker a reload would wipe out: the page must still carry it at the end. */
async function markNoReload(page: Page) {
  await page.evaluate(() => {
    (window as unknown as { __sansRechargement: boolean }).__sansRechargement = true;
  });
}

/** Screenshots show the page from its top, not scrolled to the field last typed in. */
async function toTop(page: Page) {
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
}

async function expectNotReloaded(page: Page) {
  expect(
    await page.evaluate(
      () => (window as unknown as { __sansRechargement?: boolean }).__sansRechargement,
    ),
  ).toBe(true);
}

test("un coach relit, régénère et approuve un bilan qui arrive en direct", async ({
  page,
  openAs,
}) => {
  test.setTimeout(240_000);

  // Julien's queue, open before the bilan exists.
  await signIn(page, "Julien Moreau");
  await page.goto("/coach");
  await expect(page.getByRole("heading", { level: 1, name: "Bilans à relire" })).toBeVisible();
  await markNoReload(page);
  const row = page
    .getByTestId("bilan-a-relire")
    .filter({ hasText: "Théo Lambert — Mathématiques" });
  await expect(row).toHaveCount(0);

  // Théo answers and submits.
  const eleve = await openAs("Théo Lambert");
  const { convex, bilanId } = await answeredDraft(eleve, "maths");
  await convex.mutation(api.bilans.submit, { bilanId });

  // The worker writes the synthesis: the row appears in Julien's queue without reload.
  await expect(row).toBeVisible({ timeout: 90_000 });
  await expect(row.locator("[data-status]")).toHaveAttribute("data-status", "review");
  await expectNotReloaded(page);
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "coach-file-relecture");

  // The family's pages, open before the approval.
  await eleve.goto(`/eleve/bilans/${bilanId}`);
  await markNoReload(eleve);
  const parent = await openAs("Nathalie Lambert");
  await parent.goto(`/parent/bilans/${bilanId}`);
  await markNoReload(parent);
  for (const familyPage of [eleve, parent]) {
    await expect(familyPage.locator("main [data-status]").first()).toHaveAttribute(
      "data-status",
      "review",
    );
  }

  // The review page.
  await row.getByRole("link").click();
  await expect(page).toHaveURL(`/coach/bilans/${bilanId}`);
  await expect(
    page.getByRole("heading", { level: 1, name: "Théo Lambert — Mathématiques" }),
  ).toBeVisible();
  await expect(page.getByRole("table", { name: /Score et niveau de maîtrise/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Profil pédagogique" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Historique des versions" })).toBeVisible();
  await markNoReload(page);

  // A cited source opens its passage.
  const sourceButton = page.getByRole("button", { name: /^Voir le passage/ }).first();
  if ((await sourceButton.count()) > 0) {
    await sourceButton.click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByText(/Chargement du passage…/)).toHaveCount(0);
    await expect(dialog.locator("blockquote, p").first()).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await captureScreenshots(page, "coach-source", { mobile: false });
    await page.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
  }

  // Editing a field saves it by itself.
  const summary = page.getByRole("textbox", { name: "Synthèse", exact: true });
  await summary.fill(
    "Théo maîtrise les bases ; la rédaction des démonstrations reste à travailler.",
  );
  const saveState = page.getByTestId("etat-enregistrement");
  // Approval waits for the edit to be saved, and says why.
  const approveButton = page.getByRole("button", { name: "Approuver le bilan" });
  const approvalBlocked = page.getByTestId("approbation-bloquee");
  await expect(approveButton).toBeDisabled();
  await expect(approvalBlocked).toHaveText("Enregistrement en cours…");
  await expect(saveState).toHaveText("Enregistré");
  await expect(approveButton).toBeEnabled();
  await expect(approvalBlocked).toHaveCount(0);
  await expect(page.getByText("Modifiée par vous")).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await toTop(page);
  await captureScreenshots(page, "coach-relecture");

  // A regeneration with instructions: the worker's progress, then the new version.
  await page.getByRole("button", { name: "Demander une régénération" }).click();
  const regenerate = page.getByRole("dialog", { name: "Demander une régénération" });
  await regenerate
    .getByRole("textbox", { name: /Consignes/ })
    .fill("Insister davantage sur la méthode de travail.");
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "coach-regeneration", { mobile: false });
  await regenerate.getByRole("button", { name: "Lancer la régénération" }).click();
  await expect(regenerate).toHaveCount(0);
  await expect(page.getByText(/Nouvelle version reçue \(version \d+\)/)).toBeVisible({
    timeout: 90_000,
  });
  await expect(page.locator("main article > header [data-status]")).toHaveAttribute(
    "data-status",
    "review",
  );
  await expect(summary).not.toHaveValue(/la rédaction des démonstrations reste à travailler/);

  // Approval, confirmed.
  await approveButton.click();
  const approve = page.getByRole("dialog", { name: "Approuver ce bilan ?" });
  await expect(approve).toContainText("Théo");
  await expectNoSeriousA11yViolations(page);
  await approve.getByRole("button", { name: "Approuver et envoyer" }).click();
  await expect(page.locator("main article > header [data-status]")).toHaveAttribute(
    "data-status",
    "sent",
    {
      timeout: 90_000,
    },
  );
  await expectNotReloaded(page);
  await expectNoSeriousA11yViolations(page);
  await toTop(page);
  await captureScreenshots(page, "coach-bilan-envoye");

  // The family's pages turned to « Envoyé » by themselves.
  for (const familyPage of [eleve, parent]) {
    await expect(familyPage.locator("main [data-status]").first()).toHaveAttribute(
      "data-status",
      "sent",
      { timeout: 30_000 },
    );
    await expect(familyPage.locator("main [data-status]").first()).toHaveText("Envoyé");
    await expectNotReloaded(familyPage);
  }

  // The final report, downloaded from the review page, names the student.
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Télécharger le rapport (PDF)" }).click();
  const download = await downloading;
  const path = await download.path();
  const { text } = await extractText(new Uint8Array(await readFile(path)), { mergePages: true });
  expect(text).toContain("Théo Lambert");

  // Mes élèves lists Théo with this bilan.
  await page.goto("/coach/eleves");
  await expect(page.getByRole("heading", { level: 1, name: "Mes élèves" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Théo Lambert" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "coach-eleves");
});
