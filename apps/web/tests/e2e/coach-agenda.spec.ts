// The coach's agenda (issue 15): the coach (Julien Moreau) publishes a Sunday window; the parent
// (Karim Haddad) sees it among Yasmine's free slots (subject picker: Mathématiques) and books it;
// the coach finds the session in the week view on its Paris day; the coach writes notes on last
// week's session and the parent reads them on /seances, live. The window is removed at the end
// (the other specs book the seeded windows). Axe on every page; screenshots coach-agenda-semaine
// and parent-seances-notes.
import type { Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./a11y";
import { expect, test } from "./fixtures";
import { captureScreenshots } from "./screenshots";
import { signIn } from "./sign-in";

const NOTE = "Suites arithmétiques revues ; refaire l’exercice 4 avant la prochaine séance.";

/** The agenda week (?semaine=…) whose day region `dayLabel` holds a session of Yasmine's. */
async function weekShowing(coach: Page, dayLabel: string): Promise<number> {
  for (const week of [0, 1, 2]) {
    await coach.goto(`/coach/agenda?semaine=${week}`);
    await expect(coach.getByRole("heading", { level: 1, name: "Mon agenda" })).toBeVisible();
    if ((await coach.getByRole("region", { name: dayLabel, exact: true }).count()) > 0) return week;
  }
  throw new Error(`no agenda week shows ${dayLabel}`);
}

test("le coach publie une disponibilité, voit la séance réservée dans sa semaine et écrit des notes que le parent lit", async ({
  page,
  browser,
  consoleGuard,
}) => {
  test.setTimeout(180_000);
  const coachContext = await browser.newContext();
  consoleGuard.watch(coachContext);
  const coach = await coachContext.newPage();
  await signIn(coach, "Julien Moreau");
  await coach.goto("/coach/agenda");
  const editor = coach.getByRole("region", { name: "Mes disponibilités (heure de Paris)" });
  await expect(editor).toBeVisible();
  await expect(editor.getByRole("group", { name: "Matières enseignées" })).toBeVisible();

  // A new weekly window: Sunday, 10 h – 12 h (Paris).
  await editor.getByRole("combobox", { name: "Jour" }).selectOption({ label: "dimanche" });
  await editor.getByRole("combobox", { name: "De" }).selectOption(String(10 * 60));
  await editor.getByRole("combobox", { name: "À" }).selectOption(String(12 * 60));
  await editor.getByRole("button", { name: "Ajouter la plage" }).click();
  await expect(editor.getByRole("status")).toHaveText("Plage ajoutée.");
  const sundayWindow = editor
    .getByRole("listitem")
    .filter({ hasText: /Dimanche\s*10\s*h – 12\s*h/ });
  await expect(sundayWindow).toBeVisible();
  await expectNoSeriousA11yViolations(coach);

  // The parent books that Sunday, 10 h, for Yasmine, in mathematics.
  await signIn(page, "Karim Haddad");
  await page.goto("/seances");
  const booking = page.getByRole("region", { name: "Réserver une séance" });
  await expect(booking.getByRole("combobox", { name: "Matière" })).toHaveValue("maths");
  await expect(booking.getByRole("option", { name: "Mathématiques" })).toBeAttached();
  const sunday = booking
    .locator("fieldset")
    .filter({ has: page.locator("legend", { hasText: /^Dimanche/ }) })
    .first();
  await expect(sunday).toBeVisible();
  const dayLegend = ((await sunday.locator("legend").textContent()) ?? "").trim();
  await sunday.getByRole("button", { name: /^10\s*h$/ }).click();
  await booking.getByRole("button", { name: "Réserver (2 crédits)" }).click();
  await expect(booking.getByRole("status")).toContainText(
    `Séance réservée le ${dayLegend.toLowerCase()}`,
  );
  await expectNoSeriousA11yViolations(page);

  // The coach's week view shows it on that Paris day, at 10 h.
  const dayLabel = dayLegend.toLowerCase();
  await weekShowing(coach, dayLabel);
  const day = coach.getByRole("region", { name: dayLabel, exact: true });
  await expect(day).toContainText(/10\s*h Yasmine Haddad \(Mathématiques\)/);
  const details = coach.getByRole("region", { name: "Séances de la semaine" });
  await expect(
    details
      .getByRole("listitem")
      .filter({ hasText: /Yasmine Haddad, Mathématiques/ })
      .first(),
  ).toContainText("Réservée");
  await expectNoSeriousA11yViolations(coach);
  await captureScreenshots(coach, "coach-agenda-semaine", { show: day });

  // Notes on last week's session (seeded: Yasmine did not come), read by the parent.
  let past = coach.locator("li").filter({ hasText: /Yasmine Haddad, Mathématiques/ });
  for (const week of [-1, -2]) {
    await coach.goto(`/coach/agenda?semaine=${week}`);
    await expect(coach.getByRole("heading", { level: 1, name: "Mon agenda" })).toBeVisible();
    past = coach
      .getByRole("region", { name: "Séances de la semaine" })
      .getByRole("listitem")
      .filter({ hasText: /Yasmine Haddad, Mathématiques/ })
      .filter({ has: coach.getByRole("textbox") });
    if ((await past.count()) > 0) break;
  }
  const item = past.first();
  await item
    .getByRole("textbox", { name: "Notes de séance (visibles par l’élève et ses parents)" })
    .fill(NOTE);
  await item.getByRole("button", { name: "Enregistrer les notes" }).click();
  await expect(item.getByRole("status")).toHaveText("Notes enregistrées : la famille les voit.");
  await expectNoSeriousA11yViolations(coach);

  // Live on the parent's page (no reload).
  const noted = page.getByTestId("seance").filter({ hasText: NOTE });
  await expect(noted).toBeVisible();
  await expect(noted).toContainText("Notes du coach :");
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "parent-seances-notes", { show: noted });

  // The Sunday window goes again (the other specs book the seeded windows).
  await coach.goto("/coach/agenda");
  const again = coach
    .getByRole("region", { name: "Mes disponibilités (heure de Paris)" })
    .getByRole("listitem")
    .filter({ hasText: /Dimanche\s*10\s*h – 12\s*h/ });
  await again.getByRole("button", { name: "Retirer" }).click();
  await expect(again).toHaveCount(0);
  await coachContext.close();
});
