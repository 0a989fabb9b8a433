// Signing in as a person does, on the dev sign-in page (/connexion): one button per demo
// account, grouped by role, and an e-mail field for any existing user. Every selector of that
// page lives here: if the page changes, only this file does.
import { expect, type Page } from "@playwright/test";

export const SIGN_IN_PATH = "/connexion";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Leaves /connexion and waits for the page the app sends the person to. */
async function expectSignedIn(page: Page) {
  await expect(page).not.toHaveURL((url) => url.pathname.startsWith(SIGN_IN_PATH));
}

/**
 * Signs `page` in as the demo account named `name` (as shown on /connexion, e.g.
 * "Théo Lambert"), by clicking its button; resolves on the page the app lands on (/app sends
 * each role to its home). The page's context keeps the session cookie.
 */
export async function signIn(page: Page, name: string) {
  await page.goto(SIGN_IN_PATH);
  // A button's name may carry the account's description ("Mère de Théo Lambert."): prefer the
  // button whose name starts with the person's name, else the one that contains it.
  const pattern = escapeRegExp(name);
  await page.getByRole("button").first().waitFor();
  const startsWith = page.getByRole("button", { name: new RegExp(`^\\s*${pattern}`) });
  const button =
    (await startsWith.count()) > 0
      ? startsWith
      : page.getByRole("button", { name: new RegExp(pattern) });
  await button.click();
  await expectSignedIn(page);
}

/** Signs in with the e-mail field, as any existing user (not only the listed demo accounts). */
export async function signInWithEmail(page: Page, email: string) {
  await page.goto(SIGN_IN_PATH);
  const field = page.getByRole("textbox", { name: /e-mail/i });
  await field.fill(email);
  // The submit button of the form that holds the field (the account buttons are elsewhere).
  await page.locator("form").filter({ has: field }).getByRole("button").click();
  await expectSignedIn(page);
}
