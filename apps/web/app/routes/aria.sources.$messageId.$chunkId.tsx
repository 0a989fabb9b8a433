// /aria/sources/:messageId/:chunkId: a citation's source opened at the cited page. When the
// source is a PDF the caller may read, aria.citationUrl mints a five-minute link ending in
// `#page=N` and the browser's PDF viewer opens it there; otherwise (not a PDF, or a document
// the caller may not open) the cited passage is shown instead, under its own access check.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { requireUser } from "~/utils/auth.server";
import { isHiddenFromCaller } from "~/utils/bilan.server";
import { convexForRequest } from "~/utils/convex.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { token } = await requireUser(request);
  const { messageId, chunkId } = params;
  const passage = `/aria/passages/${messageId}/${chunkId}`;
  try {
    const { url } = await convexForRequest(token).action(api.aria.citationUrl, {
      messageId: messageId as Id<"ariaMessages">,
      chunkId: chunkId as Id<"chunks">,
    });
    throw redirect(url, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (error instanceof Response) throw error;
    if (!isHiddenFromCaller(error)) throw error;
    throw redirect(passage, { headers: { "Cache-Control": "no-store" } });
  }
}

export default function AriaSource() {
  return null;
}
