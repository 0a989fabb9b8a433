import { api } from "@convex/_generated/api";
import { useLoaderData } from "@remix-run/react";
import { convexForRequest } from "~/utils/convex.server";

type BackendStatus = { ok: true } | { ok: false; reason: string };

export async function loader(): Promise<{ backend: BackendStatus }> {
  try {
    await convexForRequest().query(api.health.check, {});
    return { backend: { ok: true } };
  } catch (error) {
    return {
      backend: { ok: false, reason: error instanceof Error ? error.message : String(error) },
    };
  }
}

export default function Index() {
  const { backend } = useLoaderData<typeof loader>();
  return (
    <div className="mx-auto max-w-3xl py-8">
      <p className="text-sm font-semibold uppercase tracking-wide text-brand-600">Nexus Réussite</p>
      <h1 className="mt-2 text-4xl font-bold text-brand-900">Bilans pédagogiques</h1>
      <p className="mt-4 text-lg text-slate-700">
        Un bilan de compétences par matière, un profil d'apprentissage et un plan de travail
        personnalisé, relus par un coach avant d'être envoyés à la famille.
      </p>
      <section className="mt-10 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h2 className="text-lg font-semibold">État du service</h2>
        {backend.ok ? (
          <p className="mt-2 text-emerald-700">Le serveur de données répond.</p>
        ) : (
          <p className="mt-2 text-red-700">
            Le serveur de données ne répond pas : {backend.reason}
          </p>
        )}
      </section>
    </div>
  );
}
