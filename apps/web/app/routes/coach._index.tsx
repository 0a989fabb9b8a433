// Placeholder home of this role: the page engineers replace its content.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireRole } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Bilans à relire — Nexus Réussite" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireRole(request, ["coach"]);
  return { name: user.name };
}

export default function CoachHome() {
  const { name } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="page-titre">
      <h1 id="page-titre" className="text-3xl font-bold text-brand-900">
        Bilans à relire
      </h1>
      <p className="mt-2 text-slate-700">Bonjour {name}.</p>
    </section>
  );
}
