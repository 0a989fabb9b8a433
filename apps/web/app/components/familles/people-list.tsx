// The « Personnes » list: one row per account with its role and state. An admin changes a role
// or deactivates an account after a confirmation (users.setRole / users.setActive, audited);
// the assistante reads them only (the server refuses her anyway).
import { api } from "@convex/_generated/api";
import { type Role, roles } from "@nexus/shared/vocabulary";
import { useMutation } from "convex/react";
import type { FunctionReturnType } from "convex/server";
import { useId, useState } from "react";
import { Dialog, DialogClose } from "~/components/review/dialog";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { toUserError } from "~/utils/errors";
import { canManageAccount } from "~/utils/families";
import { roleLabels } from "~/utils/roles";

type Person = FunctionReturnType<typeof api.users.search>[number];
type Viewer = { _id: string; role?: Role };

const dateFr = new Intl.DateTimeFormat("fr-FR", { dateStyle: "medium", timeZone: "Europe/Paris" });

export function PeopleList({ people, viewer }: { people: Person[]; viewer: Viewer }) {
  if (people.length === 0) {
    return <p className="mt-4 text-slate-700">Aucun compte ne correspond.</p>;
  }
  return (
    <ul className="mt-4 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
      {people.map((person) => (
        <PersonRow key={person._id} person={person} viewer={viewer} />
      ))}
    </ul>
  );
}

function PersonRow({ person, viewer }: { person: Person; viewer: Viewer }) {
  const manage = canManageAccount(viewer, person);
  const inactive = person.deactivatedAt !== undefined;
  return (
    <li className="flex flex-col gap-3 p-4 sm:flex-row sm:items-center sm:justify-between">
      <div className="min-w-0">
        <p className="font-semibold text-slate-900">{person.name}</p>
        <p className="break-all text-sm text-slate-700">{person.email}</p>
        <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-700">
          <Badge tone={person.role ? "info" : "attention"}>
            {person.role ? roleLabels[person.role] : "Sans rôle"}
          </Badge>
          {inactive ? <Badge tone="danger">Désactivé</Badge> : null}
          <span>Inscrit le {dateFr.format(person.createdAt)}</span>
        </p>
      </div>
      {manage ? (
        <div className="flex flex-wrap gap-2">
          <RoleDialog person={person} />
          <ActiveDialog person={person} />
        </div>
      ) : null}
    </li>
  );
}

function RoleDialog({ person }: { person: Person }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [role, setRole] = useState<string>(person.role ?? "");
  const [error, setError] = useState<string | null>(null);
  const setRoleMutation = useMutation(api.users.setRole);

  async function confirm() {
    setError(null);
    try {
      await setRoleMutation({ userId: person._id, role: role ? (role as Role) : null });
      setOpen(false);
    } catch (e) {
      setError(toUserError(e).message);
    }
  }

  return (
    <>
      <Button variant="secondary" size="sm" onClick={() => setOpen(true)}>
        Changer le rôle<span className="sr-only"> de {person.name}</span>
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title={`Rôle de ${person.name}`}
        description="Le changement prend effet immédiatement et figure au journal d'audit."
      >
        <label htmlFor={`${id}-role`} className="block text-sm font-semibold text-slate-900">
          Nouveau rôle
        </label>
        <select
          id={`${id}-role`}
          value={role}
          onChange={(e) => setRole(e.target.value)}
          className="mt-1 block w-full rounded-md border border-slate-400 px-3 py-2"
        >
          <option value="">Aucun rôle (accès retiré)</option>
          {roles.map((r) => (
            <option key={r} value={r}>
              {roleLabels[r]}
            </option>
          ))}
        </select>
        {error ? (
          <p role="alert" className="mt-3 text-sm text-red-800">
            {error}
          </p>
        ) : null}
        <div className="mt-5 flex justify-end gap-2">
          <DialogClose asChild>
            <Button variant="secondary">Annuler</Button>
          </DialogClose>
          <Button onClick={confirm}>Confirmer le changement</Button>
        </div>
      </Dialog>
    </>
  );
}

function ActiveDialog({ person }: { person: Person }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const setActive = useMutation(api.users.setActive);
  const inactive = person.deactivatedAt !== undefined;

  async function confirm() {
    setError(null);
    try {
      await setActive({ userId: person._id, active: inactive });
      setOpen(false);
    } catch (e) {
      setError(toUserError(e).message);
    }
  }

  return (
    <>
      <Button variant={inactive ? "secondary" : "danger"} size="sm" onClick={() => setOpen(true)}>
        {inactive ? "Réactiver" : "Désactiver"}
        <span className="sr-only"> le compte de {person.name}</span>
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title={
          inactive
            ? `Réactiver le compte de ${person.name} ?`
            : `Désactiver le compte de ${person.name} ?`
        }
        description={
          inactive
            ? "La personne retrouvera l'accès correspondant à son rôle."
            : "La personne ne pourra plus rien consulter ni modifier tant que son compte restera désactivé. Ses données sont conservées."
        }
      >
        {error ? (
          <p role="alert" className="text-sm text-red-800">
            {error}
          </p>
        ) : null}
        <div className="mt-2 flex justify-end gap-2">
          <DialogClose asChild>
            <Button variant="secondary">Annuler</Button>
          </DialogClose>
          <Button variant={inactive ? "primary" : "danger"} onClick={confirm}>
            {inactive ? "Réactiver" : "Désactiver"}
          </Button>
        </div>
      </Dialog>
    </>
  );
}
