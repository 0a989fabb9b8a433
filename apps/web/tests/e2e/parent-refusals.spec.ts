// Scenario 3 (issue 10): a parent reads their own children's bilans, and nothing of another
// family: not the bilan page, not its PDF (files.bilanReportUrl), not a made-up file link, not
// a document of another student (files.documentUrl). Also: an e-mail link opened while signed
// out lands on the right bilan page after sign-in. Axe on every page, screenshots parent-*.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import type { APIRequestContext, Page } from "@playwright/test";
import { ConvexHttpClient } from "convex/browser";
import { ConvexError } from "convex/values";
import { expectNoSeriousA11yViolations } from "./a11y";
import { expect, test } from "./fixtures";
import { captureScreenshots } from "./screenshots";
import { signIn } from "./sign-in";

const CONVEX_URL = "http://127.0.0.1:3210";
const CONVEX_SITE_URL = "http://127.0.0.1:3211";
const WEB = "http://127.0.0.1:3000";
/** Camille's NSI bilan is seeded `sent`: the worker builds and e-mails its PDF after start. */
const NSI = "Bilan de Numérique et sciences informatiques";

/** A Convex client acting as the person signed in on `page` (the browser's own token route). */
async function convexAs(request: APIRequestContext): Promise<ConvexHttpClient> {
  const response = await request.post(`${WEB}/auth/jeton`, { headers: { Origin: WEB } });
  expect(response.status()).toBe(200);
  const { token } = (await response.json()) as { token: string };
  const client = new ConvexHttpClient(CONVEX_URL);
  client.setAuth(token);
  return client;
}

async function convexErrorCode(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ConvexError) return String((error.data as { code?: unknown }).code);
    throw error;
  }
  throw new Error("the call was expected to be refused");
}

/** Opens Camille's NSI bilan from Isabelle's home and returns its id once it is sent. */
async function openCamilleNsi(page: Page): Promise<Id<"bilans">> {
  const camille = page.getByRole("region", { name: "Camille Durand" });
  await camille.getByRole("link", { name: new RegExp(NSI) }).click();
  await expect(page).toHaveURL(/\/parent\/bilans\/[^/]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(
    "Bilan de Numérique et sciences informatiques de Camille",
  );
  // Live: the page turns to « Envoyé » without reload when the worker has sent the report.
  await expect(page.locator('[data-status="sent"]').first()).toBeVisible({ timeout: 45_000 });
  return decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!) as Id<"bilans">;
}

async function expectFrench404(page: Page) {
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page introuvable");
  await expect(page.getByText("Erreur 404")).toBeVisible();
}

test("un parent voit ses enfants et le bilan envoyé, sans recharger", async ({ page }) => {
  await signIn(page, "Isabelle Durand");
  await expect(page).toHaveURL(/\/parent$/);
  await expect(page.getByRole("heading", { level: 1, name: "Mes enfants" })).toBeVisible();
  const camille = page.getByRole("region", { name: "Camille Durand" });
  const lucas = page.getByRole("region", { name: "Lucas Durand" });
  await expect(camille).toBeVisible();
  await expect(lucas).toBeVisible();
  await expect(camille.getByText("Prochaine étape")).toBeVisible();
  // Lucas's next step depends on what other scenarios did with his bilans (the élève scenario
  // submits one): any sentence about him will do, as long as the card has one.
  await expect(lucas.getByText("Prochaine étape")).toBeVisible();
  await expect(lucas.getByText(/^Lucas /).first()).toBeVisible();
  // Another family's child never appears.
  await expect(page.getByRole("region", { name: "Yasmine Haddad" })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);

  const bilanId = await openCamilleNsi(page);
  await expect(page.getByRole("table", { name: /Résultats de Camille par domaine/ })).toBeVisible();
  // The chart (lazy) is drawn before the screenshot.
  await expect(page.locator("[data-chart-bar]").first()).toBeVisible();
  await expect(page.getByRole("heading", { name: "Plan de travail", exact: true })).toBeVisible();
  const download = page.getByRole("link", { name: "Télécharger le rapport (PDF)" });
  await expect(download).toHaveAttribute("href", `/rapport/${bilanId}`);
  const emails = page.getByRole("region", { name: "E-mails reçus pour ce bilan" });
  await expect(emails.getByText("Envoyé", { exact: true }).first()).toBeVisible();
  await expect(emails.getByText(/isabelle\.durand@/)).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "parent-bilan");

  // The report: /rapport/:id redirects to a five-minute link that serves the PDF.
  const report = await page.request.get(`/rapport/${bilanId}`, { maxRedirects: 0 });
  expect(report.status()).toBe(302);
  const fileUrl = report.headers().location!;
  expect(fileUrl.startsWith(`${CONVEX_SITE_URL}/files/`)).toBe(true);
  const file = await page.request.get(fileUrl);
  expect(file.status()).toBe(200);
  expect(file.headers()["content-type"]).toContain("application/pdf");
  expect((await file.body()).subarray(0, 5).toString()).toBe("%PDF-");

  await page.getByRole("link", { name: "Mes enfants" }).first().click();
  // Camille's NSI bilan, and her first maths bilan, both sent.
  await expect(
    camille.getByRole("link", { name: new RegExp(NSI) }).locator('[data-status="sent"]'),
  ).toBeVisible();
  await captureScreenshots(page, "parent-enfants");
});

