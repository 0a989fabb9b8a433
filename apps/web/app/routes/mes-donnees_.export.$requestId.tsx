// /mes-donnees/export/:requestId: the export's ZIP for its requester only. rgpd.exportUrl
// checks the caller, audits the download and mints a five-minute link; the browser goes there.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { requireUser } from "~/utils/auth.server";
import { notFound, orNotFound } from "~/utils/bilan.server";
import { convexForRequest } from "~/utils/convex.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { token } = await requireUser(request);
  const requestId = params.requestId;
  if (!requestId) throw notFound();
  const { url } = await orNotFound(() =>
    convexForRequest(token).action(api.rgpd.exportUrl, {
      requestId: requestId as Id<"rgpdRequests">,
    }),
  );
  throw redirect(url, { headers: { "Cache-Control": "no-store" } });
}

export default function ExportDownload() {
  return null;
}
