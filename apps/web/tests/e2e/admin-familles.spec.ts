// Families and people (issue 11): the assistante (Nadia Benali) creates an élève from
// /admin/familles, links an existing parent (Karim Haddad, found by e-mail) and assigns a coach
// (Claire Lefèvre, found by name) on the élève's page; Karim, whose /parent page is open in his
// own browser, sees the new child's card appear without reload. Then the « Personnes » view
// (filtered on parents) and a server refusal in French. At the end the links are undone, so the
// other scenarios find the demo families as seeded. Axe on every page visited.
import { expectNoSeriousA11yViolations } from "./a11y";
import { expect, test } from "./fixtures";
import { captureScreenshots } from "./screenshots";
import { signIn } from "./sign-in";

test("l'assistante crée un élève, lie un parent et affecte un coach ; le parent le voit en direct", async ({
  page,
  openAs,
  allowConsoleMessages,
}) => {
  test.setTimeout(120_000);
  // The Convex client logs the refused creation (a name left empty) that the dialog shows.
  allowConsoleMessages(/\[CONVEX M\(students:create\)\][\s\S]*Le nom de l'élève est obligatoire/);
  // Each e2e run starts from a fresh data folder: a fixed name is unique.
  const lastName = "Marchand";
  const fullName = `Zoé ${lastName}`;

  const parent = await openAs("Karim Haddad");
  await parent.goto("/parent");
  await expect(parent.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(parent.getByText(fullName)).toHaveCount(0);
  await parent.evaluate(() => {
    (window as unknown as { __sansRechargement: boolean }).__sansRechargement = true;
  });

  await signIn(page, "Nadia Benali");
  await page.goto("/admin");
  await page.getByRole("link", { name: "Familles", exact: true }).click();
  await expect(
    page.getByRole("heading", { level: 1, name: "Familles et personnes" }),
  ).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // A name left empty: the server's French refusal, shown in the dialog.
  await page.getByRole("button", { name: "Nouvel élève" }).click();
  const dialog = page.getByRole("dialog", { name: "Nouvel élève" });
  await dialog.getByLabel("Prénom").fill("Zoé");
  await dialog.getByRole("button", { name: "Créer l'élève" }).click();
  await expect(dialog.getByRole("alert")).toContainText("nom de l'élève");
  await expectNoSeriousA11yViolations(page);

  await dialog.getByLabel("Nom", { exact: true }).fill(lastName);
  await dialog.getByLabel("Niveau").selectOption("premiere");
  await dialog.getByLabel("Spécialités").fill("Mathématiques, NSI");
  await dialog.getByLabel(/Établissement/).fill("Lycée Pasteur");
  // The birth date decides ARIA's parental consent (under 15, or unknown: a parent agrees).
  await dialog.getByLabel(/Date de naissance/).fill("2011-12-02");
  await dialog.getByRole("button", { name: "Créer l'élève" }).click();

  await expect(page).toHaveURL(/\/admin\/familles\/eleves\//);
  const studentUrl = page.url();
  await expect(page.getByRole("heading", { level: 1, name: fullName })).toBeVisible();
  await expect(page.getByText("Première")).toBeVisible();
  await expect(page.getByText("2 décembre 2011")).toBeVisible();
  await expect(page.getByText("Aucun parent n'est encore lié à cet élève.")).toBeVisible();

  // Link Karim Haddad, found by the start of his e-mail.
  await page.getByRole("button", { name: "Lier un parent" }).click();
  const linkDialog = page.getByRole("dialog", { name: "Lier un parent" });
  await linkDialog.getByLabel("Nom ou adresse e-mail").fill("karim.had");
  await expectNoSeriousA11yViolations(page);
  await linkDialog.getByRole("button", { name: "Lier : Karim Haddad" }).click();
  await expect(linkDialog).toBeHidden();
  await expect(page.getByTestId("parents-liste")).toContainText("Karim Haddad");

  // The parent's page shows the new child, live.
  await expect(parent.getByRole("heading", { name: fullName })).toBeVisible();
  expect(
    await parent.evaluate(
      () => (window as unknown as { __sansRechargement?: boolean }).__sansRechargement,
    ),
  ).toBe(true);
  await expectNoSeriousA11yViolations(parent);

  // Assign Claire Lefèvre, found by name.
  await page.getByRole("button", { name: "Affecter un coach" }).click();
  const coachDialog = page.getByRole("dialog", { name: "Affecter un coach" });
  await coachDialog.getByLabel("Nom ou adresse e-mail").fill("Claire");
  await coachDialog.getByRole("button", { name: "Affecter : Claire Lefèvre" }).click();
  await expect(coachDialog).toBeHidden();
  await expect(page.getByTestId("coachs-liste")).toContainText("Claire Lefèvre");
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "admin-familles-eleve");

  // The élève is found by name from the list.
  await page.goto(`/admin/familles?q=${encodeURIComponent(lastName)}`);
  await expect(page.getByRole("link", { name: fullName })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "admin-familles");

  // People: the parents, read-only for the assistante.
  await page.goto("/admin/familles?vue=personnes&role=parent");
  await expect(page.getByText("karim.haddad@", { exact: false })).toBeVisible();
  await expect(page.getByText("Seul un administrateur peut changer un rôle")).toBeVisible();
  await expect(page.getByRole("button", { name: /Changer le rôle/ })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);
  await captureScreenshots(page, "admin-familles-personnes");

  // Undo the links: the child leaves Karim's page, live.
  await page.goto(studentUrl);
  await page.getByRole("button", { name: "Délier Karim Haddad" }).click();
  await page.getByRole("button", { name: "Retirer Claire Lefèvre" }).click();
  await expect(page.getByText("Aucun parent n'est encore lié à cet élève.")).toBeVisible();
  await expect(page.getByText("Aucun coach n'est encore affecté à cet élève.")).toBeVisible();
  await expect(parent.getByRole("heading", { name: fullName })).toHaveCount(0);
});
