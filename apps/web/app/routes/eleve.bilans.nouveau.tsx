// « Commencer un bilan »: the subjects of the élève's niveau and spécialités
// (bilans.availableSubjects); « Reprendre » for an open draft, else a new draft (bilans.createDraft).
import { api } from "@convex/_generated/api";
import { zSubject } from "@nexus/shared/domain";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { InlineError } from "~/components/eleve/inline-error";
import { Button } from "~/components/ui/button";
import { Card, CardDescription, CardTitle } from "~/components/ui/card";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { formatDayFr } from "~/utils/dates-fr";
import { requireOwnStudentCard } from "~/utils/eleve.server";
import { toUserError } from "~/utils/errors";
import { useLiveQuery } from "~/utils/live-query";

export const meta: MetaFunction = () => [{ title: "Commencer un bilan — Nexus Réussite" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { token } = await requireRole(request, ["eleve"]);
  const convex = convexForRequest(token);
  const { student } = await requireOwnStudentCard(convex);
  const available = await convex.query(api.bilans.availableSubjects, { studentId: student._id });
  return { studentId: student._id, available };
}

export async function action({ request }: ActionFunctionArgs) {
  const { token } = await requireRole(request, ["eleve"]);
  const form = await request.formData();
  const subject = zSubject.safeParse(form.get("subject"));
  if (!subject.success) {
    return { subject: null, error: toUserError(null) };
  }
  const convex = convexForRequest(token);
  try {
    const { student } = await requireOwnStudentCard(convex);
    const bilanId = await convex.mutation(api.bilans.createDraft, {
      studentId: student._id,
      subject: subject.data,
    });
    return redirect(`/eleve/bilans/${bilanId}/questionnaire`);
  } catch (error) {
    if (error instanceof Response) throw error;
    return { subject: subject.data, error: toUserError(error) };
  }
}

export default function NewBilan() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const available = useLiveQuery(
    api.bilans.availableSubjects,
    { studentId: data.studentId },
    data.available,
  );
  const pendingSubject = navigation.state !== "idle" ? navigation.formData?.get("subject") : null;
  return (
    <section aria-labelledby="page-titre" className="space-y-6">
      <div>
        <Link to="/eleve" className="text-sm font-medium text-brand-800 underline">
          ← Mes bilans
        </Link>
        <h1 id="page-titre" className="mt-2 text-3xl font-bold text-brand-900">
          Commencer un bilan
        </h1>
        <p className="mt-1 max-w-2xl text-slate-700">
          Choisissez une matière. Le questionnaire se fait en plusieurs étapes ; vos réponses sont
          enregistrées au fur et à mesure, vous pouvez le reprendre plus tard, même depuis un autre
          appareil.
        </p>
      </div>
      {available.subjects.length === 0 ? (
        <Card>
          <p className="text-slate-700">
            Aucun questionnaire n'est encore proposé pour votre niveau et vos spécialités. Le centre
            vous préviendra dès qu'il y en aura un.
          </p>
        </Card>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2">
          {available.subjects.map((item) => (
            <li key={item.subject}>
              <Card
                className="flex h-full flex-col gap-4"
                aria-labelledby={`matiere-${item.subject}`}
              >
                <div>
                  <CardTitle id={`matiere-${item.subject}`}>{item.label}</CardTitle>
                  <CardDescription>
                    {item.title} · {item.domainCount} thèmes, {item.questionCount} questions, puis
                    quelques questions sur votre façon de travailler.
                  </CardDescription>
                  {item.draft ? (
                    <p className="mt-2 text-sm text-slate-700">
                      Brouillon du {formatDayFr(item.draft.updatedAt)} : {item.draft.answered} sur{" "}
                      {item.questionCount} questions répondues.
                    </p>
                  ) : null}
                </div>
                <div className="mt-auto space-y-2">
                  {item.draft ? (
                    <Button asChild>
                      <Link to={`/eleve/bilans/${item.draft.bilanId}/questionnaire`}>
                        Reprendre<span className="sr-only"> le bilan de {item.label}</span>
                      </Link>
                    </Button>
                  ) : (
                    <Form method="post">
                      <input type="hidden" name="subject" value={item.subject} />
                      <Button
                        type="submit"
                        disabled={!available.canStart || pendingSubject === item.subject}
                      >
                        {pendingSubject === item.subject ? "Création…" : "Commencer"}
                        <span className="sr-only"> le bilan de {item.label}</span>
                      </Button>
                    </Form>
                  )}
                  {result?.subject === item.subject ? <InlineError error={result.error} /> : null}
                </div>
              </Card>
            </li>
          ))}
        </ul>
      )}
      {result && result.subject === null ? <InlineError error={result.error} /> : null}
    </section>
  );
}
