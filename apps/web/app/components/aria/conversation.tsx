// One ARIA conversation, live: the questions and answers as they are written (the answer's
// text grows through the Convex subscription: a reload or a second device shows the same
// text), its cited sources linking to the passage, « Réessayer » on an interrupted answer,
// thumbs up/down with a comment, and the revision sheet of an answer (« Faire une fiche »,
// then « en préparation » and « Télécharger » live). Read-only for the coach, staff and a
// parent it is shared with: no feedback, no retry, no new sheet, but they download sheets.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { Link } from "@remix-run/react";
import { useMutation } from "convex/react";
import type { FunctionReturnType } from "convex/server";
import { useState } from "react";
import { InlineError } from "~/components/eleve/inline-error";
import { Button } from "~/components/ui/button";
import { cn } from "~/utils/cn";
import { toUserError, type UserFacingError } from "~/utils/errors";

export type ConversationData = FunctionReturnType<typeof api.aria.conversation>;
type Message = ConversationData["messages"][number];
export type Sheets = FunctionReturnType<typeof api.ariaSheets.list>;
type Sheet = Sheets[number];

export const modeLabels = { direct: "Explication directe", socratique: "Socratique" } as const;

/** « La dérivation », p. 2 (or p. 2-3). */
export function citationText(c: { title: string; pageStart: number; pageEnd: number }) {
  const pages = c.pageStart === c.pageEnd ? `p. ${c.pageStart}` : `p. ${c.pageStart}-${c.pageEnd}`;
  return `« ${c.title} », ${pages}`;
}

function Paragraphs({ text }: { text: string }) {
  return (
    <>
      {text.split(/\n{2,}/).map((paragraph, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs of one immutable text
        <p key={i} className="whitespace-pre-line">
          {paragraph}
        </p>
      ))}
    </>
  );
}

export function MessageList({ data, sheets }: { data: ConversationData; sheets: Sheets }) {
  const sheetOf = new Map(sheets.map((s) => [s.messageId, s]));
  return (
    <ol className="space-y-4" aria-label="Messages de la conversation">
      {data.messages.map((m) =>
        m.role === "user" ? (
          <li key={m._id} className="flex justify-end">
            <div className="max-w-[85%] rounded-lg bg-brand-700 px-4 py-3 text-white">
              <p className="sr-only">{data.readOnly ? `${data.studentFirstName} :` : "Toi :"}</p>
              <Paragraphs text={m.text} />
            </div>
          </li>
        ) : (
          <li key={m._id}>
            <Answer message={m} readOnly={data.readOnly} sheet={sheetOf.get(m._id)} />
          </li>
        ),
      )}
    </ol>
  );
}

