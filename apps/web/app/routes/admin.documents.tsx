// /admin/documents — the knowledge base: upload several files at once (bytes, then the live
// ingestion stages), the documents live with re-index and delete behind a confirmation, and
// a search tester that shows the chunks a question returns with their scores and pages.
import { api } from "@convex/_generated/api";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DocumentTable } from "~/components/admin/document-table";
import { DocumentUpload, type StudentOption } from "~/components/admin/document-upload";
import { KnowledgeSearch } from "~/components/admin/knowledge-search";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { roundToMinute } from "~/utils/jobs-console";
import { useLiveQuery } from "~/utils/live-query";
import { useMinuteClock } from "~/utils/use-minute-clock";

export const meta: MetaFunction = () => [{ title: "Base de connaissances — Nexus Réussite" }];

const DOCUMENTS = { limit: 100 };

export async function loader({ request }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["admin", "assistante"]);
  const convex = convexForRequest(token);
  const [documents, students] = await Promise.all([
    convex.query(api.documents.list, DOCUMENTS),
    convex.query(api.students.listMine, { paginationOpts: { numItems: 200, cursor: null } }),
  ]);
  const options: StudentOption[] = students.page
    .map((s) => ({ id: s._id, name: `${s.firstName} ${s.lastName}` }))
    .sort((a, b) => a.name.localeCompare(b.name, "fr"));
  return { documents, students: options, now: roundToMinute(Date.now()) };
}

export default function DocumentsPage() {
  const data = useLoaderData<typeof loader>();
  const documents = useLiveQuery(api.documents.list, DOCUMENTS, data.documents);
  const now = useMinuteClock(data.now);
  const studentNames = new Map(data.students.map((s) => [s.id as string, s.name]));
  const indexed = documents.filter((d) => d.status === "indexed").length;

  return (
    <section aria-labelledby="page-titre">
      <h1 id="page-titre" className="text-2xl font-bold text-brand-900 sm:text-3xl">
        Base de connaissances
      </h1>
      <p className="mt-2 text-slate-700">
        Les cours, fiches et sujets dont le worker se sert pour rédiger les bilans.{" "}
        {documents.length === 0
          ? "Aucun document pour l'instant."
          : `${indexed} document${indexed > 1 ? "s" : ""} indexé${indexed > 1 ? "s" : ""} sur ${documents.length}.`}
      </p>

      <h2 className="mt-6 text-xl font-semibold text-slate-900">Ajouter des documents</h2>
      <p className="mt-1 text-sm text-slate-700">
        20 Mo au plus par fichier. Les pages scannées passent par la reconnaissance de texte (OCR) ;
        un même fichier déjà présent dans la même portée n'est pas indexé deux fois.
      </p>
      <div className="mt-3">
        <DocumentUpload students={data.students} />
      </div>

      <h2 className="mt-8 text-xl font-semibold text-slate-900">Documents</h2>
      <DocumentTable documents={documents} studentNames={studentNames} now={now} />

      <h2 className="mt-8 text-xl font-semibold text-slate-900">Tester la recherche</h2>
      <p className="mt-1 text-sm text-slate-700">
        Les passages qu'un bilan recevrait pour cette question, avec leur score (fusion de la
        recherche par vecteurs et par mots, puis diversification).
      </p>
      <div className="mt-3">
        <KnowledgeSearch students={data.students} />
      </div>
    </section>
  );
}
