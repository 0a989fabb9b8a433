// Errors whose message is shown to staff as is (French), with a stable code for callers.
export type KnowledgeErrorCode =
  | "unsupported_type"
  | "too_large"
  | "empty_file"
  | "no_text"
  | "ocr_failed"
  | "ocr_timeout"
  | "aborted"
  | "embedding_failed"
  | "invalid_config";

export class KnowledgeError extends Error {
  readonly code: KnowledgeErrorCode;

  constructor(code: KnowledgeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KnowledgeError";
    this.code = code;
  }
}

/** Throws a French "aborted" error when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new KnowledgeError("aborted", "Traitement du document interrompu.", {
      cause: signal.reason,
    });
  }
}
