// /aria/fiches/:sheetId: an ARIA revision sheet's PDF for whoever may read its conversation.
// files.ariaSheetUrl checks access as the caller and mints a five-minute link on the Convex
// site; this route sends the browser there. Not readable or not ready → the French 404 page.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { requireUser } from "~/utils/auth.server";
import { notFound, orNotFound } from "~/utils/bilan.server";
import { convexForRequest } from "~/utils/convex.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { token } = await requireUser(request);
  const sheetId = params.sheetId;
  if (!sheetId) throw notFound();
  const { url } = await orNotFound(() =>
    convexForRequest(token).action(api.files.ariaSheetUrl, {
      sheetId: sheetId as Id<"ariaSheets">,
    }),
  );
  throw redirect(url, { headers: { "Cache-Control": "no-store" } });
}

export default function AriaSheetDownload() {
  return null;
}
