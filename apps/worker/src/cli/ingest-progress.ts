// Progress of document ingestion on the terminal: one bar per file, redrawn in place
// on a TTY; without a TTY (logs, CI, pipes) one plain line per status change.

export type IngestStatus =
  | "uploaded"
  | "extracting"
  | "ocr"
  | "chunking"
  | "embedding"
  | "indexed"
  | "failed";

export const INGEST_STATUS_FR: Record<IngestStatus, string> = {
  uploaded: "en attente du worker",
  extracting: "extraction du texte",
  ocr: "reconnaissance de caractères (OCR)",
  chunking: "découpage en extraits",
  embedding: "calcul des vecteurs",
  indexed: "indexé",
  failed: "échec",
};

export interface ProgressState {
  status: IngestStatus | "deleted";
  percent?: number;
  message?: string;
  error?: string;
}

export function isFinished(state: ProgressState): boolean {
  return state.status === "indexed" || state.status === "failed" || state.status === "deleted";
}

export function progressBar(percent: number, width = 20): string {
  const clamped = Math.min(Math.max(percent, 0), 100);
  const filled = Math.round((clamped / 100) * width);
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${String(Math.round(clamped)).padStart(3)} %`;
}

function statusText(state: ProgressState): string {
  if (state.status === "deleted") return "supprimé pendant le traitement";
  if (state.status === "failed") return `échec : ${state.error ?? "raison inconnue"}`;
  if (state.status === "indexed") return INGEST_STATUS_FR.indexed;
  return state.message ?? INGEST_STATUS_FR[state.status];
}

/** One TTY line: label (padded), bar, current stage. */
export function progressLine(label: string, state: ProgressState, labelWidth: number): string {
  const percent = state.status === "indexed" ? 100 : (state.percent ?? 0);
  return `${label.padEnd(labelWidth)}  ${progressBar(percent)}  ${statusText(state)}`;
}

/** One plain line (no TTY), printed when the status changes. */
export function plainLine(label: string, state: ProgressState): string {
  const percent =
    state.percent !== undefined && !isFinished(state) ? ` (${Math.round(state.percent)} %)` : "";
  return `${label} : ${statusText(state)}${percent}`;
}

export interface ProgressDisplay {
  update(index: number, state: ProgressState): void;
  /** Leaves the cursor below the bars. */
  finish(): void;
}

export function createProgressDisplay(
  labels: string[],
  options: { isTTY: boolean; write: (text: string) => void; columns?: number },
): ProgressDisplay {
  const states: (ProgressState | undefined)[] = labels.map(() => undefined);
  const labelWidth = Math.min(Math.max(...labels.map((l) => l.length), 0), 40);
  const shown = labels.map((l) => (l.length > labelWidth ? `${l.slice(0, labelWidth - 1)}…` : l));
  const columns = options.columns || 120; // 0 when the terminal reports no size
  let drawn = false;

  const draw = () => {
    const lines = shown.map((label, i) => {
      const line = progressLine(label, states[i] ?? { status: "uploaded" }, labelWidth);
      return line.length > columns ? `${line.slice(0, columns - 1)}…` : line;
    });
    // Move back to the first bar, then rewrite every line (erasing what was there).
    const up = drawn ? `\x1b[${lines.length}F` : "";
    options.write(`${up}${lines.map((l) => `\x1b[2K${l}\n`).join("")}`);
    drawn = true;
  };

  return {
    update(index, state) {
      const previous = states[index];
      states[index] = state;
      if (options.isTTY) {
        draw();
      } else if (
        previous?.status !== state.status ||
        (state.status === "failed" && previous?.error !== state.error)
      ) {
        options.write(`${plainLine(labels[index]!, state)}\n`);
      }
    },
    finish() {
      if (options.isTTY && !drawn) draw();
    },
  };
}
