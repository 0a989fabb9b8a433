// The questionnaire, one domain per step then the survey. Every answer is saved as it is
// given (bilans.saveAnswers with an optimistic update of bilans.questionnaire), so the page
// can be left and resumed anywhere; « Étape suivante » says which answers are missing; the
// last step sends the bilan after a confirmation (bilans.submit), then shows its results page.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { Link } from "@remix-run/react";
import { useMutation } from "convex/react";
import { useEffect, useRef, useState } from "react";
import { StatusBadge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { toUserError, type UserFacingError } from "~/utils/errors";
import { useLiveQuery } from "~/utils/live-query";
import {
  type Answers,
  type BilanQuestionnaire,
  buildSteps,
  countAnswers,
  firstIncompleteStep,
  missingInStep,
  missingSentence,
  type SurveyValue,
  toggleChoice,
  withQcmAnswer,
  withSurveyAnswer,
} from "~/utils/questionnaire-steps";
import { BilanProgress } from "./bilan-progress";
import { QcmQuestion, SurveyQuestion } from "./question-fields";
import { Stepper } from "./stepper";
import { SubmitDialog } from "./submit-dialog";

type SaveState = { kind: "idle" } | { kind: "saving" } | { kind: "saved" } | { kind: "error" };

export function QuestionnaireForm({ initial }: { initial: BilanQuestionnaire }) {
  const bilanId = initial.bilanId as Id<"bilans">;
  const live = useLiveQuery(api.bilans.questionnaire, { bilanId }, initial);
  const steps = buildSteps(live);
  const [answers, setAnswers] = useState<Answers>(live.answers);
  const pending = useRef(0);
  const [save, setSave] = useState<SaveState>({ kind: "idle" });
  const [fieldError, setFieldError] = useState<{ id: string; error: UserFacingError } | null>(null);
  const [stepIndex, setStepIndex] = useState(() => firstIncompleteStep(steps, live.answers));
  const [warned, setWarned] = useState<string[] | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);

  const saveAnswers = useMutation(api.bilans.saveAnswers).withOptimisticUpdate((store, args) => {
    const current = store.getQuery(api.bilans.questionnaire, { bilanId: args.bilanId });
    if (current) {
      store.setQuery(
        api.bilans.questionnaire,
        { bilanId: args.bilanId },
        {
          ...current,
          answers: args.answers,
        },
      );
    }
  });

  // Answers given on another device arrive here while nothing of ours is in flight.
  useEffect(() => {
    if (pending.current === 0) setAnswers(live.answers);
  }, [live.answers]);

  // A new step: its title takes the focus (screen readers hear where they are).
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the step changes
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    headingRef.current?.focus();
    headingRef.current?.scrollIntoView({ block: "start" });
  }, [stepIndex]);

  function persist(next: Answers, questionId: string) {
    setAnswers(next);
    setWarned((missing) => missing?.filter((id) => `q-${id}` !== questionId) ?? null);
    pending.current += 1;
    setSave({ kind: "saving" });
    saveAnswers({ bilanId, answers: next })
      .then(() => {
        setFieldError((current) => (current?.id === questionId ? null : current));
        if (pending.current === 1) setSave({ kind: "saved" });
      })
      .catch((error: unknown) => {
        setFieldError({ id: questionId, error: toUserError(error) });
        setSave({ kind: "error" });
      })
      .finally(() => {
        pending.current -= 1;
      });
  }

  // Sent (here or from another device): the page follows the bilan live, without reload.
  if (live.status !== "draft") return <SubmittedPanel bilanId={bilanId} status={live.status} />;
  const step = steps[stepIndex] ?? steps[0];
  if (!step) return null;
  const isLast = stepIndex === steps.length - 1;
  const missing = missingInStep(step, answers);
  const disabled = !live.canAnswer;
  const totals = countAnswers(steps, answers);

  function goTo(index: number) {
    setWarned(null);
    setStepIndex(index);
  }

  function next() {
    if (missing.length > 0 && warned === null) {
      setWarned(missing);
      document.getElementById("reponses-manquantes")?.focus();
      return;
    }
    goTo(stepIndex + 1);
  }

  function surveyAnswer(
    itemId: string,
    kind: string,
    maxChoices: number | undefined,
    value: SurveyValue,
  ) {
    if (kind === "multiple") {
      const chosen = toggleChoice(answers.survey[itemId], String(value), maxChoices);
      if (chosen === null) {
        setFieldError({
          id: `q-${itemId}`,
          error: {
            code: "INVALID_ARGUMENT",
            message: `Vous pouvez choisir ${maxChoices} réponses au maximum : décochez-en une d'abord.`,
          },
        });
        return;
      }
      persist(withSurveyAnswer(answers, itemId, chosen), `q-${itemId}`);
      return;
    }
    persist(withSurveyAnswer(answers, itemId, value), `q-${itemId}`);
  }

  const shownMissing = warned ?? [];
  return (
    <div className="space-y-6">
      <Stepper steps={steps} current={stepIndex} answers={answers} onSelect={goTo} />
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-700">
        <p>
          {totals.answered} réponses sur {totals.total}
        </p>
        <p role="status" aria-live="polite" className="font-medium">
          {save.kind === "saving"
            ? "Enregistrement…"
            : save.kind === "saved"
              ? "✓ Réponses enregistrées"
              : save.kind === "error"
                ? "Une réponse n'a pas pu être enregistrée"
                : ""}
        </p>
      </div>
      <section aria-labelledby="etape-titre" className="space-y-4">
        <div>
          <p className="text-sm font-semibold uppercase tracking-wide text-brand-700">
            Étape {stepIndex + 1} sur {steps.length}
          </p>
          <h2
            id="etape-titre"
            ref={headingRef}
            tabIndex={-1}
            className="scroll-mt-24 text-2xl font-bold text-slate-900 focus:outline-none"
          >
            {step.title}
          </h2>
          <p className="mt-1 text-slate-700">{step.description}</p>
        </div>
        {step.kind === "domain"
          ? step.questions.map((question, index) => (
              <QcmQuestion
                key={question.id}
                question={question}
                number={index + 1}
                value={answers.qcm[question.id]}
                missing={shownMissing.includes(question.id)}
                disabled={disabled}
                error={fieldError?.id === `q-${question.id}` ? fieldError.error : null}
                onAnswer={(optionId) =>
                  persist(withQcmAnswer(answers, question.id, optionId), `q-${question.id}`)
                }
              />
            ))
          : step.items.map((item, index) => (
              <SurveyQuestion
                key={item.id}
                item={item}
                number={index + 1}
                value={answers.survey[item.id]}
                missing={shownMissing.includes(item.id)}
                disabled={disabled}
                error={fieldError?.id === `q-${item.id}` ? fieldError.error : null}
                onAnswer={(value) =>
                  surveyAnswer(
                    item.id,
                    item.kind,
                    "maxChoices" in item ? item.maxChoices : undefined,
                    value,
                  )
                }
              />
            ))}
      </section>
      <MissingNotice step={step} missing={shownMissing} />
      <div className="flex flex-col-reverse gap-3 border-t border-slate-200 pt-4 sm:flex-row sm:justify-between">
        <Button variant="secondary" disabled={stepIndex === 0} onClick={() => goTo(stepIndex - 1)}>
          Étape précédente
        </Button>
        {isLast ? (
          <SubmitDialog
            bilanId={bilanId}
            unanswered={totals.total - totals.answered}
            disabled={disabled}
            onSubmitted={() => window.scrollTo({ top: 0 })}
          />
        ) : (
          <Button onClick={next}>
            {warned !== null && missing.length > 0 ? "Continuer sans répondre" : "Étape suivante"}
          </Button>
        )}
      </div>
    </div>
  );
}