function Answer({
  message,
  readOnly,
  sheet,
}: {
  message: Message;
  readOnly: boolean;
  sheet: Sheet | undefined;
}) {
  const writing = message.status === "pending" || message.status === "streaming";
  return (
    <article
      aria-label="Réponse d'ARIA"
      aria-busy={writing}
      data-testid="aria-answer"
      data-status={message.status}
      className="max-w-[95%] space-y-3 rounded-lg border border-slate-200 bg-white px-4 py-3 text-slate-900 shadow-sm"
    >
      <p className="text-sm font-semibold text-brand-800">
        ARIA
        {message.mode ? (
          <span className="font-normal text-slate-600"> · {modeLabels[message.mode]}</span>
        ) : null}
      </p>
      {message.text ? (
        <div className="space-y-2" data-testid="aria-answer-text">
          <Paragraphs text={message.text} />
        </div>
      ) : null}
      {message.status === "pending" ? (
        <p className="text-slate-600">ARIA prépare sa réponse…</p>
      ) : null}
      {message.status === "streaming" ? (
        <p className="text-sm text-slate-600">
          <span aria-hidden="true" className="mr-1 inline-block animate-pulse">
            ●
          </span>
          ARIA écrit…
        </p>
      ) : null}
      {message.status === "interrupted" ? (
        <Interrupted message={message} readOnly={readOnly} />
      ) : null}
      {message.status === "done" && message.citations && message.citations.length > 0 ? (
        <div>
          <h3 className="text-sm font-semibold text-slate-800">Sources</h3>
          <ul className="mt-1 space-y-1 text-sm">
            {message.citations.map((c) => (
              <li key={c.chunkId}>
                {/* The source at the cited page (the PDF, when the reader may open it; the
                    passage otherwise): a document navigation, the server redirects. */}
                <Link
                  reloadDocument
                  className="font-medium text-brand-800 underline underline-offset-2 hover:text-brand-900"
                  to={`/aria/sources/${message._id}/${c.chunkId}`}
                >
                  {citationText(c)}
                </Link>
                <span aria-hidden="true" className="text-slate-500">
                  {" · "}
                </span>
                <Link
                  className="text-brand-800 underline underline-offset-2 hover:text-brand-900"
                  to={`/aria/passages/${message._id}/${c.chunkId}`}
                  aria-label={`Lire le passage cité de ${citationText(c)}`}
                >
                  lire le passage
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {message.status === "done" && message.noSource ? (
        <p className="text-sm text-slate-600">
          Aucune fiche du centre ne traite de cette question.
        </p>
      ) : null}
      {message.status === "done" && !message.noSource && (sheet || !readOnly) ? (
        <SheetControl message={message} sheet={sheet} readOnly={readOnly} />
      ) : null}
      {message.status === "done" && !readOnly ? <Feedback message={message} /> : null}
      {message.status === "done" && readOnly && message.rating ? (
        <p className="text-sm text-slate-600">
          Avis de l'élève : {message.rating === "up" ? "utile" : "pas utile"}
          {message.ratingComment ? ` — « ${message.ratingComment} »` : ""}
        </p>
      ) : null}
    </article>
  );
}

function sizeFr(bytes: number): string {
  return `${Math.max(1, Math.round(bytes / 1024))}\u00A0Ko`;
}

/** « Faire une fiche » → « Fiche en préparation… » → « Télécharger la fiche (PDF) », live. */
function SheetControl({
  message,
  sheet,
  readOnly,
}: {
  message: Message;
  sheet: Sheet | undefined;
  readOnly: boolean;
}) {
  const request = useMutation(api.ariaSheets.request);
  const [error, setError] = useState<UserFacingError | null>(null);
  const [asking, setAsking] = useState(false);
  const ask = async () => {
    setError(null);
    setAsking(true);
    try {
      await request({ messageId: message._id as Id<"ariaMessages"> });
    } catch (e) {
      setError(toUserError(e));
    } finally {
      setAsking(false);
    }
  };
  return (
    <div className="space-y-2 border-t border-slate-100 pt-2" data-testid="aria-sheet">
      <div className="flex flex-wrap items-center gap-3">
        {sheet?.status === "ready" ? (
          <>
            <Button asChild size="sm">
              {/* A document request: the route answers with a redirect to the file. */}
              <a href={`/aria/fiches/${sheet._id}`}>Télécharger la fiche (PDF)</a>
            </Button>
            <span className="text-sm text-slate-600">
              Fiche de révision prête{sheet.size ? ` · PDF, ${sizeFr(sheet.size)}` : ""}
            </span>
          </>
        ) : null}
        {sheet?.status === "pending" ? (
          <p className="text-sm text-slate-700">
            <span aria-hidden="true" className="mr-1 inline-block animate-pulse">
              ●
            </span>
            Fiche de révision en préparation…
          </p>
        ) : null}
        {sheet?.status === "failed" ? (
          <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            La fiche n'a pas pu être préparée. {sheet.error}
          </p>
        ) : null}
        {!readOnly && (!sheet || sheet.status === "failed") ? (
          <Button size="sm" variant="secondary" disabled={asking} onClick={ask}>
            {sheet ? "Refaire la fiche" : "Faire une fiche"}
          </Button>
        ) : null}
      </div>
      <p role="status" className="sr-only">
        {sheet?.status === "ready"
          ? "Ta fiche de révision est prête."
          : sheet?.status === "pending"
            ? "Fiche de révision en préparation."
            : ""}
      </p>
      <InlineError error={error} />
    </div>
  );
}

function Interrupted({ message, readOnly }: { message: Message; readOnly: boolean }) {
  const retry = useMutation(api.aria.retry);
  const [error, setError] = useState<UserFacingError | null>(null);
  return (
    <div className="space-y-2">
      <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
        Réponse interrompue. {message.error}
      </p>
      {readOnly ? null : (
        <Button
          size="sm"
          variant="secondary"
          onClick={async () => {
            setError(null);
            try {
              await retry({ messageId: message._id as Id<"ariaMessages"> });
            } catch (e) {
              setError(toUserError(e));
            }
          }}
        >
          Réessayer
        </Button>
      )}
      <InlineError error={error} />
    </div>
  );
}

function Feedback({ message }: { message: Message }) {
  const rate = useMutation(api.aria.rate);
  const [comment, setComment] = useState(message.ratingComment ?? "");
  const [showComment, setShowComment] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<UserFacingError | null>(null);
  const send = async (rating: "up" | "down", text?: string) => {
    setError(null);
    setSaved(false);
    try {
      await rate({ messageId: message._id as Id<"ariaMessages">, rating, comment: text });
      setSaved(true);
    } catch (e) {
      setError(toUserError(e));
    }
  };
  const commentId = `commentaire-${message._id}`;
  return (
    <div className="space-y-2 border-t border-slate-100 pt-2">
      <fieldset className="flex flex-wrap items-center gap-2">
        <legend className="float-left mr-2 text-sm text-slate-700">Cette réponse t'a aidé ?</legend>
        <Button
          size="sm"
          variant={message.rating === "up" ? "primary" : "secondary"}
          aria-pressed={message.rating === "up"}
          onClick={() => send("up")}
        >
          Utile
        </Button>
        <Button
          size="sm"
          variant={message.rating === "down" ? "primary" : "secondary"}
          aria-pressed={message.rating === "down"}
          onClick={async () => {
            setShowComment(true);
            await send("down", comment || undefined);
          }}
        >
          Pas utile
        </Button>
      </fieldset>
      {showComment || message.ratingComment ? (
        <form
          className="flex flex-col gap-2 sm:flex-row sm:items-end"
          onSubmit={async (event) => {
            event.preventDefault();
            await send(message.rating ?? "down", comment);
          }}
        >
          <label className="flex-1 text-sm text-slate-800" htmlFor={commentId}>
            Qu'est-ce qui n'allait pas ? (facultatif)
            <textarea
              id={commentId}
              className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-base"
              rows={2}
              maxLength={1000}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
            />
          </label>
          <Button size="sm" type="submit" variant="secondary">
            Envoyer mon commentaire
          </Button>
        </form>
      ) : null}
      <p role="status" className={cn("text-sm text-green-800", saved ? "" : "sr-only")}>
        {saved ? "Merci, ton avis est enregistré." : ""}
      </p>
      <InlineError error={error} />
    </div>
  );
}

/** « Il te reste 3 questions aujourd'hui » / premium budget, from aria.quota. */
export function quotaSentence(quota: FunctionReturnType<typeof api.aria.quota>): string {
  if (quota.premium) {
    const left = Math.max(0, (quota.monthlyTokenBudget ?? 0) - quota.monthTokens);
    const percent = quota.monthlyTokenBudget
      ? Math.round((100 * left) / quota.monthlyTokenBudget)
      : 0;
    return `Option premium : questions sans limite quotidienne, ${percent} % du budget du mois restant.`;
  }
  const left = quota.remainingToday ?? 0;
  if (left === 0) return quota.refusal ?? "Plus de question possible aujourd'hui.";
  return `Il te reste ${left} question${left > 1 ? "s" : ""} gratuite${left > 1 ? "s" : ""} aujourd'hui sur ${quota.dailyLimit}.`;
}
