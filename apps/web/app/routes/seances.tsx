// /seances (élève, parent): the credits and sessions of one child (?eleve=<id>; the first one
// otherwise): balance and history, buying a pack (cash or transfer reserved at the desk; card
// when Stripe is configured), booking a free slot with one of the child's coaches, and the
// sessions with their visio link and cancellation. Booking: a subject among the child's, one of
// the child's coaches or « any coach of the subject » when the centre allows it. First paint
// from the loader, then live.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BookingPanel } from "~/components/coaching/booking-panel";
import { BuyPack } from "~/components/coaching/buy-pack";
import { SessionList } from "~/components/coaching/session-list";
import { WalletCard } from "~/components/coaching/wallet-card";
import { requireRole } from "~/utils/auth.server";
import { convexForRequest } from "~/utils/convex.server";
import { useLiveQuery } from "~/utils/live-query";

export const meta: MetaFunction = () => [{ title: "Séances et crédits — Nexus Réussite" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, token } = await requireRole(request, ["parent", "eleve"]);
  const convex = convexForRequest(token);
  const students = (
    await convex.query(api.students.listMine, { paginationOpts: { numItems: 20, cursor: null } })
  ).page.map((s) => ({ _id: s._id, name: `${s.firstName} ${s.lastName}`, firstName: s.firstName }));
  const wanted = new URL(request.url).searchParams.get("eleve");
  const current = students.find((s) => s._id === wanted) ?? students[0] ?? null;
  if (!current) return { role: user.role, students, current: null, now: Date.now() } as const;
  const studentId = current._id;
  const [wallet, sessions, payments, catalog, coaches, online, options, subscription] =
    await Promise.all([
      convex.query(api.credits.wallet, { studentId }),
      convex.query(api.sessions.forStudent, { studentId }),
      convex.query(api.payments.forStudent, { studentId }),
      convex.query(api.credits.catalog, {}),
      convex.query(api.sessions.coachesFor, { studentId }),
      convex.query(api.checkout.available, {}),
      convex.query(api.sessions.bookingOptions, { studentId }),
      convex.query(api.credits.subscription, { studentId }),
    ]);
  return {
    role: user.role,
    students,
    current,
    now: Date.now(),
    data: { wallet, sessions, payments, catalog, coaches, online, options, subscription },
  } as const;
}

export default function SessionsPage() {
  const loaded = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="page-titre">
      <h1 id="page-titre" className="text-3xl font-bold text-brand-900">
        Séances et crédits
      </h1>
      {loaded.students.length > 1 ? (
        <nav aria-label="Choisir l’enfant" className="mt-3 flex flex-wrap gap-2">
          {loaded.students.map((s) => (
            <Link
              key={s._id}
              to={`/seances?eleve=${s._id}`}
              aria-current={s._id === loaded.current?._id ? "page" : undefined}
              className="rounded-full border border-slate-300 px-3 py-1 text-sm aria-[current=page]:border-brand-700 aria-[current=page]:bg-brand-50 aria-[current=page]:font-semibold"
            >
              {s.name}
            </Link>
          ))}
        </nav>
      ) : null}
      {loaded.current && "data" in loaded && loaded.data ? (
        <StudentSpace
          key={loaded.current._id}
          studentId={loaded.current._id}
          firstName={loaded.current.firstName}
          now={loaded.now}
          initial={loaded.data}
        />
      ) : (
        <p className="mt-8 rounded-lg border border-slate-200 bg-white p-5 text-slate-700">
          Aucun élève n’est rattaché à votre compte : le centre le fera lors de l’inscription.
        </p>
      )}
    </section>
  );
}

type Loaded = Extract<ReturnType<typeof useLoaderData<typeof loader>>, { data: unknown }>["data"];

function StudentSpace(props: {
  studentId: Id<"students">;
  firstName: string;
  now: number;
  initial: Loaded;
}) {
  const { studentId, initial } = props;
  const wallet = useLiveQuery(api.credits.wallet, { studentId }, initial.wallet);
  const sessions = useLiveQuery(api.sessions.forStudent, { studentId }, initial.sessions);
  const payments = useLiveQuery(api.payments.forStudent, { studentId }, initial.payments);
  const catalog = useLiveQuery(api.credits.catalog, {}, initial.catalog);
  const subscription = useLiveQuery(api.credits.subscription, { studentId }, initial.subscription);
  return (
    <div className="mt-6 grid gap-8 lg:grid-cols-2">
      <WalletCard
        firstName={props.firstName}
        wallet={wallet}
        payments={payments}
        subscription={subscription}
      />
      <BuyPack studentId={studentId} catalog={catalog} online={initial.online} />
      <div className="lg:col-span-2">
        <BookingPanel
          studentId={studentId}
          coaches={initial.coaches}
          subjects={initial.options.subjects}
          anyCoach={initial.options.anyCoach}
          balance={wallet.balance}
          now={props.now}
        />
      </div>
      <div className="lg:col-span-2">
        <SessionList sessions={sessions} now={props.now} canCancel />
      </div>
    </div>
  );
}
