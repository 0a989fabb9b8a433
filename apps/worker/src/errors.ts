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

/**
 * A call from a handler to a Convex function failed (a ConvexError, a "Server Error", a lost
 * connection). Keeps the cause's `data`, so convexErrorCode and errorMessage read it as before,
 * and names the function, so the stored message can say where it happened.
 */
export class ConvexCallError extends Error {
  readonly data: unknown;
  constructor(
    readonly functionName: string,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "ConvexCallError";
    this.data = (cause as { data?: unknown } | null)?.data;
  }
}

/** The first ConvexCallError in an error's cause chain (handlers wrap errors they rethrow). */
function convexCallIn(error: unknown): ConvexCallError | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof ConvexCallError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A "Server Error" text of the Convex client, even when it reached us unwrapped. */
const CONVEX_SERVER_ERROR = /\[Request ID: [^\]]*\]|\bServer Error\b|\bUncaught (?:Convex)?Error\b/;

/**
 * The message stored for a failed job (jobs.lastError, and the bilan's or document's failure):
 * a failed Convex call becomes a French sentence naming the function, with our own French
 * ConvexError message when there is one, never the client's raw text (request id, server
 * stack); anything else is the error's message. The caller redacts it.
 */
export function jobErrorMessage(error: unknown): string {
  const call = convexCallIn(error);
  if (call) {
    const data = call.data as { message?: unknown } | undefined;
    const detail = typeof data?.message === "string" ? ` : ${data.message}` : ".";
    return `Erreur du serveur Convex lors de l'appel à « ${call.functionName} »${detail}`;
  }
  const message = errorMessage(error);
  if (CONVEX_SERVER_ERROR.test(message))
    return "Erreur du serveur Convex lors d'un appel du worker.";
  return message;
}
