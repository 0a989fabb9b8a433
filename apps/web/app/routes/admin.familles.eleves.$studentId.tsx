// /admin/familles/eleves/$studentId — one élève for the staff: identity (edited in a dialog),
// the report's plan settings (holiday zone, weekly availability), parents (link/unlink) and
// coaches (assign/unassign), all live.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { formatBirthDate } from "@nexus/shared/birth-date";
import { niveauLabels } from "@nexus/shared/vocabulary";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useMutation } from "convex/react";
import type { FunctionReturnType } from "convex/server";
import { type ReactNode, useState } from "react";
import { PersonPicker } from "~/components/familles/person-picker";
import { PlanningForm } from "~/components/familles/planning-form";
import { StudentForm } from "~/components/familles/student-form";
import { Dialog } from "~/components/review/dialog";
import { Button } from "~/components/ui/button";
import { Card, CardTitle } from "~/components/ui/card";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { toUserError } from "~/utils/errors";
import { statutLabels, studentName } from "~/utils/families";
import { useLiveQuery } from "~/utils/live-query";
import { availabilityLabel, zoneLabel } from "~/utils/planning";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `${studentName(data.student)} — Familles — Nexus Réussite`
      : "Élève — Nexus Réussite",
  },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["admin", "assistante"]);
  const studentId = params.studentId as Id<"students">;
  const convex = convexForRequest(token);
  try {
    const [student, relations] = await Promise.all([
      convex.query(api.students.get, { studentId }),
      convex.query(api.students.relations, { studentId }),
    ]);
    return { studentId, student, relations };
  } catch {
    throw new Response("Élève introuvable.", { status: 404 });
  }
}

type Relations = FunctionReturnType<typeof api.students.relations>;
type Person = Relations["parents"][number];

export default function StudentPage() {
  const data = useLoaderData<typeof loader>();
  const student = useLiveQuery(api.students.get, { studentId: data.studentId }, data.student);
  const relations = useLiveQuery(
    api.students.relations,
    { studentId: data.studentId },
    data.relations,
  );
  const linkParent = useMutation(api.students.linkParent);
  const unlinkParent = useMutation(api.students.unlinkParent);
  const assignCoach = useMutation(api.students.assignCoach);
  const unassignCoach = useMutation(api.students.unassignCoach);
  const studentId = data.studentId;

  return (
    <section aria-labelledby="page-titre" className="space-y-6">
      <div>
        <Link to="/admin/familles" className="text-sm font-semibold text-brand-800 underline">
          ← Familles et personnes
        </Link>
        <h1 id="page-titre" className="mt-2 text-2xl font-bold text-brand-900 sm:text-3xl">
          {studentName(student)}
        </h1>
      </div>

      <Card aria-labelledby="identite-titre">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <CardTitle id="identite-titre">Fiche de l'élève</CardTitle>
          <EditStudent student={student} />
        </div>
        <dl className="mt-3 grid gap-x-6 gap-y-2 sm:grid-cols-2">
          <Item term="Niveau">{niveauLabels[student.niveau]}</Item>
          <Item term="Statut">{statutLabels[student.statut]}</Item>
          <Item term="Spécialités">
            {student.specialites.length ? student.specialites.join(", ") : "Aucune indiquée"}
          </Item>
          <Item term="Établissement">{student.school ?? "Non renseigné"}</Item>
          <Item term="Date de naissance">
            {student.birthDate
              ? formatBirthDate(student.birthDate)
              : "Non renseignée (accord parental demandé pour ARIA)"}
          </Item>
          <Item term="Zone de vacances">{zoneLabel(student.holidayZone)}</Item>
          <Item term="Disponibilité">{availabilityLabel(student.weeklyAvailabilityHours)}</Item>
        </dl>
      </Card>

      <Card aria-labelledby="plan-titre">
        <CardTitle id="plan-titre">Plan de travail du rapport</CardTitle>
        <p className="mt-1 text-sm text-slate-700">
          Le rapport date chaque semaine du plan à partir de la validation du bilan.
        </p>
        <PlanningForm key={student._id} student={student} />
      </Card>

      <RelationCard
        id="parents"
        title="Parents"
        empty="Aucun parent n'est encore lié à cet élève."
        people={relations.parents}
        personRole="parent"
        addLabel="Lier un parent"
        extra={
          <Button asChild size="sm" variant="secondary">
            <Link to={`/admin/invitations?role=parent&eleve=${studentId}`}>Inviter un parent</Link>
          </Button>
        }
        pickLabel="Lier"
        removeLabel="Délier"
        onAdd={(parentId) => linkParent({ studentId, parentId })}
        onRemove={(parentId) => unlinkParent({ studentId, parentId })}
      />
      <RelationCard
        id="coachs"
        title="Coachs"
        empty="Aucun coach n'est encore affecté à cet élève."
        people={relations.coaches}
        personRole="coach"
        addLabel="Affecter un coach"
        pickLabel="Affecter"
        removeLabel="Retirer"
        onAdd={(coachId) => assignCoach({ studentId, coachId })}
        onRemove={(coachId) => unassignCoach({ studentId, coachId })}
      />
    </section>
  );
}

