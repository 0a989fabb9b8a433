// A parent's greeting in the e-mails, as the « Mes préférences » form edits it: the form's
// starting values from the account, the choice read from the form (users.setMySalutation's
// argument) and the greeting it gives, the same words as @nexus/email's greetingFor. Pure.

export type Civility = "Madame" | "Monsieur";
export type SalutationChoice =
  | { style: "civilite"; civility: Civility; lastName: string }
  | { style: "prenom"; firstName: string }
  | { style: "neutre" };

/** What users.salutation holds (convex/tables/people.ts vSalutation). */
export interface StoredSalutation {
  style: "civilite" | "prenom";
  civility?: Civility;
  firstName?: string;
  lastName?: string;
}

export interface SalutationDefaults {
  style: SalutationChoice["style"];
  civility: Civility;
  firstName: string;
  lastName: string;
}

/** The form's values: the stored preference, the names taken from the account's name otherwise. */
export function salutationDefaults(
  accountName: string,
  stored: StoredSalutation | undefined,
): SalutationDefaults {
  const [first = "", ...rest] = accountName.trim().split(/\s+/);
  return {
    style: stored?.style ?? "neutre",
    civility: stored?.civility ?? "Madame",
    firstName: stored?.firstName ?? first,
    lastName: stored?.lastName ?? rest.join(" "),
  };
}

/** The greeting an e-mail opens with for this choice. */
export function greetingOf(choice: SalutationChoice): string {
  if (choice.style === "civilite") return `Bonjour ${choice.civility} ${choice.lastName},`;
  if (choice.style === "prenom") return `Bonjour ${choice.firstName},`;
  return "Bonjour,";
}

/** The stored preference as a choice (none: neutral), for the « currently » line. */
export function choiceOf(stored: StoredSalutation | undefined): SalutationChoice {
  if (stored?.style === "prenom" && stored.firstName) {
    return { style: "prenom", firstName: stored.firstName };
  }
  if (stored?.civility && stored.lastName) {
    return { style: "civilite", civility: stored.civility, lastName: stored.lastName };
  }
  return { style: "neutre" };
}

export type ParsedChoice = { ok: true; choice: SalutationChoice } | { ok: false; message: string };

/** The choice in the submitted form; a missing name is refused in French before any call. */
export function choiceFromForm(form: FormData): ParsedChoice {
  const style = String(form.get("style") ?? "neutre");
  if (style === "civilite") {
    const lastName = String(form.get("lastName") ?? "").trim();
    const civility = form.get("civility") === "Monsieur" ? "Monsieur" : "Madame";
    if (!lastName) return { ok: false, message: "Indiquez votre nom pour « Civilité et nom »." };
    return { ok: true, choice: { style: "civilite", civility, lastName } };
  }
  if (style === "prenom") {
    const firstName = String(form.get("firstName") ?? "").trim();
    if (!firstName) return { ok: false, message: "Indiquez votre prénom pour « Prénom »." };
    return { ok: true, choice: { style: "prenom", firstName } };
  }
  return { ok: true, choice: { style: "neutre" } };
}
