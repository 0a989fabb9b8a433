// /app: each person lands on their role's home; no role yet → the waiting page.
import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { hasRole, requireUser, WAITING_PAGE } from "~/utils/auth.server";
import { roleHome } from "~/utils/roles";

export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireUser(request);
  throw redirect(hasRole(user) ? roleHome(user.role) : WAITING_PAGE);
}
