// /admin — the staff console's home: a card per section (app/utils/admin-sections.ts).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card, CardDescription, CardTitle } from "~/components/ui/card";
import { adminSections } from "~/utils/admin-sections";
import { requireRole } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Console du centre — Nexus Réussite" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireRole(request, ["admin", "assistante"]);
  return { name: user.name };
}

export default function StaffHome() {
  const { name } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="page-titre">
      <h1 id="page-titre" className="text-3xl font-bold text-brand-900">
        Console du centre
      </h1>
      <p className="mt-2 text-slate-700">Bonjour {name}.</p>
      <ul className="mt-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {adminSections.map((section) => (
          <li key={section.to}>
            <Card className="h-full">
              <CardTitle>
                <Link to={section.to} className="text-brand-800 underline underline-offset-4">
                  {section.title}
                </Link>
              </CardTitle>
              <CardDescription>{section.description}</CardDescription>
            </Card>
          </li>
        ))}
      </ul>
    </section>
  );
}
