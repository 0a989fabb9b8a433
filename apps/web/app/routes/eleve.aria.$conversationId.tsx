// One of the élève's ARIA conversations: the answers stream in live (the text lives in
// Convex, so a reload mid-answer shows the same text), the next question, the mode, and
// rename / share with parents / archive / delete, and a revision sheet per answer.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { subjectLabels } from "@nexus/shared/vocabulary";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigate } from "@remix-run/react";
import { useMutation } from "convex/react";
import { useState } from "react";
import { MessageList, modeLabels, quotaSentence } from "~/components/aria/conversation";
import { InlineError } from "~/components/eleve/inline-error";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { toUserError, type UserFacingError } from "~/utils/errors";
import { roundToMinute } from "~/utils/jobs-console";
import { useLiveQuery } from "~/utils/live-query";
import { useMinuteClock } from "~/utils/use-minute-clock";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.conversation.conversation.title ?? "Conversation"} — ARIA — Nexus Réussite` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["eleve"]);
  const convex = convexForRequest(token);
  const conversationId = params.conversationId as Id<"ariaConversations">;
  const now = roundToMinute(Date.now());
  try {
    const [conversation, quota, sheets] = await Promise.all([
      convex.query(api.aria.conversation, { conversationId }),
      convex.query(api.aria.quota, { now }),
      convex.query(api.ariaSheets.list, { conversationId }),
    ]);
    return { conversationId, conversation, quota, sheets, now };
  } catch {
    throw new Response("Conversation introuvable.", { status: 404 });
  }
}

export default function AriaConversationPage() {
  const data = useLoaderData<typeof loader>();
  const now = useMinuteClock(data.now);
  const live = useLiveQuery(
    api.aria.conversation,
    { conversationId: data.conversationId },
    data.conversation,
  );
  const quota = useLiveQuery(api.aria.quota, { now }, data.quota);
  const sheets = useLiveQuery(
    api.ariaSheets.list,
    { conversationId: data.conversationId },
    data.sheets,
  );
  const { conversation } = live;
  const last = live.messages.at(-1);
  const answering = last?.status === "pending" || last?.status === "streaming";
  return (
    <section aria-labelledby="page-titre" className="space-y-5">
      <p>
        <Link to="/eleve/aria" className="text-brand-800 underline underline-offset-2">
          ← Toutes mes conversations
        </Link>
      </p>
      <div>
        <h1 id="page-titre" className="text-2xl font-bold text-brand-900 sm:text-3xl">
          {conversation.title}
        </h1>
        <p className="mt-1 text-slate-700">
          {subjectLabels[conversation.subject]} · mode {modeLabels[conversation.mode].toLowerCase()}
          {conversation.archived ? " · archivée" : ""}
          {conversation.sharedWithParents ? " · partagée avec tes parents" : ""}
        </p>
      </div>
      <MessageList data={live} sheets={sheets} />
      <p aria-live="polite" className="sr-only">
        {answering ? "ARIA écrit sa réponse." : last?.role === "assistant" ? "ARIA a répondu." : ""}
      </p>
      <p data-testid="aria-quota" className="text-sm text-slate-700">
        {quotaSentence(quota)}
      </p>
      <AskForm
        conversationId={data.conversationId}
        disabled={answering || !quota.canAsk}
        hint={
          answering ? "Attends la fin de la réponse d'ARIA pour poser la question suivante." : null
        }
      />
      <Settings data={live} />
    </section>
  );
}

function AskForm({
  conversationId,
  disabled,
  hint,
}: {
  conversationId: Id<"ariaConversations">;
  disabled: boolean;
  hint: string | null;
}) {
  const ask = useMutation(api.aria.ask);
  const [text, setText] = useState("");
  const [error, setError] = useState<UserFacingError | null>(null);
  return (
    <form
      className="space-y-2"
      onSubmit={async (event) => {
        event.preventDefault();
        setError(null);
        try {
          await ask({ conversationId, text });
          setText("");
        } catch (e) {
          setError(toUserError(e));
        }
      }}
    >
      <label className="block text-sm font-medium text-slate-800" htmlFor="question">
        Ta question suivante
      </label>
      <textarea
        id="question"
        required
        maxLength={2000}
        rows={3}
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-describedby={hint ? "question-aide" : undefined}
        className="block w-full rounded-md border border-slate-300 px-3 py-2 text-base"
      />
      {hint ? (
        <p id="question-aide" className="text-sm text-slate-600">
          {hint}
        </p>
      ) : null}
      <InlineError error={error} />
      <Button type="submit" disabled={disabled}>
        Envoyer
      </Button>
    </form>
  );
}

function Settings({
  data,
}: {
  data: ReturnType<typeof useLiveQuery<typeof api.aria.conversation>>;
}) {
  const { conversation } = data;
  const id = conversation._id as Id<"ariaConversations">;
  const rename = useMutation(api.aria.rename);
  const setMode = useMutation(api.aria.setMode);
  const share = useMutation(api.aria.share);
  const setArchived = useMutation(api.aria.setArchived);
  const remove = useMutation(api.aria.remove);
  const navigate = useNavigate();
  const [title, setTitle] = useState(conversation.title);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [error, setError] = useState<UserFacingError | null>(null);
  const [done, setDone] = useState("");
  const run = async (action: () => Promise<unknown>, message: string) => {
    setError(null);
    setDone("");
    try {
      await action();
      setDone(message);
    } catch (e) {
      setError(toUserError(e));
    }
  };
  return (
    <Card className="space-y-4">
      <h2 className="text-lg font-semibold text-slate-900">Réglages de la conversation</h2>
      <form
        className="flex flex-col gap-2 sm:flex-row sm:items-end"
        onSubmit={(event) => {
          event.preventDefault();
          void run(() => rename({ conversationId: id, title }), "Titre enregistré.");
        }}
      >
        <label className="flex-1 text-sm font-medium text-slate-800">
          Titre
          <input
            value={title}
            maxLength={80}
            onChange={(e) => setTitle(e.target.value)}
            className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-base"
          />
        </label>
        <Button type="submit" variant="secondary">
          Renommer
        </Button>
      </form>
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Mode des prochaines réponses</legend>
        <div className="mt-2 flex flex-wrap gap-4">
          {(["direct", "socratique"] as const).map((mode) => (
            <label key={mode} className="flex items-center gap-2">
              <input
                type="radio"
                name="mode"
                checked={conversation.mode === mode}
                onChange={() =>
                  void run(() => setMode({ conversationId: id, mode }), "Mode changé.")
                }
              />
              {modeLabels[mode]}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          onClick={() =>
            void run(
              () => share({ conversationId: id, shared: !conversation.sharedWithParents }),
              conversation.sharedWithParents
                ? "Tes parents ne voient plus cette conversation."
                : "Tes parents peuvent lire cette conversation.",
            )
          }
        >
          {conversation.sharedWithParents
            ? "Ne plus partager avec mes parents"
            : "Partager avec mes parents"}
        </Button>
        <Button
          variant="secondary"
          onClick={() =>
            void run(
              () => setArchived({ conversationId: id, archived: !conversation.archived }),
              conversation.archived ? "Conversation désarchivée." : "Conversation archivée.",
            )
          }
        >
          {conversation.archived ? "Désarchiver" : "Archiver"}
        </Button>
        {confirmDelete ? (
          <>
            <Button
              variant="danger"
              onClick={async () => {
                setError(null);
                try {
                  await remove({ conversationId: id });
                  navigate("/eleve/aria");
                } catch (e) {
                  setError(toUserError(e));
                }
              }}
            >
              Confirmer la suppression
            </Button>
            <Button variant="ghost" onClick={() => setConfirmDelete(false)}>
              Annuler
            </Button>
          </>
        ) : (
          <Button variant="danger" onClick={() => setConfirmDelete(true)}>
            Supprimer la conversation
          </Button>
        )}
      </div>
      {confirmDelete ? (
        <p role="alert" className="text-sm text-red-900">
          La conversation, ses messages et ce qu'ARIA en a retenu seront supprimés définitivement.
        </p>
      ) : null}
      <p role="status" className="text-sm text-green-800">
        {done}
      </p>
      <InlineError error={error} />
    </Card>
  );
}
