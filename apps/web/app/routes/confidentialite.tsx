// /confidentialite: the information notice on personal data (public: every e-mail footer
// links it). POST intent=acknowledge: the signed-in person read it (consents.acknowledge,
// versioned and dated), back to where they were.
import { api } from "@convex/_generated/api";
import { type ActionFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { requireUser } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";

export const meta: MetaFunction = () => [{ title: "Vos données personnelles — Nexus Réussite" }];

export async function action({ request }: ActionFunctionArgs) {
  const { token } = await requireUser(request);
  const form = await request.formData();
  if (form.get("intent") === "acknowledge") {
    await convexForRequest(token).mutation(api.consents.acknowledge, {});
  }
  const back = request.headers.get("referer");
  const path = back ? new URL(back).pathname : "/app";
  throw redirect(path.startsWith("/") && !path.startsWith("//") ? path : "/app");
}

export default function Confidentialite() {
  return (
    <article aria-labelledby="page-titre" className="max-w-3xl space-y-4 text-slate-800">
      <h1 id="page-titre" className="text-3xl font-bold text-brand-900">
        Vos données personnelles
      </h1>
      <p>
        Nexus Réussite (le centre) traite les données nécessaires au suivi pédagogique des élèves
        qu’il accompagne. Cette notice dit lesquelles, pourquoi, pour combien de temps, et comment
        exercer vos droits.
      </p>
      <h2 className="pt-2 text-xl font-semibold text-brand-900">Quelles données ?</h2>
      <ul className="list-disc space-y-1 pl-6">
        <li>
          Identité et contact : nom, prénom, adresse e-mail, niveau et établissement de l’élève.
        </li>
        <li>Bilans : réponses aux questionnaires, résultats, synthèses et rapports PDF.</li>
        <li>Documents déposés pour l’élève (copies, fiches) et e-mails envoyés par le centre.</li>
        <li>Conversations avec l’assistant ARIA, lorsque l’élève l’utilise.</li>
        <li>Journal des actions importantes (qui a fait quoi, et quand).</li>
      </ul>
      <h2 className="pt-2 text-xl font-semibold text-brand-900">Qui les voit ?</h2>
      <p>
        L’élève, ses parents, son coach et l’équipe du centre. Aucune donnée n’est vendue ni
        utilisée à des fins publicitaires.
      </p>
      <h2 className="pt-2 text-xl font-semibold text-brand-900">Combien de temps ?</h2>
      <ul className="list-disc space-y-1 pl-6">
        <li>Bilans et rapports : 3 ans après la dernière activité.</li>
        <li>E-mails envoyés et journal d’audit : 1 an.</li>
        <li>Données techniques des traitements : 30 à 90 jours.</li>
        <li>Exports de vos données : 7 jours après leur préparation.</li>
      </ul>
      <h2 className="pt-2 text-xl font-semibold text-brand-900">Élèves de moins de 15 ans</h2>
      <p>
        L’accord d’un parent est demandé avant toute utilisation de l’assistant ARIA par un élève de
        moins de 15 ans (âge compté au jour près, heure de Paris), ou dont la date de naissance n’a
        pas été communiquée au centre. Cet accord est daté, peut être retiré à tout moment, et son
        texte est versionné.
      </p>
      <h2 className="pt-2 text-xl font-semibold text-brand-900">Vos droits</h2>
      <p>
        Vous pouvez obtenir une copie de vos données (et de celles de vos enfants), les faire
        corriger ou demander leur effacement depuis la page{" "}
        <Link to="/mes-donnees" className="font-medium text-brand-800 underline">
          Mes données
        </Link>
        . Vous pouvez aussi choisir les e-mails que vous recevez ; les rapports et les messages
        légaux restent toujours envoyés. En cas de désaccord, vous pouvez saisir la CNIL
        (www.cnil.fr).
      </p>
    </article>
  );
}
