// One question of the questionnaire and one item of the survey, as native radio / checkbox
// groups in a fieldset with its legend (keyboard: Tab into the group, arrows between options).
// Code snippets are rendered in <pre>. A missing answer (after « Étape suivante ») is said in text.
import type { ReactNode } from "react";
import type { UserFacingError } from "~/utils/errors";
import type { Question, SurveyItem, SurveyValue } from "~/utils/questionnaire-steps";
import { InlineError } from "./inline-error";

const optionClass =
  "flex min-h-11 cursor-pointer items-center gap-3 rounded-md border border-slate-300 bg-white px-3 py-2 text-slate-900 hover:border-brand-600 has-[:checked]:border-brand-700 has-[:checked]:bg-brand-50 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-600";

function QuestionFrame({
  id,
  number,
  prompt,
  hint,
  missing,
  error,
  children,
}: {
  id: string;
  number: number;
  prompt: string;
  hint?: ReactNode;
  missing: boolean;
  error?: UserFacingError | null;
  children: ReactNode;
}) {
  return (
    <fieldset
      id={id}
      className={`scroll-mt-24 rounded-lg border bg-white p-4 sm:p-5 ${missing ? "border-red-400" : "border-slate-200"}`}
      aria-describedby={missing ? `${id}-manquante` : undefined}
    >
      <legend className="sr-only">
        Question {number} : {prompt}
      </legend>
      <p aria-hidden="true" className="font-semibold text-slate-900">
        <span className="text-brand-800">Question {number}.</span> {prompt}
      </p>
      {hint}
      {missing ? (
        <p id={`${id}-manquante`} className="mt-2 text-sm font-medium text-red-800">
          Réponse manquante.
        </p>
      ) : null}
      <div className="mt-3">{children}</div>
      <InlineError error={error} className="mt-3" />
    </fieldset>
  );
}

export function QcmQuestion({
  question,
  number,
  value,
  missing,
  disabled,
  error,
  onAnswer,
}: {
  question: Question;
  number: number;
  value: string | undefined;
  missing: boolean;
  disabled: boolean;
  error?: UserFacingError | null;
  onAnswer: (optionId: string) => void;
}) {
  const id = `q-${question.id}`;
  return (
    <QuestionFrame
      id={id}
      number={number}
      prompt={question.prompt}
      missing={missing}
      error={error}
      hint={
        question.code ? (
          <pre className="mt-3 overflow-x-auto rounded-md bg-slate-900 p-3 text-sm text-slate-50">
            <code>{question.code}</code>
          </pre>
        ) : null
      }
    >
      <div className="grid gap-2">
        {question.options.map((option) => (
          <label key={option.id} className={optionClass}>
            <input
              type="radio"
              name={id}
              value={option.id}
              checked={value === option.id}
              disabled={disabled}
              onChange={() => onAnswer(option.id)}
              className="size-5 shrink-0 accent-brand-700"
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
    </QuestionFrame>
  );
}

export function SurveyQuestion({
  item,
  number,
  value,
  missing,
  disabled,
  error,
  onAnswer,
}: {
  item: SurveyItem;
  number: number;
  value: SurveyValue | undefined;
  missing: boolean;
  disabled: boolean;
  error?: UserFacingError | null;
  onAnswer: (value: SurveyValue) => void;
}) {
  const id = `q-${item.id}`;
  if (item.kind === "likert") {
    const values: number[] = [];
    for (let n = item.scale.min; n <= item.scale.max; n += 1) values.push(n);
    return (
      <QuestionFrame id={id} number={number} prompt={item.prompt} missing={missing} error={error}>
        <div className="flex flex-wrap gap-2">
          {values.map((n) => {
            const end =
              n === item.scale.min
                ? item.scale.minLabel
                : n === item.scale.max
                  ? item.scale.maxLabel
                  : null;
            return (
              <label key={n} className={`${optionClass} min-w-11 justify-center`}>
                <input
                  type="radio"
                  name={id}
                  value={n}
                  checked={value === n}
                  disabled={disabled}
                  onChange={() => onAnswer(n)}
                  className="size-5 accent-brand-700"
                />
                <span>
                  {n}
                  {end ? <span className="sr-only"> : {end}</span> : null}
                </span>
              </label>
            );
          })}
        </div>
        <p aria-hidden="true" className="mt-2 flex justify-between gap-4 text-sm text-slate-600">
          <span>
            {item.scale.min} = {item.scale.minLabel}
          </span>
          <span className="text-right">
            {item.scale.max} = {item.scale.maxLabel}
          </span>
        </p>
      </QuestionFrame>
    );
  }
  if (item.kind === "single") {
    return (
      <QuestionFrame id={id} number={number} prompt={item.prompt} missing={missing} error={error}>
        <div className="grid gap-2">
          {item.options.map((option) => (
            <label key={option.id} className={optionClass}>
              <input
                type="radio"
                name={id}
                value={option.id}
                checked={value === option.id}
                disabled={disabled}
                onChange={() => onAnswer(option.id)}
                className="size-5 shrink-0 accent-brand-700"
              />
              <span>{option.label}</span>
            </label>
          ))}
        </div>
      </QuestionFrame>
    );
  }
  const chosen = Array.isArray(value) ? value : [];
  const hintId = `${id}-consigne`;
  return (
    <QuestionFrame
      id={id}
      number={number}
      prompt={item.prompt}
      missing={missing}
      error={error}
      hint={
        <p id={hintId} className="mt-1 text-sm text-slate-600">
          {item.maxChoices
            ? `Plusieurs réponses possibles (${item.maxChoices} au maximum).`
            : "Plusieurs réponses possibles."}
        </p>
      }
    >
      <div className="grid gap-2">
        {item.options.map((option) => (
          <label key={option.id} className={optionClass}>
            <input
              type="checkbox"
              name={id}
              value={option.id}
              checked={chosen.includes(option.id)}
              disabled={disabled}
              aria-describedby={hintId}
              onChange={() => onAnswer(option.id)}
              className="size-5 shrink-0 accent-brand-700"
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
    </QuestionFrame>
  );
}
