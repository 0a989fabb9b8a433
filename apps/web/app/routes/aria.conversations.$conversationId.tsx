// An élève's ARIA conversation, read-only: for their coach and staff, and for a parent once
// the élève shares it. Live, like the élève's own page; the élève's revision sheets download.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { subjectLabels } from "@nexus/shared/vocabulary";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { MessageList, modeLabels } from "~/components/aria/conversation";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { useLiveQuery } from "~/utils/live-query";

export const meta: MetaFunction = () => [{ title: "Conversation ARIA — Nexus Réussite" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["parent", "coach", "admin", "assistante"]);
  const convex = convexForRequest(token);
  const conversationId = params.conversationId as Id<"ariaConversations">;
  try {
    const [data, sheets] = await Promise.all([
      convex.query(api.aria.conversation, { conversationId }),
      convex.query(api.ariaSheets.list, { conversationId }),
    ]);
    return { conversationId, data, sheets };
  } catch {
    throw new Response("Conversation introuvable.", { status: 404 });
  }
}

export default function ReadOnlyConversation() {
  const { conversationId, data: initial, sheets: initialSheets } = useLoaderData<typeof loader>();
  const data = useLiveQuery(api.aria.conversation, { conversationId }, initial);
  const sheets = useLiveQuery(api.ariaSheets.list, { conversationId }, initialSheets);
  const c = data.conversation;
  return (
    <section aria-labelledby="page-titre" className="space-y-5">
      <p>
        <Link
          to={`/aria/eleves/${c.studentId}`}
          className="text-brand-800 underline underline-offset-2"
        >
          ← ARIA de {data.studentFirstName}
        </Link>
      </p>
      <div>
        <h1 id="page-titre" className="text-2xl font-bold text-brand-900 sm:text-3xl">
          {c.title}
        </h1>
        <p className="mt-1 text-slate-700">
          Conversation de {data.studentFirstName} · {subjectLabels[c.subject]} · mode{" "}
          {modeLabels[c.mode].toLowerCase()} · lecture seule
        </p>
      </div>
      <MessageList data={data} sheets={sheets} />
    </section>
  );
}
