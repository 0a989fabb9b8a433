// The provenance pages' wording (/bilans/:id/historique, /admin/documents/:id), browser-safe
// and pure: a French title per step, durations, token counts, OCR confidence, and where each
// step links (job page, bilan history, document). Dates: components/review/format.ts.

const NBSP = "\u00A0";

/** « 850 ms », « 4,2 s », « 2 min 05 s ». */
export function formatDurationFr(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}${NBSP}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1).replace(".", ",")}${NBSP}s`;
  const total = Math.round(ms / 1000);
  return `${Math.floor(total / 60)}${NBSP}min ${String(total % 60).padStart(2, "0")}${NBSP}s`;
}

const integer = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });

/** « 1 200 » with the French narrow no-break space between thousands. */
export function formatCountFr(n: number): string {
  return integer.format(n);
}

/** « 91,5 % » (OCR mean confidence, 0–100); « — » for a page read from its text layer. */
export function formatConfidenceFr(confidence: number | undefined): string {
  if (confidence === undefined) return "—";
  return `${(Math.round(confidence * 10) / 10).toString().replace(".", ",")}${NBSP}%`;
}

/** Below this OCR confidence a page is flagged for a human look. */
export const LOW_OCR_CONFIDENCE = 70;

export const extractionMethodLabels = {
  text: "Couche texte du PDF",
  ocr: "OCR (reconnaissance de caractères)",
} as const;

/** What OCR read on a page, when recorded. */
export const ocrInputLabels = {
  image: "OCR de l’image numérisée",
  render: "OCR de la page rendue",
} as const;

export const providerLabels: Record<string, string> = {
  openai: "OpenAI",
  anthropic: "Anthropic",
  local: "Rédacteur local",
};

export type StepKind =
  | "submitted"
  | "generation"
  | "edit"
  | "regenerationRequest"
  | "approval"
  | "pdf"
  | "email";

/** The title of a bilan step, in French. */
export function bilanStepTitle(
  step:
    | { kind: Exclude<StepKind, "generation" | "pdf" | "email"> }
    | { kind: "generation"; status: string }
    | { kind: "pdf"; final: boolean; version: number }
    | { kind: "email"; recipientName?: string; to: string },
): string {
  switch (step.kind) {
    case "submitted":
      return "Réponses envoyées par l'élève";
    case "generation":
      return step.status === "completed"
        ? "Synthèse générée"
        : step.status === "failed"
          ? "Génération en échec"
          : step.status === "cancelled"
            ? "Génération annulée"
            : "Génération en cours";
    case "edit":
      return "Synthèse modifiée";
    case "regenerationRequest":
      return "Régénération demandée";
    case "approval":
      return "Bilan validé";
    case "pdf":
      return `${step.final ? "PDF final" : "PDF provisoire"} (version ${step.version})`;
    case "email":
      return `E-mail à ${step.recipientName ?? step.to}`;
  }
}

/** Where a job opens. */
export function jobPath(jobId: string): string {
  return `/admin/travaux/${encodeURIComponent(jobId)}`;
}

/** The provenance page of a bilan. */
export function bilanHistoryPath(bilanId: string): string {
  return `/bilans/${encodeURIComponent(bilanId)}/historique`;
}

/** The page of a knowledge document. */
export function documentPath(documentId: string): string {
  return `/admin/documents/${encodeURIComponent(documentId)}`;
}

/** Where a job's target opens: a bilan's history or a document's page (null: another table). */
export function targetPath(target: { table: string; id: string }): string | null {
  if (target.table === "bilans") return bilanHistoryPath(target.id);
  if (target.table === "documents") return documentPath(target.id);
  return null;
}
