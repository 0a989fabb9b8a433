// « Mes préférences » on the parent's home: how the centre's e-mails greet them (civility and
// name, first name, or a neutral « Bonjour, »). users.setMySalutation writes the caller's own
// row only; the greeting the e-mails will use is shown and announced once saved.
import { api } from "@convex/_generated/api";
import { useMutation } from "convex/react";
import { type FormEvent, useId, useState } from "react";
import { Button } from "~/components/ui/button";
import { Card, CardTitle } from "~/components/ui/card";
import { toUserError } from "~/utils/errors";
import {
  choiceFromForm,
  choiceOf,
  greetingOf,
  type SalutationChoice,
  type StoredSalutation,
  salutationDefaults,
} from "~/utils/salutation";

const field =
  "mt-1 block w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-base text-slate-900 focus:border-brand-700 focus:outline-2 focus:outline-brand-700";
const label = "block text-sm font-semibold text-slate-900";

const STYLES: { value: SalutationChoice["style"]; label: string }[] = [
  { value: "civilite", label: "Civilité et nom («\u00a0Bonjour Madame Durand,\u00a0»)" },
  { value: "prenom", label: "Prénom («\u00a0Bonjour Isabelle,\u00a0»)" },
  { value: "neutre", label: "Neutre («\u00a0Bonjour,\u00a0»)" },
];

type Outcome = { kind: "success" | "error"; message: string } | null;

export function PreferencesForm({
  accountName,
  salutation,
}: {
  accountName: string;
  salutation: StoredSalutation | undefined;
}) {
  const id = useId();
  const setSalutation = useMutation(api.users.setMySalutation);
  const defaults = salutationDefaults(accountName, salutation);
  const [style, setStyle] = useState(defaults.style);
  const [current, setCurrent] = useState(() => greetingOf(choiceOf(salutation)));
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = choiceFromForm(new FormData(event.currentTarget));
    if (!parsed.ok) {
      setOutcome({ kind: "error", message: parsed.message });
      return;
    }
    setOutcome(null);
    setPending(true);
    try {
      const saved = await setSalutation({ choice: parsed.choice });
      const greeting = greetingOf(choiceOf(saved.salutation));
      setCurrent(greeting);
      setOutcome({
        kind: "success",
        message: `Préférence enregistrée : vos prochains e-mails commenceront par «\u00a0${greeting}\u00a0».`,
      });
    } catch (error) {
      setOutcome({ kind: "error", message: toUserError(error).message });
    } finally {
      setPending(false);
    }
  }

  return (
    <Card aria-labelledby={`${id}-titre`} className="mt-8">
      <CardTitle id={`${id}-titre`}>Mes préférences</CardTitle>
      <p className="mt-1 text-slate-700">
        Les e-mails du centre vous saluent actuellement par :{" "}
        <strong>{`«\u00a0${current}\u00a0»`}</strong>
      </p>
      <form onSubmit={submit} className="mt-4 space-y-4" noValidate>
        <fieldset>
          <legend className={label}>Comment souhaitez-vous être salué(e) dans les e-mails ?</legend>
          <div className="mt-2 space-y-2">
            {STYLES.map((option) => (
              <label key={option.value} className="flex min-h-11 items-center gap-3 text-slate-900">
                <input
                  type="radio"
                  name="style"
                  value={option.value}
                  checked={style === option.value}
                  onChange={() => setStyle(option.value)}
                  className="h-5 w-5 shrink-0 accent-brand-700"
                />
                {option.label}
              </label>
            ))}
          </div>
        </fieldset>
        {style === "civilite" ? (
          <div className="grid gap-4 sm:grid-cols-2">
            <div>
              <label htmlFor={`${id}-civilite`} className={label}>
                Civilité
              </label>
              <select
                id={`${id}-civilite`}
                name="civility"
                className={field}
                defaultValue={defaults.civility}
              >
                <option value="Madame">Madame</option>
                <option value="Monsieur">Monsieur</option>
              </select>
            </div>
            <div>
              <label htmlFor={`${id}-nom`} className={label}>
                Nom
              </label>
              <input
                id={`${id}-nom`}
                name="lastName"
                className={field}
                defaultValue={defaults.lastName}
                autoComplete="family-name"
              />
            </div>
          </div>
        ) : null}
        {style === "prenom" ? (
          <div className="sm:max-w-xs">
            <label htmlFor={`${id}-prenom`} className={label}>
              Prénom
            </label>
            <input
              id={`${id}-prenom`}
              name="firstName"
              className={field}
              defaultValue={defaults.firstName}
              autoComplete="given-name"
            />
          </div>
        ) : null}
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" disabled={pending}>
            {pending ? "Enregistrement…" : "Enregistrer mes préférences"}
          </Button>
          <p role="status" aria-live="polite" className="text-sm text-emerald-800">
            {outcome?.kind === "success" ? outcome.message : ""}
          </p>
        </div>
        {outcome?.kind === "error" ? (
          <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-900">
            {outcome.message}
          </p>
        ) : null}
      </form>
    </Card>
  );
}