test("un parent ne peut ouvrir ni le bilan, ni le PDF, ni un document d'une autre famille", async ({
  page,
  openAs,
  allowConsoleMessages,
}) => {
  // The browser logs each refused page load (404) as a failed resource.
  allowConsoleMessages(/Failed to load resource: the server responded with a status of 404/);
  await signIn(page, "Isabelle Durand");
  const camilleNsi = await openCamilleNsi(page);
  const isabelle = await convexAs(page.request);
  const camilleId = (await isabelle.query(api.bilans.get, { bilanId: camilleNsi })).studentId;

  // A coach of both families files a document in Camille's folder.
  const julien = await openAs("Julien Moreau");
  const coach = await convexAs(julien.request);
  const { uploadUrl, uploadId } = await coach.mutation(api.documents.generateUploadUrl, {});
  const posted = await julien.request.post(uploadUrl, {
    headers: { "Content-Type": "application/pdf" },
    data: Buffer.from(MINIMAL_PDF),
  });
  expect(posted.ok()).toBe(true);
  const { storageId } = (await posted.json()) as { storageId: Id<"_storage"> };
  const { documentId } = await coach.action(api.documents.create, {
    uploadId,
    storageId,
    title: "Copie de Camille",
    scope: "student",
    studentId: camilleId,
  });
  // Camille's own parent may download it: the refusal below is about the family, not the file.
  expect((await isabelle.action(api.files.documentUrl, { documentId })).url).toContain("/files/");

  const karimPage = await openAs("Karim Haddad");
  await expect(karimPage).toHaveURL(/\/parent$/);
  await expect(karimPage.getByRole("region", { name: "Camille Durand" })).toHaveCount(0);

  // The page: the French 404, as for a bilan that does not exist.
  const refused = await karimPage.goto(`/parent/bilans/${camilleNsi}`);
  expect(refused?.status()).toBe(404);
  await expectFrench404(karimPage);
  await expectNoSeriousA11yViolations(karimPage);
  await captureScreenshots(karimPage, "parent-bilan-refuse", { mobile: false });
  await expect(karimPage.getByText(/Camille|Numérique/)).toHaveCount(0);
  expect((await karimPage.goto(`/bilans/${camilleNsi}`))?.status()).toBe(404);
  await expectFrench404(karimPage);
  expect((await karimPage.goto("/parent/bilans/123inventebilans"))?.status()).toBe(404);

  // The PDF: through the web app and straight from Convex, as Karim.
  const viaWeb = await karimPage.request.get(`/rapport/${camilleNsi}`, { maxRedirects: 0 });
  expect(viaWeb.status()).toBe(404);
  const karim = await convexAs(karimPage.request);
  expect(
    await convexErrorCode(karim.action(api.files.bilanReportUrl, { bilanId: camilleNsi })),
  ).toBe("NOT_FOUND");
  expect(await convexErrorCode(karim.query(api.bilans.get, { bilanId: camilleNsi }))).toBe(
    "NOT_FOUND",
  );
  // A made-up file link on the Convex site.
  const madeUp = await karimPage.request.get(`${CONVEX_SITE_URL}/files/${"a".repeat(43)}`);
  expect(madeUp.status()).toBe(404);

  // Another student's document.
  expect(await convexErrorCode(karim.action(api.files.documentUrl, { documentId }))).toBe(
    "NOT_FOUND",
  );
});

test("un lien d'e-mail ouvert sans être connecté mène au bon bilan après connexion", async ({
  page,
  browser,
}) => {
  await signIn(page, "Isabelle Durand");
  const bilanId = await openCamilleNsi(page);

  const context = await browser.newContext();
  try {
    const visitor = await context.newPage();
    await visitor.goto(`/bilans/${bilanId}`);
    await expect(visitor).toHaveURL(
      (url) =>
        url.pathname === "/connexion" &&
        url.searchParams.get("redirectTo") === `/bilans/${bilanId}`,
    );
    await visitor.getByRole("button", { name: /^\s*Isabelle Durand/ }).click();
    await expect(visitor).toHaveURL(new RegExp(`/parent/bilans/${bilanId}$`));
    await expect(visitor.getByRole("heading", { level: 1 })).toHaveText(
      "Bilan de Numérique et sciences informatiques de Camille",
    );
  } finally {
    await context.close();
  }
});

/** The smallest PDF the upload check accepts (a real header and trailer). */
const MINIMAL_PDF = `%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj
trailer << /Root 1 0 R >>
%%EOF
`;
