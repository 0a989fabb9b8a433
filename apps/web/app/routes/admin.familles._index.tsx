// /admin/familles — « Familles et personnes » (admin, assistante): the élèves (live, paginated,
// searched by name, created here) and the people's accounts (filtered by role or « sans rôle »,
// searched by name or e-mail; role change and deactivation by an admin only).
import { api } from "@convex/_generated/api";
import { niveauLabels } from "@nexus/shared/vocabulary";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import { useMutation } from "convex/react";
import type { FunctionReturnType } from "convex/server";
import { useState } from "react";
import { PeopleList } from "~/components/familles/people-list";
import { StudentForm } from "~/components/familles/student-form";
import { Dialog } from "~/components/review/dialog";
import { Button } from "~/components/ui/button";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import {
  type FamiliesQuery,
  familiesHref,
  listArgsFor,
  NO_ROLE_PARAM,
  parseFamiliesQuery,
  statutLabels,
  studentName,
} from "~/utils/families";
import { useLiveQuery } from "~/utils/live-query";
import { roleLabels } from "~/utils/roles";

export const meta: MetaFunction = () => [{ title: "Familles et personnes — Nexus Réussite" }];

const PAGE_SIZE = 25;
const pageOpts = (cursor: string | null) => ({ numItems: PAGE_SIZE, cursor });

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, token } = await requireRole(request, ["admin", "assistante"]);
  const query = parseFamiliesQuery(new URL(request.url).searchParams);
  const convex = convexForRequest(token);
  const viewer = { _id: user._id as string, role: user.role };
  if (query.view === "eleves") {
    const students = query.search
      ? {
          kind: "search" as const,
          rows: await convex.query(api.students.search, { text: query.search }),
        }
      : {
          kind: "page" as const,
          page: await convex.query(api.students.listMine, {
            paginationOpts: pageOpts(query.cursor),
          }),
        };
    return { viewer, query, students, people: null };
  }
  const people = query.search
    ? {
        kind: "search" as const,
        rows: await convex.query(api.users.search, {
          text: query.search,
          ...(query.filter.kind === "role" ? { role: query.filter.role } : {}),
        }),
      }
    : {
        kind: "page" as const,
        page: await convex.query(api.users.list, {
          paginationOpts: pageOpts(query.cursor),
          ...listArgsFor(query.filter),
        }),
      };
  return { viewer, query, students: null, people };
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

export default function Families() {
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const tab = (view: FamiliesQuery["view"], label: string) => (
    <Link
      to={familiesHref(new URLSearchParams(), { vue: view === "eleves" ? null : view })}
      aria-current={data.query.view === view ? "page" : undefined}
      className={
        data.query.view === view
          ? "rounded-md bg-brand-700 px-4 py-2 font-semibold text-white"
          : "rounded-md px-4 py-2 font-semibold text-brand-800 hover:bg-brand-50"
      }
    >
      {label}
    </Link>
  );
  return (
    <section aria-labelledby="page-titre">
      <h1 id="page-titre" className="text-2xl font-bold text-brand-900 sm:text-3xl">
        Familles et personnes
      </h1>
      <nav aria-label="Vues" className="mt-4 flex gap-2 border-b border-slate-200 pb-3">
        {tab("eleves", "Élèves")}
        {tab("personnes", "Personnes")}
      </nav>
      {data.students ? (
        <StudentsView data={data} students={data.students} params={params} />
      ) : data.people ? (
        <PeopleView data={data} people={data.people} params={params} />
      ) : null}
    </section>
  );
}

function SearchForm({
  label,
  query,
  hidden,
}: {
  label: string;
  query: FamiliesQuery;
  hidden: Record<string, string>;
}) {
  return (
    <Form method="get" role="search" className="mt-4 flex flex-wrap items-end gap-2">
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <div className="min-w-0 flex-1">
        <label htmlFor="recherche" className="block text-sm font-semibold text-slate-900">
          {label}
        </label>
        <input
          id="recherche"
          name="q"
          type="search"
          defaultValue={query.search}
          className="mt-1 block w-full rounded-md border border-slate-400 px-3 py-2 text-base focus:outline-2 focus:outline-brand-700"
        />
      </div>
      <Button type="submit" variant="secondary">
        Rechercher
      </Button>
    </Form>
  );
}

function Pager({
  params,
  cursor,
  next,
}: {
  params: URLSearchParams;
  cursor: string | null;
  next: string | null;
}) {
  if (!cursor && !next) return null;
  return (
    <nav aria-label="Pages" className="mt-4 flex flex-wrap gap-2">
      {cursor ? (
        <Button asChild variant="secondary" size="sm">
          <Link to={familiesHref(params, { page: null })}>Première page</Link>
        </Button>
      ) : null}
      {next ? (
        <Button asChild variant="secondary" size="sm">
          <Link to={familiesHref(params, { page: next })}>Page suivante</Link>
        </Button>
      ) : null}
    </nav>
  );
}

