// Invitations (issue 11, scenario 1): the assistante (Nadia Benali) invites a new parent for a
// seeded élève (Camille Durand, whose NSI bilan is seeded `sent`); the invitation e-mail lands in
// the local outbox; before accepting, the invited e-mail cannot sign in on its own; a fresh
// browser follows the e-mail's link, signs in with the invited e-mail (the dev sign-in brings
// it back to the link), accepts, and sees Camille's bilans on /parent; the link then refuses a
// second use. At the end the new parent is unlinked, so the other scenarios find the demo
// families as seeded. Axe on every page; screenshots admin-invitations and invitation-accueil.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./a11y";
import { expect, test } from "./fixtures";
import { captureScreenshots } from "./screenshots";
import { signIn } from "./sign-in";

const INVITED = "olivier.durand@exemple.fr";
const NSI = "Bilan de Numérique et sciences informatiques";

/** The stack's outbox (EMAIL_OUTBOX_DIR under the e2e data folder, tests/setup/global-setup.ts). */
function outboxDir(): string {
  const configFile = test.info().config.configFile;
  if (!configFile) throw new Error("the outbox is found from the Playwright config's location");
  return resolve(dirname(configFile), "../../test-results/e2e/data/outbox");
}

/** Quoted-printable (RFC 2045) → text: soft line breaks removed, =XX bytes decoded as UTF-8. */
function decodeQuotedPrintable(body: string): string {
  const joined = body.replace(/=\r?\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === "=" && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i]!, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** The invitation e-mails sent to `to`, decoded, newest file last. */
function invitationEmails(to: string): string[] {
  let files: string[];
  try {
    files = readdirSync(outboxDir()).filter((f) => f.endsWith(".eml"));
  } catch {
    return [];
  }
  return files
    .map((file) => readFileSync(join(outboxDir(), file), "utf8"))
    .filter((raw) => new RegExp(`^To:.*${to.replace(/[.]/g, "\\.")}`, "mi").test(raw))
    .map(decodeQuotedPrintable)
    .filter((text) => text.includes("/invitation/"));
}

async function expectHeading(page: Page, name: string) {
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
}

test("l'assistante invite un parent ; il accepte par le lien de l'e-mail et voit les bilans de son enfant", async ({
  page,
  browser,
  consoleGuard,
  allowConsoleMessages,
}) => {
  test.setTimeout(150_000);
  // The refused sign-in of the invited e-mail without its link answers 400 (the browser logs it).
  allowConsoleMessages(
    /status of 400 \(Bad Request\) \(http:\/\/127\.0\.0\.1:3000\/connexion\.data\)/,
  );

  await signIn(page, "Nadia Benali");
  await page.goto("/admin");
  // The home's card (the header has the same link).
  await page.locator("#contenu").getByRole("link", { name: "Invitations", exact: true }).click();
  await expectHeading(page, "Invitations");
  await expectNoSeriousA11yViolations(page);

  // The invitation: e-mail, role, and the child chosen with the élève search.
  await page.getByLabel("Adresse e-mail").fill(INVITED);
  await expect(page.getByLabel("Rôle")).toHaveValue("parent");
  await page.getByLabel("Rechercher un élève (prénom ou nom)").fill("Camille");
  await page.getByRole("button", { name: "Choisir Camille Durand" }).click();
  await expect(page.getByRole("list", { name: "Enfants choisis" })).toContainText("Camille Durand");
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("button", { name: "Envoyer l'invitation" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Invitation envoyée" })).toContainText(
    `Invitation envoyée à ${INVITED}`,
  );

  // Live: the new invitation appears, then its e-mail is marked sent by the worker.
  const card = page.getByTestId("invitation").filter({ hasText: INVITED });
  await expect(card).toHaveAttribute("data-status", "pending");
  await expect(card).toContainText("En attente");
  await expect(card).toContainText("Camille Durand");
  await expect(card).toContainText(/envoyé/, { timeout: 45_000 });
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "admin-invitations");

  // The e-mail in the outbox: French, who invites, the role in words, the single-use link.
  await expect.poll(() => invitationEmails(INVITED).length, { timeout: 30_000 }).toBe(1);
  const email = invitationEmails(INVITED)[0]!;
  expect(email).toContain(
    "Nadia Benali vous invite à rejoindre l’espace en ligne de Nexus Réussite",
  );
  expect(email).toContain("en tant que parent de Camille Durand");
  expect(email).toMatch(/expire le \S+ \d{1,2} \S+ \d{4} à \d{2} h \d{2}/);
  const link = /https?:\/\/[^\s"<>]+\/invitation\/[A-Za-z0-9_-]{43}/.exec(email)?.[0];
  expect(link).toBeDefined();
  const invitationPath = new URL(link!).pathname;

  // Without the link, the invited e-mail has no account and gains no access.
  const stranger = await browser.newContext();
  consoleGuard.watch(stranger);
  const strangerPage = await stranger.newPage();
  await strangerPage.goto("/connexion");
  await strangerPage.getByRole("textbox", { name: /e-mail/i }).fill(INVITED);
  await strangerPage.getByRole("button", { name: "Se connecter" }).click();
  await expect(strangerPage.getByRole("alert")).toContainText("Aucun compte n'existe");
  await stranger.close();

  // A fresh browser follows the link, signed out.
  const context = await browser.newContext();
  consoleGuard.watch(context);
  const guest = await context.newPage();
  await guest.goto(invitationPath);
  await expectHeading(guest, "Invitation à rejoindre Nexus Réussite");
  await expect(guest.getByText("Nadia Benali vous invite")).toContainText(
    "en tant que parent de Camille, pour suivre ses bilans",
  );
  await expectNoSeriousA11yViolations(guest);
  await captureScreenshots(guest, "invitation-accueil");

  // Sign in with the invited e-mail: the sign-in page knows it is an invitation, then comes back.
  await guest.getByRole("link", { name: "Se connecter pour accepter" }).click();
  await expect(guest).toHaveURL(/\/connexion\?redirectTo=/);
  await expect(guest.getByText("Vous avez été invité(e)")).toBeVisible();
  await expectNoSeriousA11yViolations(guest);
  await guest.getByRole("textbox", { name: /e-mail/i }).fill(INVITED);
  await guest
    .locator("form")
    .filter({ has: guest.getByRole("textbox", { name: /e-mail/i }) })
    .getByRole("button")
    .click();
  await expect(guest).toHaveURL((url) => url.pathname === invitationPath);
  await expect(guest.getByText(`(${INVITED})`)).toBeVisible();
  await expectNoSeriousA11yViolations(guest);

  // Accept: the parent's home, with Camille's bilans.
  await guest.getByRole("button", { name: "Accepter l'invitation" }).click();
  await expect(guest).toHaveURL(/\/parent$/);
  const camille = guest.getByRole("region", { name: "Camille Durand" });
  await expect(camille.getByRole("link", { name: new RegExp(NSI) })).toBeVisible();
  await expectNoSeriousA11yViolations(guest);

  // Single use.
  await guest.goto(invitationPath);
  await expectHeading(guest, "Invitation déjà utilisée");
  await expectNoSeriousA11yViolations(guest);
  // A link no invitation has (mistyped, or replaced by a resend): its own page.
  await guest.goto(`/invitation/${"x".repeat(43)}`);
  await expectHeading(guest, "Lien d'invitation invalide");
  await expectNoSeriousA11yViolations(guest);
  await context.close();

  // The staff list shows it accepted, live; then the demo family is put back as seeded.
  await expect(card).toHaveAttribute("data-status", "accepted");
  await expect(card).toContainText("Acceptée");
  await card.getByRole("link", { name: "Camille Durand" }).click();
  await expectHeading(page, "Camille Durand");
  await page.getByRole("button", { name: /Délier olivier\.durand/ }).click();
  await expect(page.getByTestId("parents-liste")).not.toContainText("olivier.durand");
});
