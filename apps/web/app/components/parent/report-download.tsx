// « Télécharger le rapport (PDF) »: a plain link to /rapport/:bilanId, which asks Convex for a
// five-minute link (files.bilanReportUrl) as the signed-in person and sends the browser there.
// A family only ever has the final report; before it exists, a sentence says when it comes.
import type { api } from "@convex/_generated/api";
import type { FunctionReturnType } from "convex/server";
import { Button } from "~/components/ui/button";
import { bilanReportPath } from "~/utils/bilan-pages";

type Pdf = FunctionReturnType<typeof api.bilans.get>["pdf"];

function sizeFr(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))}\u00A0Ko`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(".", ",")}\u00A0Mo`;
}

export function ReportDownload({ bilanId, pdf }: { bilanId: string; pdf: Pdf }) {
  if (!pdf) {
    return (
      <p className="mt-4 text-sm text-slate-600">
        Le rapport PDF sera téléchargeable ici dès que le bilan vous aura été envoyé.
      </p>
    );
  }
  return (
    <div className="mt-4 flex flex-wrap items-center gap-3">
      <Button asChild>
        {/* A document request: the route answers with a redirect to the file. */}
        <a href={bilanReportPath(bilanId)}>
          <svg
            aria-hidden="true"
            viewBox="0 0 20 20"
            className="size-5"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.8"
          >
            <path d="M10 3v10m0 0-4-4m4 4 4-4M4 15v2h12v-2" strokeLinecap="round" />
          </svg>
          Télécharger le rapport (PDF)
        </a>
      </Button>
      <span className="text-sm text-slate-600">PDF, {sizeFr(pdf.size)}</span>
    </div>
  );
}
