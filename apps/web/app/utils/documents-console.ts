// The knowledge base page's logic (/admin/documents), browser-safe and pure: French labels of
// the ingestion stages, the files the upload accepts, a title from a file name, one progress
// number across the two phases of an upload (bytes sent, then the worker's ingestion), and the
// French formatting of sizes, pages and search scores.

export type DocumentStatus =
  | "uploaded"
  | "extracting"
  | "ocr"
  | "chunking"
  | "embedding"
  | "indexed"
  | "failed";

export const documentStatusLabels: Record<DocumentStatus, string> = {
  uploaded: "En attente de traitement",
  extracting: "Extraction du texte",
  ocr: "Reconnaissance du texte (OCR)",
  chunking: "Découpage en passages",
  embedding: "Calcul des vecteurs",
  indexed: "Indexé",
  failed: "Échec",
};

export type StatusTone = "neutral" | "progress" | "success" | "danger";

export function documentStatusTone(status: DocumentStatus): StatusTone {
  if (status === "indexed") return "success";
  if (status === "failed") return "danger";
  if (status === "uploaded") return "neutral";
  return "progress";
}

export const acceptedMimeTypes = ["application/pdf", "image/png", "image/jpeg", "image/webp"];
/** For the file input's `accept`. */
export const acceptAttribute = [
  ...acceptedMimeTypes,
  ".pdf",
  ".png",
  ".jpg",
  ".jpeg",
  ".webp",
].join(",");

/** The default limit (DOCUMENT_MAX_BYTES); Convex checks again with its own configuration. */
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

const extensionTypes: Record<string, string> = {
  pdf: "application/pdf",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
};

/** The Content-Type to send: the browser's, else guessed from the extension; null when refused. */
export function uploadMimeType(file: { name: string; type: string }): string | null {
  if (acceptedMimeTypes.includes(file.type)) return file.type;
  if (file.type && file.type !== "application/octet-stream") return null;
  const extension = file.name.split(".").pop()?.toLowerCase() ?? "";
  return extensionTypes[extension] ?? null;
}

/** Why a file cannot be sent (in French), or null when it may be. */
export function fileRefusal(
  file: { name: string; type: string; size: number },
  maxBytes = DEFAULT_MAX_BYTES,
): string | null {
  if (uploadMimeType(file) === null) {
    return "Format non accepté : seuls les PDF, PNG, JPEG et WebP sont acceptés.";
  }
  if (file.size === 0) return "Ce fichier est vide.";
  if (file.size > maxBytes) {
    return `Fichier trop volumineux (${formatBytesFr(file.size)}) : ${formatBytesFr(maxBytes)} au plus.`;
  }
  return null;
}

/** "cours_maths-suites.v2.pdf" → "cours maths suites.v2". */
export function titleFromFileName(name: string): string {
  const base = name.replace(/\.[a-z0-9]+$/i, "");
  const title = base.replace(/[_-]+/g, " ").replace(/\s+/g, " ").trim();
  return title || name;
}

const decimal = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });

/** 1536 → "1,5 Ko"; French units (octet, Ko, Mo). */
export function formatBytesFr(bytes: number): string {
  if (bytes < 1024) return `${bytes} octet${bytes > 1 ? "s" : ""}`;
  if (bytes < 1024 * 1024) return `${decimal.format(bytes / 1024)} Ko`;
  return `${decimal.format(bytes / (1024 * 1024))} Mo`;
}

/** "page 3" or "pages 3 à 4". */
export function pagesLabelFr(pageStart: number, pageEnd: number): string {
  return pageStart === pageEnd ? `page ${pageStart}` : `pages ${pageStart} à ${pageEnd}`;
}

const scoreFormat = new Intl.NumberFormat("fr-FR", {
  minimumFractionDigits: 3,
  maximumFractionDigits: 3,
});

/** 0.03279 → "0,033". */
export function formatScoreFr(score: number): string {
  return scoreFormat.format(score);
}

/** One upload as the page follows it. */
export type UploadPhase = "sending" | "registering" | "ingesting" | "refused";

export interface UploadProgress {
  phase: UploadPhase;
  /** Bytes sent / total, while sending. */
  sent: number;
  total: number;
  /** The document's live status once it exists. */
  status?: DocumentStatus;
  /** The worker's own percent for the current stage (0–100). */
  percent?: number;
}

/**
 * One bar for the whole upload: sending the bytes fills the first 30 %, the ingestion the
 * rest (the worker's percent when it gives one). Indexed is 100; a refusal or failure keeps
 * where it stopped.
 */
export function overallPercent(progress: UploadProgress): number {
  const SEND_SHARE = 30;
  if (progress.phase === "sending") {
    const ratio = progress.total > 0 ? progress.sent / progress.total : 0;
    return Math.round(Math.min(1, Math.max(0, ratio)) * SEND_SHARE);
  }
  if (progress.phase === "registering" || progress.phase === "refused") return SEND_SHARE;
  if (progress.status === "indexed") return 100;
  const percent = Math.min(100, Math.max(0, progress.percent ?? 0));
  return Math.round(SEND_SHARE + (percent * (100 - SEND_SHARE)) / 100);
}

/** What the bar's caption says, in French. */
export function uploadCaption(progress: UploadProgress): string {
  if (progress.phase === "sending") {
    return `Envoi : ${formatBytesFr(progress.sent)} sur ${formatBytesFr(progress.total)}`;
  }
  if (progress.phase === "registering") return "Vérification du fichier…";
  if (progress.phase === "refused") return "Refusé";
  return progress.status ? documentStatusLabels[progress.status] : "En attente de traitement";
}
