// The questionnaire's steps: « Étape 2 sur 6 » with a bar on phones, the list of steps
// (each with how many answers it holds) on wider screens; a step can be opened directly.
import { cn } from "~/utils/cn";
import { type Answers, missingInStep, type Step } from "~/utils/questionnaire-steps";

export function Stepper({
  steps,
  current,
  answers,
  onSelect,
}: {
  steps: Step[];
  current: number;
  answers: Answers;
  onSelect: (index: number) => void;
}) {
  return (
    <nav aria-label="Étapes du questionnaire">
      <div className="h-2 overflow-hidden rounded-full bg-slate-200 sm:hidden" aria-hidden="true">
        <div
          className="h-full rounded-full bg-brand-700"
          style={{ width: `${((current + 1) / steps.length) * 100}%` }}
        />
      </div>
      <ol className="hidden gap-2 sm:grid sm:grid-cols-3 lg:grid-cols-6">
        {steps.map((step, index) => {
          const size = step.kind === "domain" ? step.questions.length : step.items.length;
          const done = size - missingInStep(step, answers).length;
          const isCurrent = index === current;
          return (
            <li key={step.id}>
              <button
                type="button"
                onClick={() => onSelect(index)}
                aria-current={isCurrent ? "step" : undefined}
                className={cn(
                  "flex h-full min-h-11 w-full flex-col items-start rounded-md border px-3 py-2 text-left text-sm",
                  isCurrent
                    ? "border-brand-700 bg-brand-50 text-brand-900"
                    : "border-slate-200 bg-white text-slate-700 hover:border-brand-600",
                )}
              >
                <span className="font-semibold">
                  {index + 1}. {step.title}
                </span>
                <span className="text-xs text-slate-600">
                  {done} / {size} réponses
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
