// Errors a handler or the runner throws to say how a job attempt ended.

/** Retrying cannot help (bad payload, missing record): the job fails at once. */
export class NonRetryableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "NonRetryableError";
  }
}

/** The handler ran longer than its kind's timeout. Retryable. */
export class JobTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`Délai dépassé : la tâche a duré plus de ${Math.round(timeoutMs / 1000)} s.`);
    this.name = "JobTimeoutError";
  }
}

/** Staff asked to cancel the job; the server records it as cancelled. */
export class JobCancelledError extends Error {
  constructor() {
    super("Tâche annulée à la demande d'un membre de l'équipe.");
    this.name = "JobCancelledError";
  }
}

/** The lease was taken back (the worker was too slow or disconnected): stop without reporting. */
export class LeaseLostError extends Error {
  constructor(message = "Bail perdu : la tâche a été reprise par un autre worker.") {
    super(message);
    this.name = "LeaseLostError";
  }
}

/** The worker is shutting down and gives the job back to the queue. */
export class ShutdownError extends Error {
  constructor() {
    super("Arrêt du worker : la tâche est remise dans la file.");
    this.name = "ShutdownError";
  }
}

/** The code of a ConvexError ({ code, message }) whatever the client library did with it. */
export function convexErrorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const data = (error as { data?: unknown }).data;
  if (
    typeof data === "object" &&
    data !== null &&
    typeof (data as { code?: unknown }).code === "string"
  ) {
    return (data as { code: string }).code;
  }
  const message = String((error as { message?: unknown }).message ?? "");
  return /\b(LEASE_LOST|WORKER_AUTH|NOT_FOUND|INVALID_ARGUMENT|INVALID_STATE)\b/.exec(message)?.[1];
}

/** The readable message of a ConvexError (data.message) or any error. */
export function errorMessage(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const data = (error as { data?: unknown }).data;
    if (
      typeof data === "object" &&
      data !== null &&
      typeof (data as { message?: unknown }).message === "string"
    ) {
      return (data as { message: string }).message;
    }
    if (error instanceof Error) return error.message;
  }
  return String(error);
}
