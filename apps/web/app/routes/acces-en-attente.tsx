import { type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Card } from "~/components/ui/card";
import { hasRole, requireUser } from "~/utils/auth.server";
import { roleHome } from "~/utils/roles";

export const meta: MetaFunction = () => [{ title: "Accès en attente — Nexus Réussite" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireUser(request);
  if (hasRole(user)) throw redirect(roleHome(user.role));
  return { email: user.email };
}

export default function WaitingForAccess() {
  const { email } = useLoaderData<typeof loader>();
  return (
    <Card className="mx-auto max-w-2xl">
      <h1 className="text-2xl font-bold text-brand-900">Votre accès est en attente</h1>
      <p className="mt-4 text-lg text-slate-700">
        Le centre ne vous a pas encore donné accès à votre espace. Dès qu'un membre de l'équipe aura
        associé votre compte ({email}) à votre famille ou à vos élèves, vous pourrez suivre les
        bilans ici.
      </p>
      <p className="mt-4 text-slate-700">
        Vous avez reçu une invitation par e-mail ? Ouvrez le lien qu'elle contient et acceptez-la :
        votre accès est ouvert aussitôt.
      </p>
      <p className="mt-4 text-slate-700">
        Vous pouvez revenir sur cette page plus tard ou contacter le centre si l'attente se
        prolonge.
      </p>
    </Card>
  );
}
