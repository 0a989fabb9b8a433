// rgpd.erase: erases a person confirmed by staff, batch after batch (each batch one Convex
// transaction of at most 200 writes; a crash or a retry resumes where the data says), then
// deletes their Clerk user when Clerk is configured, and closes the request.
import { jobPayloadSchemas } from "@nexus/shared/jobs";
import { api } from "../../../../convex/_generated/api";
import type { Id } from "../../../../convex/_generated/dataModel";
import { defineHandler } from "../handler.ts";
import type { ClerkDeletion } from "../rgpd/clerk-users.ts";

const MAX_BATCHES = 10_000;

export function rgpdEraseHandler(deleteClerkUser: ClerkDeletion) {
  return defineHandler({
    kind: "rgpd.erase",
    schema: jobPayloadSchemas["rgpd.erase"],
    timeoutMs: 30 * 60_000,
    retry: { baseMs: 10_000, maxMs: 5 * 60_000 },
    async run({ requestId }, { convex, signal, progress }) {
      const id = requestId as Id<"rgpdRequests">;
      const info = await convex.query(api.rgpd.erasureInfo, { requestId: id });
      if (info.status === "done") return { skipped: "déjà effacé" };
      let batches = 0;
      for (let done = false; !done && batches < MAX_BATCHES; batches++) {
        signal.throwIfAborted();
        done = (await convex.mutation(api.rgpd.eraseStep, { requestId: id })).done;
        progress("effacement", undefined, `${batches + 1} lot(s)`);
      }
      const clerk = await deleteClerkUser(info.authSubject);
      await convex.mutation(api.rgpd.finishErasure, { requestId: id, clerk });
      return { batches, clerk };
    },
  });
}
