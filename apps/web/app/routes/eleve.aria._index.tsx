// « ARIA, ton tuteur »: what is left of today's questions, a new conversation (subject, mode,
// first question) and the élève's conversations, live.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { subjectLabels, subjects } from "@nexus/shared/vocabulary";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigate } from "@remix-run/react";
import { useMutation } from "convex/react";
import { useState } from "react";
import { modeLabels, quotaSentence } from "~/components/aria/conversation";
import { InlineError } from "~/components/eleve/inline-error";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { formatDayFr } from "~/utils/dates-fr";
import { requireOwnStudentCard } from "~/utils/eleve.server";
import { toUserError, type UserFacingError } from "~/utils/errors";
import { roundToMinute } from "~/utils/jobs-console";
import { useLiveQuery } from "~/utils/live-query";
import { useMinuteClock } from "~/utils/use-minute-clock";

export const meta: MetaFunction = () => [{ title: "ARIA, ton tuteur — Nexus Réussite" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["eleve"]);
  const convex = convexForRequest(token);
  const card = await requireOwnStudentCard(convex);
  const now = roundToMinute(Date.now());
  const [conversations, archived, quota, memories] = await Promise.all([
    convex.query(api.aria.list, { archived: false }),
    convex.query(api.aria.list, { archived: true }),
    convex.query(api.aria.quota, { now }),
    convex.query(api.ariaMemory.list, {}),
  ]);
  return { firstName: card.student.firstName, conversations, archived, quota, memories, now };
}

export default function AriaHome() {
  const data = useLoaderData<typeof loader>();
  const now = useMinuteClock(data.now);
  const quota = useLiveQuery(api.aria.quota, { now }, data.quota);
  const conversations = useLiveQuery(api.aria.list, { archived: false }, data.conversations);
  const archived = useLiveQuery(api.aria.list, { archived: true }, data.archived);
  return (
    <section aria-labelledby="page-titre" className="space-y-6">
      <div>
        <h1 id="page-titre" className="text-3xl font-bold text-brand-900">
          ARIA, ton tuteur
        </h1>
        <p className="mt-1 max-w-2xl text-slate-700">
          Bloqué sur un exercice ? ARIA te répond à partir des fiches du centre et te dit où relire
          dans ton cours. En mode socratique, il te guide pas à pas au lieu de te donner la réponse.
        </p>
      </div>
      <p
        data-testid="aria-quota"
        className="rounded-md border border-brand-100 bg-brand-50 px-4 py-3 text-brand-900"
      >
        {quotaSentence(quota)}
      </p>
      <NewConversation canAsk={quota.canAsk} />
      <div>
        <h2 className="text-xl font-semibold text-slate-900">Mes conversations</h2>
        {conversations.length === 0 ? (
          <p className="mt-2 text-slate-700">
            Pas encore de conversation : pose ta première question.
          </p>
        ) : (
          <ConversationLinks rows={conversations} />
        )}
      </div>
      <Memories initial={data.memories} />
      {archived.length > 0 ? (
        <details>
          <summary className="cursor-pointer font-semibold text-slate-800">
            Conversations archivées ({archived.length})
          </summary>
          <ConversationLinks rows={archived} />
        </details>
      ) : null}
    </section>
  );
}

