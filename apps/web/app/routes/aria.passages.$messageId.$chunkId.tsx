// A passage ARIA cited, in full, with its title and page: where the élève (or whoever reads
// the conversation) checks what the answer relied on.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { citationText } from "~/components/aria/conversation";
import { Card } from "~/components/ui/card";
import { requireUser } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";

export const meta: MetaFunction = () => [{ title: "Source citée par ARIA — Nexus Réussite" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, token } = await requireUser(request);
  const convex = convexForRequest(token);
  try {
    const passage = await convex.query(api.aria.passage, {
      messageId: params.messageId as Id<"ariaMessages">,
      chunkId: params.chunkId as Id<"chunks">,
    });
    const back =
      user.role === "eleve"
        ? `/eleve/aria/${passage.conversationId}`
        : `/aria/conversations/${passage.conversationId}`;
    return { passage, back };
  } catch {
    throw new Response("Passage introuvable.", { status: 404 });
  }
}

export default function Passage() {
  const { passage, back } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="page-titre" className="space-y-5">
      <p>
        <Link to={back} className="text-brand-800 underline underline-offset-2">
          ← Retour à la conversation
        </Link>
      </p>
      <h1 id="page-titre" className="text-2xl font-bold text-brand-900">
        {citationText(passage)}
      </h1>
      {passage.question ? (
        <p className="text-slate-700">Passage cité pour la question : « {passage.question} »</p>
      ) : null}
      <Card>
        <blockquote className="whitespace-pre-line text-slate-900">{passage.text}</blockquote>
      </Card>
    </section>
  );
}
