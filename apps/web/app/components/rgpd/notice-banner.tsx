// The information notice on personal data, shown at first sign-in (and after each new
// version) until the person acknowledges it: short, in French, with the full notice linked.
import { Form, Link } from "@remix-run/react";
import { Button } from "~/components/ui/button";

export function NoticeBanner() {
  return (
    <section
      aria-labelledby="notice-titre"
      className="mb-8 rounded-lg border border-brand-200 bg-brand-50 p-5 text-slate-800"
    >
      <h2 id="notice-titre" className="text-lg font-semibold text-brand-900">
        Vos données personnelles
      </h2>
      <p className="mt-2">
        Nexus Réussite conserve les informations nécessaires au suivi scolaire : identité, bilans,
        rapports, documents déposés et e-mails envoyés. Elles ne sont vues que par la famille,
        l’élève, son coach et l’équipe du centre, et sont supprimées au plus tard trois ans après la
        dernière activité. Vous pouvez à tout moment obtenir une copie de vos données ou demander
        leur effacement depuis « Mes données ».
      </p>
      <div className="mt-4 flex flex-wrap items-center gap-4">
        <Form method="post" action="/confidentialite">
          <input type="hidden" name="intent" value="acknowledge" />
          <Button type="submit">J’ai compris</Button>
        </Form>
        <Link to="/confidentialite" className="font-medium text-brand-800 underline">
          Lire la notice complète
        </Link>
      </div>
    </section>
  );
}
