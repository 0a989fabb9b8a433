// /admin/invitations — staff invite a parent, an élève or a coach (admin: also an assistante) by
// e-mail with the links accepting creates (the children, the élève record, the students
// followed), then follow every invitation live: en attente, acceptée, expirée, révoquée; resend
// (a new link, the old one stops working) and revoke behind a confirmation.
// ?role=parent&eleve=<studentId> pre-fills the form (the élève page's « Inviter un parent »).
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { formatWhenFr, formatWhenFrAlone } from "@nexus/shared/french-time";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useMutation, usePaginatedQuery } from "convex/react";
import type { FunctionReturnType } from "convex/server";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { type PickedStudent, StudentPicker } from "~/components/familles/student-picker";
import { Dialog, DialogClose } from "~/components/review/dialog";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardTitle } from "~/components/ui/card";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { formatDayFr } from "~/utils/dates-fr";
import { toUserError } from "~/utils/errors";
import {
  displayStatus,
  type InvitationRole,
  invitableRoles,
  invitationRoleLabels,
  invitationStatusLabels,
  studentLinkRules,
} from "~/utils/invitations";
import { roundToMinute } from "~/utils/jobs-console";
import { useMinuteClock } from "~/utils/use-minute-clock";

export const meta: MetaFunction = () => [{ title: "Invitations — Nexus Réussite" }];

const PAGE_SIZE = 20;

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, token } = await requireRole(request, ["admin", "assistante"]);
  const params = new URL(request.url).searchParams;
  const convex = convexForRequest(token);
  const roles = invitableRoles(user.role);
  const role = roles.find((r) => r === params.get("role")) ?? "parent";
  const studentId = params.get("eleve");
  let prefilled: PickedStudent[] = [];
  if (studentId) {
    try {
      const student = await convex.query(api.students.get, {
        studentId: studentId as Id<"students">,
      });
      prefilled = [{ id: student._id, name: `${student.firstName} ${student.lastName}` }];
    } catch {
      // An unknown id in the URL: the form starts empty.
    }
  }
  const first = await convex.query(api.invitations.list, {
    paginationOpts: { numItems: PAGE_SIZE, cursor: null },
  });
  return { roles, role, prefilled, first, now: roundToMinute(Date.now()) };
}

type InvitationRow = FunctionReturnType<typeof api.invitations.list>["page"][number];

export default function InvitationsPage() {
  const data = useLoaderData<typeof loader>();
  const live = usePaginatedQuery(
    api.invitations.list,
    typeof window === "undefined" ? "skip" : {},
    {
      initialNumItems: PAGE_SIZE,
    },
  );
  const now = useMinuteClock(data.now);
  const loaded = live.status !== "LoadingFirstPage";
  const invitations = loaded ? live.results : data.first.page;
  const canLoadMore = loaded ? live.status === "CanLoadMore" : !data.first.isDone;

  return (
    <section aria-labelledby="page-titre" className="space-y-6">
      <div>
        <h1 id="page-titre" className="text-2xl font-bold text-brand-900 sm:text-3xl">
          Invitations
        </h1>
        <p className="mt-2 text-slate-700">
          Invitez un parent, un élève ou un coach par e-mail : la personne reçoit un lien à usage
          unique, valable 7 jours, et obtient son accès en l'acceptant avec cette adresse.
        </p>
      </div>

      <InviteForm roles={data.roles} initialRole={data.role} prefilled={data.prefilled} />

      <div>
        <h2 className="text-xl font-semibold text-slate-900">Invitations envoyées</h2>
        <p className="mt-1 text-slate-700" aria-live="polite" data-testid="resume-invitations">
          {invitations.length === 0
            ? "Aucune invitation pour le moment."
            : `${invitations.length} invitation${invitations.length > 1 ? "s" : ""}${canLoadMore ? " (les plus récentes)" : ""}.`}
        </p>
        <ul className="mt-3 space-y-3">
          {invitations.map((invitation) => (
            <InvitationCard key={invitation._id} invitation={invitation} now={now} />
          ))}
        </ul>
        {canLoadMore ? (
          <div className="mt-4">
            <Button
              variant="secondary"
              disabled={!loaded || live.status !== "CanLoadMore"}
              onClick={() => live.loadMore(PAGE_SIZE)}
            >
              Plus anciennes
            </Button>
          </div>
        ) : null}
      </div>
    </section>
  );
}

