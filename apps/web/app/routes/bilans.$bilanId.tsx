// /bilans/:bilanId: where the bilan e-mails point (« Voir le bilan sur le tableau de bord »).
// Signed out: sign in first, then back here (requireUser keeps the path). Signed in: the bilan
// is read as the caller (a bilan they may not read is the French 404, like one that does not
// exist), then each role goes to its own page for it.
import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { hasRole, requireUser, WAITING_PAGE } from "~/utils/auth.server";
import { notFound, readBilanOr404 } from "~/utils/bilan.server";
import { bilanPagePath } from "~/utils/bilan-pages";
import { convexForRequest } from "~/utils/convex.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, token } = await requireUser(request);
  if (!hasRole(user)) throw redirect(WAITING_PAGE);
  const bilanId = params.bilanId;
  if (!bilanId) throw notFound();
  const bilan = await readBilanOr404(convexForRequest(token), bilanId);
  throw redirect(bilanPagePath(user.role, bilan._id));
}

export default function BilanLink() {
  return null;
}
