// Every text field of the synthesis, editable in place; the parent saves (use-autosave.ts).
// Read-only (approved, generating) renders the same fields as text.
import type { Synthesis } from "@nexus/shared/synthesis";
import { type ChangeEvent, useId } from "react";
import { SourceList } from "./sources";

function TextField({
  label,
  value,
  onChange,
  readOnly,
  rows = 3,
  hint,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  readOnly: boolean;
  rows?: number;
  hint?: string;
}) {
  const id = useId();
  const empty = value.trim() === "";
  return (
    <div className="mt-3">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
        {hint ? <span className="sr-only"> ({hint})</span> : null}
      </label>
      <textarea
        id={id}
        value={value}
        rows={rows}
        readOnly={readOnly}
        aria-invalid={empty || undefined}
        onChange={(e: ChangeEvent<HTMLTextAreaElement>) => onChange(e.target.value)}
        className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base text-slate-900 read-only:bg-slate-50 aria-invalid:border-red-700"
      />
      {empty ? (
        <p className="mt-1 text-sm text-red-800">Ce champ ne peut pas rester vide.</p>
      ) : null}
    </div>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <fieldset className="mt-6 border-t border-slate-200 pt-4">
      <legend className="text-base font-semibold text-slate-900">{title}</legend>
      {children}
    </fieldset>
  );
}

function Empty({ children }: { children: React.ReactNode }) {
  return <p className="mt-2 text-sm text-slate-600">{children}</p>;
}

/** A copy of `items` with the item at `index` replaced by `change(item)`. */
export function replaceAt<T>(items: readonly T[], index: number, change: (item: T) => T): T[] {
  return items.map((item, i) => (i === index ? change(item) : item));
}

// The synthesis's lists never change length or order in the editor (only their texts do), so
// a position is a stable key for its field.
export function SynthesisEditor({
  draft,
  onChange,
  readOnly,
  domainLabel,
}: {
  draft: Synthesis;
  onChange: (next: Synthesis) => void;
  readOnly: boolean;
  domainLabel: (domainId: string) => string;
}) {
  const set = (patch: Partial<Synthesis>) => onChange({ ...draft, ...patch });
  return (
    <div>
      <TextField
        label="Synthèse"
        rows={5}
        value={draft.summary}
        readOnly={readOnly}
        onChange={(summary) => set({ summary })}
      />
      <Section title="Points forts">
        {draft.strengths.length === 0 ? (
          <Empty>Aucun point fort relevé dans cette version.</Empty>
        ) : null}
        {draft.strengths.map((item, i) => (
          <TextField
            // biome-ignore lint/suspicious/noArrayIndexKey: fixed positions (see above)
            key={i}
            label={`Point fort ${i + 1} — ${domainLabel(item.domainId)}`}
            value={item.text}
            readOnly={readOnly}
            onChange={(text) =>
              set({ strengths: replaceAt(draft.strengths, i, (s) => ({ ...s, text })) })
            }
          />
        ))}
      </Section>
      <Section title="Points à travailler">
        {draft.weaknesses.length === 0 ? (
          <Empty>Aucun point à travailler relevé dans cette version.</Empty>
        ) : null}
        {draft.weaknesses.map((item, i) => (
          <TextField
            // biome-ignore lint/suspicious/noArrayIndexKey: fixed positions (see above)
            key={i}
            label={`Point à travailler ${i + 1} — ${domainLabel(item.domainId)}`}
            value={item.text}
            readOnly={readOnly}
            onChange={(text) =>
              set({ weaknesses: replaceAt(draft.weaknesses, i, (w) => ({ ...w, text })) })
            }
          />
        ))}
      </Section>
      <Section title="Recommandations">
        {draft.recommendations.map((item, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: fixed positions (see above)
          <div key={i} className="mt-3 rounded-md bg-slate-50 p-3">
            <TextField
              label={`Titre de la recommandation ${i + 1}`}
              rows={1}
              value={item.title}
              readOnly={readOnly}
              onChange={(title) =>
                set({
                  recommendations: replaceAt(draft.recommendations, i, (r) => ({ ...r, title })),
                })
              }
            />
            <TextField
              label={`Recommandation ${i + 1}`}
              value={item.text}
              readOnly={readOnly}
              onChange={(text) =>
                set({
                  recommendations: replaceAt(draft.recommendations, i, (r) => ({ ...r, text })),
                })
              }
            />
            <SourceList sources={item.sources} />
          </div>
        ))}
      </Section>
      <Section title="Plan de travail">
        {draft.studyPlan.map((week, w) => (
          <div key={week.week} className="mt-3">
            <h4 className="font-medium text-slate-900">Semaine {week.week}</h4>
            {week.objectives.map((objective, i) => (
              <TextField
                // biome-ignore lint/suspicious/noArrayIndexKey: fixed positions (see above)
                key={`o${i}`}
                label={`Semaine ${week.week}, objectif ${i + 1}`}
                rows={2}
                value={objective}
                readOnly={readOnly}
                onChange={(text) =>
                  set({
                    studyPlan: replaceAt(draft.studyPlan, w, (wk) => ({
                      ...wk,
                      objectives: replaceAt(wk.objectives, i, () => text),
                    })),
                  })
                }
              />
            ))}
            {week.activities.map((activity, i) => (
              <TextField
                // biome-ignore lint/suspicious/noArrayIndexKey: fixed positions (see above)
                key={`a${i}`}
                label={`Semaine ${week.week}, activité ${i + 1} (${activity.hours} h)`}
                rows={2}
                value={activity.description}
                readOnly={readOnly}
                onChange={(description) =>
                  set({
                    studyPlan: replaceAt(draft.studyPlan, w, (wk) => ({
                      ...wk,
                      activities: replaceAt(wk.activities, i, (a) => ({ ...a, description })),
                    })),
                  })
                }
              />
            ))}
          </div>
        ))}
      </Section>
      {draft.offers.length > 0 ? (
        <Section title="Offres proposées">
          {draft.offers.map((offer, i) => (
            <TextField
              key={offer.offerId}
              label={`Pourquoi « ${offer.title} »`}
              rows={2}
              value={offer.reason}
              readOnly={readOnly}
              onChange={(reason) =>
                set({ offers: replaceAt(draft.offers, i, (o) => ({ ...o, reason })) })
              }
            />
          ))}
        </Section>
      ) : null}
      <Section title="Message aux parents">
        <TextField
          label="Message aux parents"
          rows={4}
          value={draft.parentSummary}
          readOnly={readOnly}
          onChange={(parentSummary) => set({ parentSummary })}
        />
      </Section>
    </div>
  );
}
