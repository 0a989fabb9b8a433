// /rapport/:bilanId: the bilan's PDF for whoever may download it. files.bilanReportUrl checks
// access as the caller and mints a five-minute link on the Convex site; this route sends the
// browser there. No report for this caller (another family's bilan, no final PDF yet) → the
// French 404 page (a page module, so the root error boundary renders it).
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { requireUser } from "~/utils/auth.server";
import { notFound, orNotFound } from "~/utils/bilan.server";
import { convexForRequest } from "~/utils/convex.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { token } = await requireUser(request);
  const bilanId = params.bilanId;
  if (!bilanId) throw notFound();
  const { url } = await orNotFound(() =>
    convexForRequest(token).action(api.files.bilanReportUrl, {
      bilanId: bilanId as Id<"bilans">,
    }),
  );
  throw redirect(url, { headers: { "Cache-Control": "no-store" } });
}

export default function ReportDownload() {
  return null;
}
