// /invitation/$token — the landing page of an invitation link (the e-mail's button).
// Signed out: what the invitation is (who invites, as what, until when) and « Se connecter pour
// accepter », which comes back here after the sign-in (dev: the invited e-mail may sign in
// before it has an account; Clerk: the redirect URL). Signed in with the invited e-mail:
// « Accepter l'invitation » (POST → invitations.accept → the role's home). Any other case gets
// its own clear page: used, expired, revoked or unknown link, another account's e-mail.
// The page only learns what invitations.preview gives, never the invited address.
import { api } from "@convex/_generated/api";
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { getOptionalUser, requireUser } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { formatDayFr } from "~/utils/dates-fr";
import { toUserError } from "~/utils/errors";
import { deadLinkPages, invitationPurpose } from "~/utils/invitations";
import { roleHome } from "~/utils/roles";

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  const status = data?.preview.status;
  const title =
    status && status !== "valid" ? deadLinkPages[status].title : "Invitation à rejoindre";
  return [{ title: `${title} — Nexus Réussite` }, { name: "robots", content: "noindex" }];
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const current = await getOptionalUser(request);
  const preview = await convexForRequest().query(api.invitations.preview, {
    token,
    now: Date.now(),
    ...(current ? { email: current.user.email } : {}),
  });
  const back = `/invitation/${encodeURIComponent(token)}`;
  return {
    preview,
    signInUrl: `/connexion?redirectTo=${encodeURIComponent(back)}`,
    account: current
      ? { name: current.user.name, email: current.user.email, hasRole: !!current.user.role }
      : null,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { token } = await requireUser(request);
  try {
    const { role } = await convexForRequest(token).mutation(api.invitations.accept, {
      token: params.token ?? "",
    });
    throw redirect(roleHome(role));
  } catch (error) {
    if (error instanceof Response) throw error;
    return data({ error: toUserError(error).message }, { status: 400 });
  }
}

export default function InvitationPage() {
  const { preview, signInUrl, account } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();

  if (preview.status !== "valid") {
    const page = deadLinkPages[preview.status];
    return (
      <Card className="mx-auto max-w-2xl" aria-labelledby="page-titre">
        <h1 id="page-titre" className="text-2xl font-bold text-brand-900">
          {page.title}
        </h1>
        <p className="mt-4 text-lg text-slate-700">{page.text}</p>
        <p className="mt-6">
          <Button asChild variant="secondary">
            {account ? (
              <Link to="/app">Aller à mon espace</Link>
            ) : (
              <Link to="/connexion">Se connecter</Link>
            )}
          </Button>
        </p>
      </Card>
    );
  }

  const purpose = invitationPurpose(preview.role, preview.childFirstNames);
  const tu = preview.role === "eleve";
  const intro = tu
    ? `${preview.inviterName} t'invite à rejoindre l'espace de Nexus Réussite ${purpose}.`
    : `${preview.inviterName} vous invite à rejoindre l'espace de Nexus Réussite ${purpose}.`;
  const expiry = `Ce lien ne sert qu'une fois et expire le ${formatDayFr(preview.expiresAt)}.`;

  return (
    <Card className="mx-auto max-w-2xl" aria-labelledby="page-titre">
      <h1 id="page-titre" className="text-2xl font-bold text-brand-900">
        Invitation à rejoindre Nexus Réussite
      </h1>
      <p className="mt-4 text-lg text-slate-800">{intro}</p>
      <p className="mt-2 text-slate-700">{expiry}</p>

      {!account ? (
        <>
          <p className="mt-4 text-slate-700">
            {tu
              ? "Connecte-toi avec l'adresse e-mail qui a reçu l'invitation, puis accepte-la : tu reviendras ici automatiquement."
              : "Connectez-vous avec l'adresse e-mail qui a reçu l'invitation, puis acceptez-la : vous reviendrez ici automatiquement."}
          </p>
          <p className="mt-6">
            <Button asChild>
              <Link to={signInUrl}>Se connecter pour accepter</Link>
            </Button>
          </p>
        </>
      ) : preview.emailMatches === false ? (
        <div className="mt-6 rounded-md border border-amber-300 bg-amber-50 p-4" role="alert">
          <h2 className="font-semibold text-amber-950">Ce n'est pas le bon compte</h2>
          <p className="mt-1 text-amber-950">
            Cette invitation a été envoyée à une autre adresse que celle de votre compte (
            {account.email}). Déconnectez-vous, puis rouvrez le lien de l'e-mail et connectez-vous
            avec l'adresse qui l'a reçu.
          </p>
          <Form method="post" action="/deconnexion" className="mt-3">
            <Button type="submit" variant="secondary">
              Se déconnecter
            </Button>
          </Form>
        </div>
      ) : (
        <Form method="post" className="mt-6 space-y-3">
          <p className="text-slate-700">
            Connecté(e) en tant que <span className="font-semibold">{account.name}</span> (
            {account.email}).
          </p>
          {actionData?.error ? (
            <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-red-900">
              {actionData.error}
            </p>
          ) : null}
          <Button type="submit" disabled={navigation.state !== "idle"}>
            {navigation.state === "submitting" ? "Acceptation…" : "Accepter l'invitation"}
          </Button>
        </Form>
      )}
    </Card>
  );
}
