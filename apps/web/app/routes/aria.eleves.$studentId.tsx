// One student's ARIA for those who follow them: usage counts, the conversations (all of them,
// read-only, for the coach and staff; only the shared ones for a parent) and, for staff, the
// premium option and budgets.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { subjectLabels } from "@nexus/shared/vocabulary";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useMutation } from "convex/react";
import { useState } from "react";
import { modeLabels } from "~/components/aria/conversation";
import { UsageSummary } from "~/components/aria/usage";
import { InlineError } from "~/components/eleve/inline-error";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { formatDayFr } from "~/utils/dates-fr";
import { toUserError, type UserFacingError } from "~/utils/errors";
import { roundToMinute } from "~/utils/jobs-console";
import { useLiveQuery } from "~/utils/live-query";
import { useMinuteClock } from "~/utils/use-minute-clock";

export const meta: MetaFunction = () => [{ title: "ARIA d'un élève — Nexus Réussite" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, token } = await requireRole(request, ["parent", "coach", "admin", "assistante"]);
  const convex = convexForRequest(token);
  const studentId = params.studentId as Id<"students">;
  const now = roundToMinute(Date.now());
  const staff = user.role === "admin" || user.role === "assistante";
  try {
    const [student, usage, conversations, settings] = await Promise.all([
      convex.query(api.students.get, { studentId }),
      convex.query(api.aria.usage, { studentId, now }),
      convex.query(api.aria.list, { studentId, archived: false }),
      staff ? convex.query(api.aria.settings, { studentId }) : Promise.resolve(null),
    ]);
    return {
      role: user.role,
      studentId,
      name: `${student.firstName} ${student.lastName}`,
      usage,
      conversations,
      settings,
      now,
    };
  } catch {
    throw new Response("Élève introuvable.", { status: 404 });
  }
}

export default function StudentAria() {
  const data = useLoaderData<typeof loader>();
  const now = useMinuteClock(data.now);
  const conversations = useLiveQuery(
    api.aria.list,
    { studentId: data.studentId, archived: false },
    data.conversations,
  );
  return (
    <section aria-labelledby="page-titre" className="space-y-6">
      <p>
        <Link to="/aria/suivi" className="text-brand-800 underline underline-offset-2">
          ← Suivi d'ARIA
        </Link>
      </p>
      <h1 id="page-titre" className="text-3xl font-bold text-brand-900">
        ARIA — {data.name}
      </h1>
      <Card>
        <h2 className="mb-3 text-lg font-semibold text-slate-900">Utilisation</h2>
        <UsageSummary studentId={data.studentId} now={now} initial={data.usage} />
      </Card>
      <div>
        <h2 className="text-xl font-semibold text-slate-900">
          {data.role === "parent"
            ? "Conversations partagées avec vous"
            : "Conversations (lecture seule)"}
        </h2>
        {conversations.length === 0 ? (
          <p className="mt-2 text-slate-700">
            {data.role === "parent"
              ? "Aucune conversation partagée pour l'instant : votre enfant choisit ce qu'il partage."
              : "Aucune conversation pour l'instant."}
          </p>
        ) : (
          <ul className="mt-3 space-y-2" aria-label="Conversations">
            {conversations.map((c) => (
              <li key={c._id}>
                <Card className="py-3">
                  <Link
                    to={`/aria/conversations/${c._id}`}
                    className="font-semibold text-brand-800 underline-offset-2 hover:underline"
                  >
                    {c.title}
                  </Link>
                  <p className="text-sm text-slate-600">
                    {subjectLabels[c.subject]} · {modeLabels[c.mode]} · {c.questionCount} question
                    {c.questionCount > 1 ? "s" : ""} · {formatDayFr(c.lastMessageAt)}
                  </p>
                </Card>
              </li>
            ))}
          </ul>
        )}
      </div>
      {data.settings ? <StaffSettings studentId={data.studentId} initial={data.settings} /> : null}
    </section>
  );
}

function StaffSettings({
  studentId,
  initial,
}: {
  studentId: Id<"students">;
  initial: NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["settings"]>;
}) {
  const settings = useLiveQuery(api.aria.settings, { studentId }, initial);
  const save = useMutation(api.aria.setSettings);
  const [error, setError] = useState<UserFacingError | null>(null);
  const [done, setDone] = useState("");
  return (
    <Card>
      <h2 className="text-lg font-semibold text-slate-900">Option et budgets (équipe)</h2>
      <form
        className="mt-3 space-y-3"
        onSubmit={async (event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          const number = (name: string) => {
            const raw = String(form.get(name) ?? "").replace(/\s/g, "");
            return raw === "" ? null : Number(raw);
          };
          setError(null);
          setDone("");
          try {
            await save({
              studentId,
              premium: form.get("premium") === "on",
              monthlyTokenBudget: number("budget"),
              dailyQuestionLimit: number("limite"),
            });
            setDone("Réglages enregistrés.");
          } catch (e) {
            setError(toUserError(e));
          }
        }}
      >
        <label className="flex items-center gap-2">
          <input type="checkbox" name="premium" defaultChecked={settings.premium} /> Option ARIA
          premium (pas de limite quotidienne)
        </label>
        <label className="block text-sm font-medium text-slate-800">
          Budget mensuel en jetons (premium ; vide : 300 000 par défaut)
          <input
            name="budget"
            inputMode="numeric"
            defaultValue={settings.monthlyTokenBudget ?? ""}
            className="mt-1 block w-full max-w-xs rounded-md border border-slate-300 px-3 py-2"
          />
        </label>
        <label className="block text-sm font-medium text-slate-800">
          Questions gratuites par jour (vide : 5 par défaut)
          <input
            name="limite"
            inputMode="numeric"
            defaultValue={settings.dailyQuestionLimit ?? ""}
            className="mt-1 block w-full max-w-xs rounded-md border border-slate-300 px-3 py-2"
          />
        </label>
        <Button type="submit">Enregistrer</Button>
        <p role="status" className="text-sm text-green-800">
          {done}
        </p>
        <InlineError error={error} />
      </form>
    </Card>
  );
}
