// Credits and sessions (issue 15): a parent (Karim Haddad) reserves a pack paid in cash; the
// assistante (Nadia Benali) confirms it and the parent's balance grows live; the parent books a
// session for Yasmine with her coach, the confirmation e-mail with its .ics lands in the outbox;
// the parent cancels more than 24 h before and the credits come back, live on the parent's page
// and on the assistante's wallets; the coach's agenda shows the week and the availability.
// Axe on every page; screenshots parent-seances, admin-paiements and coach-agenda.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./a11y";
import { expect, test } from "./fixtures";
import { captureScreenshots } from "./screenshots";
import { signIn } from "./sign-in";

function outboxDir(): string {
  const configFile = test.info().config.configFile;
  if (!configFile) throw new Error("the outbox is found from the Playwright config's location");
  return resolve(dirname(configFile), "../../test-results/e2e/data/outbox");
}

/** Raw .eml files sent to `to` whose text contains `marker`. */
function emails(to: string, marker: RegExp): string[] {
  let files: string[];
  try {
    files = readdirSync(outboxDir()).filter((f) => f.endsWith(".eml"));
  } catch {
    return [];
  }
  return files
    .map((file) => readFileSync(join(outboxDir(), file), "utf8"))
    .filter((raw) => new RegExp(`^To:.*${to.replace(/[.]/g, "\\.")}`, "mi").test(raw))
    .filter((raw) => marker.test(raw));
}

async function balanceOf(page: Page): Promise<number> {
  const text = (await page.getByTestId("solde").textContent()) ?? "";
  return Number(/-?\d+/.exec(text)?.[0]);
}

test("un parent achète un pack en espèces, l’accueil l’encaisse, il réserve puis annule et récupère ses crédits", async ({
  page,
  browser,
  consoleGuard,
}) => {
  test.setTimeout(180_000);
  await signIn(page, "Karim Haddad");
  await page.goto("/seances");
  await expect(page.getByRole("heading", { level: 1, name: "Séances et crédits" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Crédits de Yasmine" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  const start = await balanceOf(page);

  // The pack, paid in cash at the desk: reserved with a reference.
  await page.getByRole("radio", { name: /Pack découverte/ }).check();
  await page.getByRole("radio", { name: "Espèces à l’accueil" }).check();
  await page.getByRole("button", { name: "Réserver l’achat" }).click();
  const reserved = page.getByRole("status").filter({ hasText: "Achat réservé" });
  await expect(reserved).toContainText(/référence NXR-[0-9A-Z]{8}/);
  const reference = /NXR-[0-9A-Z]{8}/.exec((await reserved.textContent()) ?? "")![0];
  await expect(page.getByText("Paiements en attente")).toBeVisible();

  // The assistante confirms it on her page.
  const staffContext = await browser.newContext();
  consoleGuard.watch(staffContext);
  const staff = await staffContext.newPage();
  await signIn(staff, "Nadia Benali");
  await staff.goto("/admin/paiements");
  await expect(
    staff.getByRole("heading", { level: 1, name: "Paiements et séances" }),
  ).toBeVisible();
  await expectNoSeriousA11yViolations(staff);
  await staff.getByRole("button", { name: `Confirmer l’encaissement de ${reference}` }).click();
  await expect(staff.getByRole("status").filter({ hasText: reference })).toContainText("encaissé");

  // Live on the parent's page: 4 more credits, no pending payment.
  await expect(page.getByTestId("solde")).toHaveText(`${start + 4} crédits`);
  await expect(page.getByText("Paiements en attente")).toHaveCount(0);

  // Booking: one hour with Julien Moreau, the last free slot (days ahead, so > 24 h).
  const booking = page.getByRole("region", { name: "Réserver une séance" });
  await expect(booking.getByRole("combobox", { name: "Coach" })).toHaveValue(/.+/);
  const slots = booking.locator("fieldset button");
  await expect(slots.first()).toBeVisible();
  await slots.last().click();
  await booking.getByRole("button", { name: "Réserver (2 crédits)" }).click();
  await expect(booking.getByRole("status")).toContainText("Séance réservée le");
  await expect(page.getByTestId("solde")).toHaveText(`${start + 2} crédits`);
  const session = page.getByTestId("seance").filter({ hasText: "Réservée" }).last();
  await expect(session).toContainText("avec Julien Moreau");
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "parent-seances", { show: booking });

  // The confirmation e-mail with its calendar invitation, in the outbox.
  await expect
    .poll(() => emails("karim.haddad@", /seance\.ics/).length, { timeout: 60_000 })
    .toBeGreaterThan(0);
  const raw = emails("karim.haddad@", /seance\.ics/).at(-1)!;
  expect(raw).toMatch(/Content-Type: text\/calendar/i);
  const ics =
    /filename="?seance\.ics"?[\s\S]*?\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)/.exec(raw)?.[1] ?? "";
  const decoded = Buffer.from(ics.replace(/\s+/g, ""), "base64").toString("utf8");
  expect(decoded.includes("BEGIN:VEVENT") || raw.includes("BEGIN:VEVENT")).toBe(true);

  // The staff page shows Yasmine's balance live too.
  const yasmine = staff.getByRole("row", { name: /Yasmine Haddad/ });
  await expect(yasmine).toContainText(`${start + 2} crédits`);

  // Cancelling more than 24 h before: the credits come back, live on both pages.
  await session.getByRole("button", { name: "Annuler la séance" }).click();
  await expect(session).toContainText("Les 2 crédits seront rendus");
  await session.getByRole("button", { name: "Oui, annuler" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Séance annulée" })).toContainText(
    "les crédits sont rendus",
  );
  await expect(page.getByTestId("solde")).toHaveText(`${start + 4} crédits`);
  await expect(yasmine).toContainText(`${start + 4} crédits`);
  await expectNoSeriousA11yViolations(page);
  await expectNoSeriousA11yViolations(staff);
  await captureScreenshots(staff, "admin-paiements");
  await staffContext.close();

  // The coach's agenda of next week (the seeded future sessions), with availability.
  const coachContext = await browser.newContext();
  consoleGuard.watch(coachContext);
  const coach = await coachContext.newPage();
  await signIn(coach, "Julien Moreau");
  await coach.goto("/coach/agenda?semaine=1");
  await expect(coach.getByRole("heading", { level: 1, name: "Mon agenda" })).toBeVisible();
  await expect(
    coach.getByRole("heading", { name: "Mes disponibilités (heure de Paris)" }),
  ).toBeVisible();
  await expect(coach.getByText("Lundi 16 h – 20 h")).toBeVisible();
  await expectNoSeriousA11yViolations(coach);
  await captureScreenshots(coach, "coach-agenda");
  await coachContext.close();
});
