import { Link, useLocation } from "@remix-run/react";
import { Button } from "./ui/button";

/** A French error or 404 page inside the product layout; never a stack trace. */
export function ErrorPage({
  title,
  text,
  status,
  retry = true,
}: {
  title: string;
  text: string;
  status?: number;
  retry?: boolean;
}) {
  const location = useLocation();
  return (
    <section aria-labelledby="erreur-titre" className="mx-auto max-w-2xl py-10">
      {status ? (
        <p className="text-sm font-semibold uppercase tracking-wide text-brand-700">
          Erreur {status}
        </p>
      ) : null}
      <h1 id="erreur-titre" className="mt-2 text-3xl font-bold text-brand-900">
        {title}
      </h1>
      <p className="mt-4 text-lg text-slate-700">{text}</p>
      <div className="mt-8 flex flex-wrap gap-3">
        {retry ? (
          <Button asChild>
            {/* A plain link reloads the page, so retrying works even without JavaScript. */}
            <a href={`${location.pathname}${location.search}`}>Réessayer</a>
          </Button>
        ) : null}
        <Button asChild variant="secondary">
          <Link to="/">Revenir à l'accueil</Link>
        </Button>
      </div>
    </section>
  );
}
