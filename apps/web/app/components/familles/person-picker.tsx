// Finds a parent or a coach by name or e-mail (users.search, live, bounded) and hands the chosen
// one to `onPick` (link a parent, assign a coach). Used inside a dialog of the élève's page.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { useQuery } from "convex/react";
import { useId, useState } from "react";
import { Button } from "~/components/ui/button";
import { toUserError } from "~/utils/errors";

export function PersonPicker({
  role,
  excluded,
  actionLabel,
  onPick,
}: {
  role: "parent" | "coach";
  /** Already linked: not offered again. */
  excluded: ReadonlySet<string>;
  actionLabel: string;
  onPick: (userId: Id<"users">) => Promise<unknown>;
}) {
  const id = useId();
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const results = useQuery(api.users.search, text.trim() ? { text, role } : "skip");
  const offered = (results ?? []).filter((u) => !excluded.has(u._id));

  async function pick(userId: Id<"users">) {
    setError(null);
    setPending(userId);
    try {
      await onPick(userId);
    } catch (e) {
      setError(toUserError(e).message);
    } finally {
      setPending(null);
    }
  }

  return (
    <div className="space-y-3">
      <label htmlFor={`${id}-recherche`} className="block text-sm font-semibold text-slate-900">
        Nom ou adresse e-mail
      </label>
      <input
        id={`${id}-recherche`}
        type="search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        className="block w-full rounded-md border border-slate-400 px-3 py-2 text-base focus:outline-2 focus:outline-brand-700"
        autoComplete="off"
      />
      <div role="status" aria-live="polite" className="text-sm text-slate-700">
        {!text.trim()
          ? `Tapez le début du nom ou de l'adresse e-mail d'un ${role === "parent" ? "parent" : "coach"}.`
          : results === undefined
            ? "Recherche…"
            : offered.length === 0
              ? "Aucun compte ne correspond."
              : `${offered.length} résultat${offered.length > 1 ? "s" : ""}.`}
      </div>
      {offered.length > 0 ? (
        <ul className="divide-y divide-slate-200 rounded-md border border-slate-200">
          {offered.map((user) => (
            <li key={user._id} className="flex flex-wrap items-center justify-between gap-2 p-3">
              <div className="min-w-0">
                <p className="font-medium text-slate-900">{user.name}</p>
                <p className="break-all text-sm text-slate-700">{user.email}</p>
              </div>
              <Button
                size="sm"
                onClick={() => pick(user._id)}
                disabled={pending !== null}
                aria-label={`${actionLabel} : ${user.name}`}
              >
                {pending === user._id ? "…" : actionLabel}
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <p role="alert" className="text-sm text-red-800">
          {error}
        </p>
      ) : null}
    </div>
  );
}