function InviteForm({
  roles,
  initialRole,
  prefilled,
}: {
  roles: InvitationRole[];
  initialRole: InvitationRole;
  prefilled: PickedStudent[];
}) {
  const id = useId();
  const create = useMutation(api.invitations.create);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<InvitationRole>(initialRole);
  const [students, setStudents] = useState<PickedStudent[]>(prefilled);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const rule = studentLinkRules[role];

  function changeRole(next: InvitationRole) {
    setRole(next);
    const nextRule = studentLinkRules[next];
    setStudents((current) => (nextRule ? current.slice(0, nextRule.max) : []));
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setDone(null);
    setBusy(true);
    try {
      await create({ email, role, studentIds: students.map((s) => s.id) });
      setDone(
        `Invitation envoyée à ${email.trim().toLowerCase()} : l'e-mail part dans un instant.`,
      );
      setEmail("");
      setStudents([]);
    } catch (caught) {
      setError(toUserError(caught).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card aria-labelledby={`${id}-titre`}>
      <CardTitle id={`${id}-titre`}>Nouvelle invitation</CardTitle>
      <form onSubmit={submit} className="mt-4 space-y-4" noValidate>
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor={`${id}-email`} className="block text-sm font-semibold text-slate-900">
              Adresse e-mail
            </label>
            <input
              id={`${id}-email`}
              type="email"
              autoComplete="off"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              className="mt-1 block min-h-11 w-full rounded-md border border-slate-400 px-3 text-base focus:outline-2 focus:outline-brand-700"
            />
          </div>
          <div>
            <label htmlFor={`${id}-role`} className="block text-sm font-semibold text-slate-900">
              Rôle
            </label>
            <select
              id={`${id}-role`}
              value={role}
              onChange={(e) => changeRole(e.target.value as InvitationRole)}
              className="mt-1 block min-h-11 w-full rounded-md border border-slate-400 bg-white px-2 text-base"
            >
              {roles.map((r) => (
                <option key={r} value={r}>
                  {invitationRoleLabels[r]}
                </option>
              ))}
            </select>
          </div>
        </div>
        {rule ? (
          <StudentPicker
            key={role}
            legend={rule.legend}
            hint={rule.hint}
            value={students}
            onChange={setStudents}
            max={rule.max}
            withoutAccountOnly={role === "eleve"}
          />
        ) : (
          <p className="text-sm text-slate-700">
            Une assistante gère tout le centre : aucune fiche élève à lier.
          </p>
        )}
        {error ? (
          <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-red-900">
            {error}
          </p>
        ) : null}
        <p role="status" className="text-sm font-medium text-emerald-900">
          {done}
        </p>
        <Button type="submit" disabled={busy}>
          {busy ? "Envoi…" : "Envoyer l'invitation"}
        </Button>
      </form>
    </Card>
  );
}

function InvitationCard({ invitation, now }: { invitation: InvitationRow; now: number }) {
  const status = displayStatus(invitation, now);
  const badge = invitationStatusLabels[status];
  const more = invitation.studentCount - invitation.students.length;
  const open = status === "pending" || status === "expired";
  return (
    <li
      data-testid="invitation"
      data-status={status}
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="break-all font-semibold text-slate-900">{invitation.email}</h3>
        <Badge tone={badge.tone}>{badge.label}</Badge>
      </div>
      <dl className="mt-2 space-y-1 text-sm">
        <Row term="Rôle">{invitationRoleLabels[invitation.role]}</Row>
        {invitation.students.length > 0 ? (
          <Row term={invitation.role === "parent" ? "Enfants" : "Élèves"}>
            {invitation.students.map((s, i) => (
              <span key={s.id}>
                {i > 0 ? ", " : ""}
                <Link
                  to={`/admin/familles/eleves/${s.id}`}
                  className="text-brand-800 underline underline-offset-4"
                >
                  {s.name}
                </Link>
              </span>
            ))}
            {more > 0 ? ` et ${more} autre${more > 1 ? "s" : ""}` : ""}
          </Row>
        ) : null}
        <Row term="Invitée par">{invitation.invitedBy.name}</Row>
        <Row term="Créée">{formatWhenFrAlone(now, invitation.createdAt)}</Row>
        <Row term="E-mail">
          {invitation.sentAt
            ? `envoyé ${formatWhenFr(now, invitation.sentAt)}${invitation.generation > 1 ? ` (envoi n° ${invitation.generation})` : ""}`
            : invitation.status === "pending"
              ? "en cours d'envoi"
              : "non envoyé"}
        </Row>
        {status === "pending" ? (
          <Row term="Expire le">{formatDayFr(invitation.expiresAt)}</Row>
        ) : null}
        {status === "expired" ? (
          <Row term="Expirée le">{formatDayFr(invitation.expiresAt)}</Row>
        ) : null}
        {invitation.acceptedAt ? (
          <Row term="Acceptée">
            {formatWhenFrAlone(now, invitation.acceptedAt)}
            {invitation.acceptedBy ? ` par ${invitation.acceptedBy.name}` : ""}
          </Row>
        ) : null}
        {invitation.revokedAt ? (
          <Row term="Révoquée">{formatWhenFrAlone(now, invitation.revokedAt)}</Row>
        ) : null}
      </dl>
      {open ? (
        <div className="mt-3 flex flex-wrap gap-2">
          <ConfirmAction invitation={invitation} kind="resend" />
          <ConfirmAction invitation={invitation} kind="revoke" />
        </div>
      ) : null}
    </li>
  );
}

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="flex flex-wrap gap-x-2">
      <dt className="font-medium text-slate-700">{term} :</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

const actionTexts = {
  resend: {
    button: "Renvoyer",
    title: "Renvoyer l'invitation ?",
    description:
      "Un nouvel e-mail part avec un nouveau lien, valable 7 jours ; le lien précédent cesse de fonctionner immédiatement.",
    confirm: "Renvoyer l'invitation",
  },
  revoke: {
    button: "Révoquer",
    title: "Révoquer l'invitation ?",
    description:
      "Le lien cesse de fonctionner immédiatement : la personne ne pourra plus l'accepter. Pour l'inviter à nouveau, créez une nouvelle invitation.",
    confirm: "Révoquer l'invitation",
  },
} as const;

function ConfirmAction({
  invitation,
  kind,
}: {
  invitation: InvitationRow;
  kind: "resend" | "revoke";
}) {
  const resend = useMutation(api.invitations.resend);
  const revoke = useMutation(api.invitations.revoke);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const text = actionTexts[kind];

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      await (kind === "resend" ? resend : revoke)({ invitationId: invitation._id });
      setOpen(false);
    } catch (caught) {
      setError(toUserError(caught).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button
        size="sm"
        variant="secondary"
        onClick={() => {
          setError(null);
          setOpen(true);
        }}
        aria-label={`${text.button} l'invitation de ${invitation.email}`}
      >
        {text.button}
      </Button>
      <Dialog open={open} onOpenChange={setOpen} title={text.title} description={text.description}>
        <p className="break-all text-sm text-slate-700">
          {invitationRoleLabels[invitation.role]} · {invitation.email}
        </p>
        {error ? (
          <p role="alert" className="mt-3 text-sm font-medium text-red-800">
            {error}
          </p>
        ) : null}
        <div className="mt-4 flex flex-wrap justify-end gap-2">
          <DialogClose asChild>
            <Button variant="secondary">Ne rien faire</Button>
          </DialogClose>
          <Button
            variant={kind === "revoke" ? "danger" : "primary"}
            onClick={submit}
            disabled={busy}
          >
            {busy ? "Un instant…" : text.confirm}
          </Button>
        </div>
      </Dialog>
    </>
  );
}