function Item({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-sm font-semibold text-slate-700">{term}</dt>
      <dd className="text-slate-900">{children}</dd>
    </div>
  );
}

function EditStudent({ student }: { student: FunctionReturnType<typeof api.students.get> }) {
  const [open, setOpen] = useState(false);
  const update = useMutation(api.students.update);
  return (
    <>
      <Button variant="secondary" size="sm" onClick={() => setOpen(true)}>
        Modifier la fiche
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title={`Modifier la fiche de ${studentName(student)}`}
      >
        <StudentForm
          student={student}
          submitLabel="Enregistrer"
          onSubmit={(values) =>
            update({
              studentId: student._id,
              ...values,
              school: values.school ?? "",
              birthDate: values.birthDate ?? null,
            })
          }
          onDone={() => setOpen(false)}
        />
      </Dialog>
    </>
  );
}

function RelationCard({
  id,
  title,
  empty,
  people,
  personRole,
  addLabel,
  pickLabel,
  removeLabel,
  onAdd,
  onRemove,
  extra,
}: {
  id: string;
  title: string;
  empty: string;
  people: Person[];
  personRole: "parent" | "coach";
  addLabel: string;
  pickLabel: string;
  removeLabel: string;
  onAdd: (userId: Id<"users">) => Promise<unknown>;
  onRemove: (userId: Id<"users">) => Promise<unknown>;
  /** Another action beside « add » (the parents' « Inviter un parent »). */
  extra?: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function remove(userId: Id<"users">) {
    setError(null);
    try {
      await onRemove(userId);
    } catch (e) {
      setError(toUserError(e).message);
    }
  }

  return (
    <Card aria-labelledby={`${id}-titre`}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <CardTitle id={`${id}-titre`}>{title}</CardTitle>
        <div className="flex flex-wrap gap-2">
          {extra}
          <Button size="sm" onClick={() => setOpen(true)}>
            {addLabel}
          </Button>
        </div>
      </div>
      {people.length === 0 ? (
        <p className="mt-3 text-slate-700">{empty}</p>
      ) : (
        <ul className="mt-3 divide-y divide-slate-200" data-testid={`${id}-liste`}>
          {people.map((person) => (
            <li key={person._id} className="flex flex-wrap items-center justify-between gap-2 py-3">
              <div className="min-w-0">
                <p className="font-medium text-slate-900">{person.name}</p>
                <p className="break-all text-sm text-slate-700">{person.email}</p>
              </div>
              <Button variant="secondary" size="sm" onClick={() => remove(person._id)}>
                {removeLabel}
                <span className="sr-only"> {person.name}</span>
              </Button>
            </li>
          ))}
        </ul>
      )}
      {error ? (
        <p role="alert" className="mt-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      <Dialog open={open} onOpenChange={setOpen} title={addLabel}>
        <PersonPicker
          role={personRole}
          excluded={new Set(people.map((p) => p._id))}
          actionLabel={pickLabel}
          onPick={async (userId) => {
            await onAdd(userId);
            setOpen(false);
          }}
        />
      </Dialog>
    </Card>
  );
}