function StudentsView({
  data,
  students,
  params,
}: {
  data: Data;
  students: NonNullable<Data["students"]>;
  params: URLSearchParams;
}) {
  const { query } = data;
  const searched = useLiveQuery(
    api.students.search,
    students.kind === "search" ? { text: query.search } : "skip",
    students.kind === "search" ? students.rows : [],
  );
  const page = useLiveQuery(
    api.students.listMine,
    students.kind === "page" ? { paginationOpts: pageOpts(query.cursor) } : "skip",
    students.kind === "page" ? students.page : { page: [], isDone: true, continueCursor: "" },
  );
  const rows = students.kind === "search" ? searched : page.page;
  const next = students.kind === "page" && !page.isDone ? page.continueCursor : null;
  return (
    <div>
      <div className="mt-4 flex flex-wrap items-center justify-between gap-3">
        <h2 className="text-xl font-semibold text-slate-900">Élèves</h2>
        <CreateStudent />
      </div>
      <SearchForm label="Rechercher un élève par nom ou prénom" query={query} hidden={{}} />
      {query.search ? (
        <p role="status" className="mt-3 text-slate-700">
          {rows.length === 0
            ? `Aucun élève ne correspond à « ${query.search} ».`
            : `${rows.length} élève${rows.length > 1 ? "s" : ""} pour « ${query.search} ».`}{" "}
          <Link to="/admin/familles" className="font-semibold text-brand-800 underline">
            Voir tous les élèves
          </Link>
        </p>
      ) : rows.length === 0 ? (
        <p className="mt-3 text-slate-700">Aucun élève pour l'instant : créez le premier.</p>
      ) : null}
      {rows.length > 0 ? <StudentTable rows={rows} /> : null}
      <Pager params={params} cursor={query.cursor} next={next} />
    </div>
  );
}

type StudentRow = FunctionReturnType<typeof api.students.search>[number];

function StudentTable({ rows }: { rows: StudentRow[] }) {
  return (
    <ul className="mt-4 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
      {rows.map((s) => (
        <li key={s._id} className="flex flex-wrap items-center justify-between gap-2 p-4">
          <div className="min-w-0">
            <Link
              to={`/admin/familles/eleves/${s._id}`}
              className="font-semibold text-brand-800 underline underline-offset-2"
            >
              {studentName(s)}
            </Link>
            <p className="text-sm text-slate-700">
              {niveauLabels[s.niveau]} · {statutLabels[s.statut]}
              {s.school ? ` · ${s.school}` : ""}
            </p>
          </div>
          {s.specialites.length > 0 ? (
            <p className="text-sm text-slate-700">{s.specialites.join(", ")}</p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function CreateStudent() {
  const [open, setOpen] = useState(false);
  const create = useMutation(api.students.create);
  const navigate = useNavigate();
  return (
    <>
      <Button onClick={() => setOpen(true)}>Nouvel élève</Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title="Nouvel élève"
        description="Vous pourrez ensuite lier ses parents et lui affecter un coach."
      >
        <StudentForm
          submitLabel="Créer l'élève"
          onSubmit={async (values) => {
            const id = await create(values);
            navigate(`/admin/familles/eleves/${id}`);
          }}
          onDone={() => setOpen(false)}
        />
      </Dialog>
    </>
  );
}

function PeopleView({
  data,
  people,
  params,
}: {
  data: Data;
  people: NonNullable<Data["people"]>;
  params: URLSearchParams;
}) {
  const { query, viewer } = data;
  const role = query.filter.kind === "role" ? query.filter.role : undefined;
  const searched = useLiveQuery(
    api.users.search,
    people.kind === "search" ? { text: query.search, ...(role ? { role } : {}) } : "skip",
    people.kind === "search" ? people.rows : [],
  );
  const page = useLiveQuery(
    api.users.list,
    people.kind === "page"
      ? { paginationOpts: pageOpts(query.cursor), ...listArgsFor(query.filter) }
      : "skip",
    people.kind === "page" ? people.page : { page: [], isDone: true, continueCursor: "" },
  );
  const rows = people.kind === "search" ? searched : page.page;
  const next = people.kind === "page" && !page.isDone ? page.continueCursor : null;
  const filterValue =
    query.filter.kind === "role"
      ? query.filter.role
      : query.filter.kind === "noRole"
        ? NO_ROLE_PARAM
        : "";
  return (
    <div>
      <h2 className="mt-4 text-xl font-semibold text-slate-900">Personnes</h2>
      {viewer.role !== "admin" ? (
        <p className="mt-1 text-sm text-slate-700">
          Seul un administrateur peut changer un rôle ou désactiver un compte.
        </p>
      ) : null}
      <Form method="get" className="mt-4 flex flex-wrap items-end gap-2">
        <input type="hidden" name="vue" value="personnes" />
        {query.search ? <input type="hidden" name="q" value={query.search} /> : null}
        <div>
          <label htmlFor="filtre-role" className="block text-sm font-semibold text-slate-900">
            Rôle
          </label>
          <select
            id="filtre-role"
            name="role"
            defaultValue={filterValue}
            className="mt-1 block rounded-md border border-slate-400 px-3 py-2"
          >
            <option value="">Tous les comptes</option>
            <option value={NO_ROLE_PARAM}>Sans rôle (nouveaux comptes)</option>
            {(["admin", "assistante", "coach", "parent", "eleve"] as const).map((r) => (
              <option key={r} value={r}>
                {roleLabels[r]}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" variant="secondary">
          Filtrer
        </Button>
      </Form>
      <SearchForm
        label="Rechercher par nom ou adresse e-mail"
        query={query}
        hidden={{
          vue: "personnes",
          ...(filterValue && filterValue !== NO_ROLE_PARAM ? { role: filterValue } : {}),
        }}
      />
      {query.search ? (
        <p role="status" className="mt-3 text-slate-700">
          {rows.length} résultat{rows.length > 1 ? "s" : ""} pour « {query.search} ».{" "}
          <Link
            to={familiesHref(params, { q: null, page: null })}
            className="font-semibold text-brand-800 underline"
          >
            Effacer la recherche
          </Link>
        </p>
      ) : null}
      <PeopleList people={rows} viewer={viewer} />
      <Pager params={params} cursor={query.cursor} next={next} />
    </div>
  );
}
