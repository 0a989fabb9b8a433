// Scenario 3 (issue 11): the knowledge base. Nadia Benali, the assistante, sends a PDF (common
// to every élève, NSI) and a small scanned PNG reserved to one élève; each upload's bar follows
// the bytes, then the ingestion stages, and both turn « Indexé » live (the PNG through OCR).
// The search tester, scoped to that élève, finds a sentence of the scanned page with its
// score, title and page. Then the PDF is re-indexed and deleted through their confirmations.
// The files are rendered here by packages/knowledge's own helpers (under Bun). Axe on every
// state of the page; screenshots admin-documents*.png.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expectNoSeriousA11yViolations } from "./a11y";
import { expect, test } from "./fixtures";
import { captureScreenshots } from "./screenshots";
import { signIn } from "./sign-in";

const SCANNED_SENTENCE =
  "Le jardin des Tuileries accueille chaque printemps un concours de cerfs-volants géométriques.";
const PDF_TEXT = `# Parcours de graphes

Un parcours en largeur visite les sommets par distance croissante depuis le départ ; il utilise une file.

Un parcours en profondeur s'enfonce d'abord le plus loin possible ; il utilise une pile ou la récursivité.`;

/** A one-page PDF and a cropped 150 dpi scan, rendered by packages/knowledge under Bun. */
function renderFiles(): { pdf: Buffer; png: Buffer } {
  const source = (file: string) =>
    fileURLToPath(new URL(`../../../../packages/knowledge/src/${file}`, import.meta.url));
  const script = `
    import { renderPdf } from ${JSON.stringify(source("pdf-render.ts"))};
    import { renderTextPageImage } from ${JSON.stringify(source("page-image.ts"))};
    const pdf = await renderPdf([{ kind: "markdown", markdown: ${JSON.stringify(PDF_TEXT)} }], { title: "Parcours de graphes" });
    const png = renderTextPageImage(${JSON.stringify(SCANNED_SENTENCE)}, { dpi: 150, rotationDeg: 0.3, cropToText: true });
    process.stdout.write(JSON.stringify({ pdf: Buffer.from(pdf).toString("base64"), png: Buffer.from(png).toString("base64") }));
  `;
  const out = execFileSync("bun", ["-e", script], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const { pdf, png } = JSON.parse(out) as { pdf: string; png: string };
  return { pdf: Buffer.from(pdf, "base64"), png: Buffer.from(png, "base64") };
}

test("l'assistante envoie un PDF et un scan, les voit indexés en direct et les retrouve par la recherche", async ({
  page,
}) => {
  test.setTimeout(240_000);
  const files = renderFiles();

  await signIn(page, "Nadia Benali");
  await page.goto("/admin");
  await page.getByRole("link", { name: /Base de connaissances/ }).click();
  await expect(
    page.getByRole("heading", { level: 1, name: "Base de connaissances" }),
  ).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // The PDF, common to every élève, in NSI.
  await page.getByLabel(/^Fichiers/).setInputFiles([
    {
      name: "Cours de NSI - parcours de graphes.pdf",
      mimeType: "application/pdf",
      buffer: files.pdf,
    },
  ]);
  await page.getByLabel("Matière", { exact: true }).first().selectOption("nsi");
  await page.getByRole("button", { name: "Envoyer" }).click();

  // The scan, reserved to one élève.
  await page
    .getByLabel(/^Fichiers/)
    .setInputFiles([
      { name: "Fiche scannée - Tuileries.png", mimeType: "image/png", buffer: files.png },
    ]);
  await page.getByLabel("Réservé à un élève").check();
  const studentSelect = page.getByLabel("Élève", { exact: true });
  await studentSelect.selectOption({ index: 1 });
  const studentName = (await studentSelect.locator("option:checked").textContent())?.trim() ?? "";
  expect(studentName).not.toBe("");
  await page.getByLabel("Matière", { exact: true }).first().selectOption("");
  await page.getByRole("button", { name: "Envoyer" }).click();

  const uploads = page.getByRole("list", { name: "Envois" });
  const pdfUpload = uploads.getByTestId("envoi").filter({ hasText: "parcours de graphes.pdf" });
  const pngUpload = uploads.getByTestId("envoi").filter({ hasText: "Tuileries.png" });
  await expect(pngUpload.getByRole("progressbar")).toBeVisible();

  // Both reach « Indexé » without reload: in the upload list and in the live table.
  const pdfRow = page
    .getByTestId("document")
    .filter({ hasText: "Cours de NSI parcours de graphes" });
  const pngRow = page.getByTestId("document").filter({ hasText: "Fiche scannée Tuileries" });
  await expect(pngRow).toBeVisible({ timeout: 30_000 });
  await expect(pngRow).toContainText(`Élève : ${studentName}`);
  await expect(pdfRow).toContainText("Commun");
  await expect(pdfRow).toContainText("NSI");
  await expect(pdfRow).toHaveAttribute("data-status", "indexed", { timeout: 90_000 });
  await expect(pngRow).toHaveAttribute("data-status", "indexed", { timeout: 90_000 });
  await expect(pdfUpload.getByTestId("envoi-etat")).toContainText("100\u00a0% · Indexé");
  await expect(pngUpload.getByTestId("envoi-etat")).toContainText("100\u00a0% · Indexé");
  await expect(pngUpload.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
  await expect(pngRow.getByText("Indexé", { exact: true })).toBeVisible();
  // One page, read by OCR, at least one passage.
  const pngCells = pngRow.getByRole("cell");
  await expect(pngCells.nth(3)).toHaveText("1");
  await expect(pngCells.nth(4)).toHaveText("1");
  await expect(pdfRow.getByRole("cell").nth(4)).toHaveText(/^(0|—)$/);
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "admin-documents");
  await page.evaluate(() => document.querySelector("table")?.scrollIntoView());
  await captureScreenshots(page, "admin-documents-liste", { mobile: false });

  // The search tester, scoped to that élève, finds the scanned sentence.
  await page.getByLabel("Question").fill("concours de cerfs-volants aux Tuileries au printemps");
  await page
    .getByLabel("Portée", { exact: true })
    .selectOption({ label: `Communs et ceux de ${studentName}` });
  await page.getByRole("button", { name: "Rechercher" }).click();
  const passages = page.getByRole("list", { name: "Passages trouvés" }).getByTestId("passage");
  await expect(passages.first()).toBeVisible({ timeout: 30_000 });
  const scanned = passages.filter({ hasText: "Fiche scannée Tuileries" }).first();
  await expect(scanned).toContainText("page 1");
  await expect(scanned).toContainText(/Score \d,\d{3}/);
  await expect(scanned).toContainText(/cerfs-volants/);
  await expect(scanned).toContainText(/Tuileries/);
  await expectNoSeriousA11yViolations(page);
  await scanned.scrollIntoViewIfNeeded();
  await captureScreenshots(page, "admin-documents-recherche");

  // Re-index the PDF, through its confirmation: it goes through the stages again and is indexed.
  await pdfRow.getByRole("button", { name: /^Réindexer/ }).click();
  const reindexDialog = page.getByRole("dialog", { name: "Réindexer ce document ?" });
  await expect(reindexDialog).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await reindexDialog.getByRole("button", { name: "Confirmer : réindexer" }).click();
  await expect(reindexDialog).toBeHidden();
  await expect(pdfRow).toHaveAttribute("data-status", "indexed", { timeout: 90_000 });

  // Delete it: « Ne rien faire » keeps it, the confirmation removes it from the live list.
  await pdfRow.getByRole("button", { name: /^Supprimer/ }).click();
  const removeDialog = page.getByRole("dialog", { name: "Supprimer ce document ?" });
  await expect(removeDialog).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "admin-documents-suppression", { mobile: false });
  await removeDialog.getByRole("button", { name: "Ne rien faire" }).click();
  await expect(removeDialog).toBeHidden();
  await expect(pdfRow).toBeVisible();
  await pdfRow.getByRole("button", { name: /^Supprimer/ }).click();
  await removeDialog.getByRole("button", { name: "Confirmer : supprimer" }).click();
  await expect(pdfRow).toHaveCount(0);
  await expect(pngRow).toBeVisible();
});
