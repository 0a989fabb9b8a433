// aria.sheet: ARIA's revision sheet (« Faire une fiche »): renders the one-page PDF with
// @nexus/report (revision-sheet.ts), uploads it to Convex storage and records it on the sheet
// (convex/ariaSheets.ts). It only throws: a failure marks the sheet failed (model/ariaJobs.ts).
import { type CentreContact, defaultCentreContact } from "@nexus/shared/centre";
import { jobPayloadSchemas } from "@nexus/shared/jobs";
import { api } from "../../../../convex/_generated/api";
import type { Id } from "../../../../convex/_generated/dataModel";
import { NonRetryableError } from "../errors.ts";
import { defineHandler } from "../handler.ts";

export function ariaSheetHandler(
  services: { centre: CentreContact; fetch?: typeof fetch } = { centre: defaultCentreContact },
) {
  const upload = services.fetch ?? fetch;
  return defineHandler({
    kind: "aria.sheet",
    schema: jobPayloadSchemas["aria.sheet"],
    timeoutMs: 60_000,
    retry: { baseMs: 2_000, maxMs: 60_000 },
    async run({ sheetId }, { convex, signal, progress }) {
      const id = sheetId as Id<"ariaSheets">;
      const content = await convex.query(api.ariaSheets.content, { sheetId: id });
      if (!content) return { skipped: "fiche supprimée ou déjà prête" };
      progress("render", 20);
      // pdf-lib and the fonts load with the first sheet, not at worker start.
      const { renderRevisionSheet } = await import("@nexus/report/revision-sheet");
      const { ReportError } = await import("@nexus/report/report-input");
      let bytes: Uint8Array;
      try {
        bytes = await renderRevisionSheet({ centreName: services.centre.name, ...content });
      } catch (error) {
        if (error instanceof ReportError)
          throw new NonRetryableError(error.message, { cause: error });
        throw error;
      }
      progress("upload", 70);
      const uploadUrl = await convex.mutation(api.pipeline.generateUploadUrl, {});
      const response = await upload(uploadUrl, {
        method: "POST",
        headers: { "Content-Type": "application/pdf" },
        body: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/pdf" }),
        signal,
      });
      if (!response.ok) {
        throw new Error(`Envoi de la fiche refusé par le stockage (HTTP ${response.status}).`);
      }
      const { storageId } = (await response.json()) as { storageId: Id<"_storage"> };
      const recorded = await convex.mutation(api.ariaSheets.record, {
        sheetId: id,
        storageId,
        size: bytes.byteLength,
      });
      return recorded ? { size: bytes.byteLength } : { skipped: "fiche supprimée entre-temps" };
    },
  });
}
