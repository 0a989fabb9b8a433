// /desabonnement/:token: the unsubscribe link of non-essential e-mails. Works signed out: the
// token is signed by Convex (emailPreferences.unsubscribeInfo / unsubscribe). A POST turns the
// kind off — from the page's button or a mail client's one-click (List-Unsubscribe-Post).
import { api } from "@convex/_generated/api";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { convexForRequest } from "~/utils/convex.server";

export const meta: MetaFunction = () => [
  { title: "Se désabonner — Nexus Réussite" },
  { name: "robots", content: "noindex" },
];

export async function loader({ params }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  return await convexForRequest().query(api.emailPreferences.unsubscribeInfo, { token });
}

export async function action({ params }: ActionFunctionArgs) {
  const token = params.token ?? "";
  return await convexForRequest().mutation(api.emailPreferences.unsubscribe, { token });
}

export default function Unsubscribe() {
  const info = useLoaderData<typeof loader>();
  const done = useActionData<typeof action>();
  return (
    <section aria-labelledby="page-titre" className="max-w-2xl">
      <h1 id="page-titre" className="text-3xl font-bold text-brand-900">
        Se désabonner
      </h1>
      {!info.valid || (done && !done.ok) ? (
        <p className="mt-4 text-slate-700" role="alert">
          Ce lien de désabonnement n’est pas valide (il a peut-être été mal copié). Vous pouvez
          choisir vos e-mails depuis la page{" "}
          <Link to="/mes-donnees" className="font-medium text-brand-800 underline">
            Mes données
          </Link>{" "}
          une fois connecté.
        </p>
      ) : done?.ok || !info.enabled ? (
        <p className="mt-4 text-slate-700" role="status">
          C’est fait : vous ne recevrez plus les e-mails « {done?.kindLabel ?? info.kindLabel} ».
          Les rapports et les messages légaux vous restent envoyés.
        </p>
      ) : (
        <>
          <p className="mt-4 text-slate-700">
            Vous ne souhaitez plus recevoir les e-mails « {info.kindLabel} » ? Les rapports et les
            messages légaux vous resteront envoyés.
          </p>
          <Form method="post" className="mt-6">
            <Button type="submit">Me désabonner</Button>
          </Form>
        </>
      )}
    </section>
  );
}