function Memories({
  initial,
}: {
  initial: ReturnType<typeof useLoaderData<typeof loader>>["memories"];
}) {
  const memories = useLiveQuery(api.ariaMemory.list, {}, initial);
  const remove = useMutation(api.ariaMemory.remove);
  const [error, setError] = useState<UserFacingError | null>(null);
  return (
    <div>
      <h2 className="text-xl font-semibold text-slate-900">Ce qu'ARIA retient de toi</h2>
      <p className="mt-1 text-sm text-slate-700">
        Après une conversation, ARIA note où tu as eu besoin d'aide pour mieux te répondre la
        prochaine fois. Tu peux effacer chaque souvenir.
      </p>
      {memories.length === 0 ? (
        <p className="mt-2 text-slate-700">Rien pour l'instant.</p>
      ) : (
        <ul className="mt-3 space-y-2" aria-label="Souvenirs d'ARIA">
          {memories.map((m) => (
            <li
              key={m._id}
              className="flex flex-wrap items-start justify-between gap-2 rounded-md border border-slate-200 bg-white px-3 py-2"
            >
              <span className="flex-1 text-slate-800">{m.text}</span>
              <Button
                size="sm"
                variant="secondary"
                onClick={async () => {
                  setError(null);
                  try {
                    await remove({ memoryId: m._id });
                  } catch (e) {
                    setError(toUserError(e));
                  }
                }}
              >
                Effacer<span className="sr-only"> ce souvenir</span>
              </Button>
            </li>
          ))}
        </ul>
      )}
      <InlineError error={error} />
    </div>
  );
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["conversations"][number];

function ConversationLinks({ rows }: { rows: Row[] }) {
  return (
    <ul className="mt-3 space-y-2" aria-label="Conversations">
      {rows.map((c) => (
        <li key={c._id}>
          <Card className="flex flex-wrap items-center justify-between gap-2 py-3">
            <div>
              <Link
                to={`/eleve/aria/${c._id}`}
                className="font-semibold text-brand-800 underline-offset-2 hover:underline"
              >
                {c.title}
              </Link>
              <p className="text-sm text-slate-600">
                {subjectLabels[c.subject]} · {modeLabels[c.mode]} · {c.questionCount} question
                {c.questionCount > 1 ? "s" : ""} · {formatDayFr(c.lastMessageAt)}
                {c.sharedWithParents ? " · partagée avec tes parents" : ""}
              </p>
            </div>
          </Card>
        </li>
      ))}
    </ul>
  );
}

function NewConversation({ canAsk }: { canAsk: boolean }) {
  const start = useMutation(api.aria.start);
  const ask = useMutation(api.aria.ask);
  const navigate = useNavigate();
  const [error, setError] = useState<UserFacingError | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Card>
      <h2 className="text-xl font-semibold text-slate-900">Nouvelle question</h2>
      <form
        className="mt-3 space-y-4"
        onSubmit={async (event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          const subject = String(form.get("matiere")) as (typeof subjects)[number];
          const mode = form.get("mode") === "socratique" ? "socratique" : "direct";
          const text = String(form.get("question") ?? "");
          setError(null);
          setBusy(true);
          try {
            const conversationId: Id<"ariaConversations"> = await start({ subject, mode });
            await ask({ conversationId, text });
            navigate(`/eleve/aria/${conversationId}`);
          } catch (e) {
            setError(toUserError(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <label className="block text-sm font-medium text-slate-800">
            Matière
            <select
              name="matiere"
              className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base"
              defaultValue="maths"
            >
              {subjects.map((s) => (
                <option key={s} value={s}>
                  {subjectLabels[s]}
                </option>
              ))}
            </select>
          </label>
          <fieldset>
            <legend className="text-sm font-medium text-slate-800">Mode</legend>
            <div className="mt-2 flex flex-wrap gap-4">
              <label className="flex items-center gap-2 text-base">
                <input type="radio" name="mode" value="direct" defaultChecked /> Explication directe
              </label>
              <label className="flex items-center gap-2 text-base">
                <input type="radio" name="mode" value="socratique" /> Socratique (pas à pas)
              </label>
            </div>
          </fieldset>
        </div>
        <label className="block text-sm font-medium text-slate-800">
          Ta question
          <textarea
            name="question"
            required
            maxLength={2000}
            rows={3}
            className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-base"
            placeholder="Par exemple : comment trouver l'équation de la tangente en un point ?"
          />
        </label>
        <InlineError error={error} />
        <Button type="submit" disabled={busy || !canAsk}>
          {busy ? "Envoi…" : "Demander à ARIA"}
        </Button>
      </form>
    </Card>
  );
}