function MissingNotice({
  step,
  missing,
}: {
  step: ReturnType<typeof buildSteps>[number];
  missing: string[];
}) {
  const numbers = (step.kind === "domain" ? step.questions : step.items)
    .map((q, index) => ({ id: q.id, number: index + 1 }))
    .filter((q) => missing.includes(q.id));
  return (
    <div
      id="reponses-manquantes"
      tabIndex={-1}
      role="alert"
      className={
        numbers.length
          ? "rounded-md border border-amber-400 bg-amber-50 p-4 text-amber-950"
          : "sr-only"
      }
    >
      {numbers.length ? (
        <>
          <p className="font-semibold">
            {missingSentence(numbers.length)} dans cette étape :{" "}
            {numbers.map((q, i) => (
              <span key={q.id}>
                {i > 0 ? ", " : ""}
                <a href={`#q-${q.id}`} className="underline">
                  question {q.number}
                </a>
              </span>
            ))}
            .
          </p>
          <p className="mt-1 text-sm">
            Répondez-y si vous le pouvez ; une question sans réponse compte comme non acquise. Vous
            pouvez aussi continuer et y revenir plus tard.
          </p>
        </>
      ) : null}
    </div>
  );
}

function SubmittedPanel({
  bilanId,
  status,
}: {
  bilanId: Id<"bilans">;
  status: BilanQuestionnaire["status"];
}) {
  const waiting = status === "submitted" || status === "generating";
  return (
    <Card aria-labelledby="envoi-titre" className="space-y-3" data-testid="bilan-envoye">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="envoi-titre" className="text-xl font-bold text-slate-900">
          Votre bilan est envoyé
        </h2>
        <StatusBadge status={status} />
      </div>
      <p className="text-slate-800" aria-live="polite">
        {waiting
          ? "Vos résultats sont calculés ; le centre rédige maintenant votre synthèse personnalisée."
          : status === "failed"
            ? "La rédaction de votre synthèse a rencontré un problème : le centre a été prévenu."
            : "Votre synthèse est rédigée : votre coach la relit avant de vous la transmettre."}
      </p>
      {waiting ? <BilanProgress bilanId={bilanId} initial={null} /> : null}
      <Button asChild>
        <Link to={`/eleve/bilans/${bilanId}`}>Voir mes résultats</Link>
      </Button>
    </Card>
  );
}
