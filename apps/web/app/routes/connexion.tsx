// /connexion. Dev sign-in: the demo accounts grouped by role (one click) and any e-mail of an
// existing user. With Clerk: Clerk's sign-in component. Both return to ?redirectTo afterwards.
// On the way to an invitation's link (?redirectTo=/invitation/<token>), the invited e-mail may
// sign in before it has an account (dev-sign-in.server.ts) and the page says so.
import { DEMO_ACCOUNTS, type DemoAccount } from "@nexus/shared/demo-accounts";
import type { Role } from "@nexus/shared/domain";
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ClerkSignIn } from "~/components/clerk/clerk-lazy";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { getSession } from "~/utils/auth.server";
import { devSignIn } from "~/utils/dev-sign-in.server";
import { authMode, getEnv } from "~/utils/env.server";
import { invitationTokenOf } from "~/utils/invitations";
import { safeRedirect } from "~/utils/redirect";

export const meta: MetaFunction = () => [{ title: "Connexion — Nexus Réussite" }];

const roleGroups: { role: Role; title: string }[] = [
  { role: "eleve", title: "Élèves" },
  { role: "parent", title: "Parents" },
  { role: "coach", title: "Coachs" },
  { role: "assistante", title: "Assistante" },
  { role: "admin", title: "Administration" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get("redirectTo"));
  const mode = authMode(getEnv());
  if (await getSession(request)) throw redirect(redirectTo);
  const groups =
    mode === "dev"
      ? roleGroups.map((group) => ({
          ...group,
          accounts: DEMO_ACCOUNTS.filter((account) => account.role === group.role),
        }))
      : [];
  return { mode, redirectTo, groups, invited: invitationTokenOf(redirectTo) !== undefined };
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const redirectTo = safeRedirect(form.get("redirectTo"));
  const result = await devSignIn(form.get("email"), {
    invitationToken: invitationTokenOf(redirectTo),
  });
  if (!result.ok) {
    return data({ error: result.message, email: String(form.get("email") ?? "") }, { status: 400 });
  }
  throw redirect(redirectTo, { headers: { "Set-Cookie": result.setCookie } });
}

function AccountButton({ account, redirectTo }: { account: DemoAccount; redirectTo: string }) {
  const navigation = useNavigation();
  const pending = navigation.formData?.get("email") === account.email;
  return (
    <Form method="post">
      <input type="hidden" name="redirectTo" value={redirectTo} />
      <button
        type="submit"
        name="email"
        value={account.email}
        className="flex min-h-11 w-full flex-col items-start rounded-md border border-slate-200 bg-white px-4 py-3 text-left hover:border-brand-600 hover:bg-brand-50"
      >
        <span className="font-semibold text-slate-900">
          {account.name}
          {pending ? <span className="font-normal text-slate-600"> — connexion…</span> : null}
        </span>
        <span className="text-sm text-slate-600">{account.description}</span>
      </button>
    </Form>
  );
}

export default function SignInPage() {
  const { mode, redirectTo, groups, invited } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  if (mode === "clerk") {
    return (
      <div className="flex justify-center py-6">
        <ClerkSignIn redirectTo={redirectTo} />
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-4xl">
      <h1 className="text-3xl font-bold text-brand-900">Connexion</h1>
      {invited ? (
        <p className="mt-3 rounded-md border border-brand-200 bg-brand-50 p-3 text-slate-800">
          Vous avez été invité(e) : connectez-vous avec l'adresse e-mail qui a reçu l'invitation,
          même si vous n'avez pas encore de compte. Vous reviendrez ensuite à l'invitation pour
          l'accepter.
        </p>
      ) : null}
      <p className="mt-2 text-slate-700">
        Version de démonstration : choisissez un compte pour entrer dans l'application avec son
        rôle, ou saisissez l'adresse e-mail d'un compte existant.
      </p>
      <Card className="mt-6">
        <h2 className="text-lg font-semibold">Avec une adresse e-mail</h2>
        <Form method="post" className="mt-3 flex flex-wrap items-end gap-3" noValidate>
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <div className="flex min-w-0 flex-1 flex-col gap-1">
            <label htmlFor="email" className="font-medium">
              Adresse e-mail
            </label>
            <input
              id="email"
              name="email"
              type="email"
              autoComplete="email"
              required
              defaultValue={actionData?.email}
              aria-invalid={actionData?.error ? true : undefined}
              aria-describedby={actionData?.error ? "email-erreur" : undefined}
              className="min-h-11 w-full rounded-md border border-slate-300 px-3 text-base"
            />
            {actionData?.error ? (
              <p id="email-erreur" role="alert" className="text-sm font-medium text-red-700">
                {actionData.error}
              </p>
            ) : null}
          </div>
          <Button type="submit">Se connecter</Button>
        </Form>
      </Card>
      <h2 className="mt-10 text-xl font-semibold text-slate-900">Comptes de démonstration</h2>
      <div className="mt-4 grid gap-6 md:grid-cols-2">
        {groups.map((group) => (
          <section key={group.role} aria-labelledby={`groupe-${group.role}`}>
            <h3 id={`groupe-${group.role}`} className="font-semibold text-slate-800">
              {group.title}
            </h3>
            <ul className="mt-2 flex flex-col gap-2">
              {group.accounts.map((account) => (
                <li key={account.email}>
                  <AccountButton account={account} redirectTo={redirectTo} />
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </div>
  );
}
