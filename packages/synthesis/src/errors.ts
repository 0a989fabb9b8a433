// The one error type generation throws. Its message is French because it ends up
// on the bilan and in the job log that coaches and admins read.

export type SynthesisErrorCode =
  | "invalid_input"
  | "provider_unavailable"
  | "provider_rejected"
  | "invalid_output"
  | "ungrounded"
  | "aborted";

export class SynthesisError extends Error {
  override readonly name = "SynthesisError";
  constructor(
    readonly code: SynthesisErrorCode,
    message: string,
    /** True when trying the same job again later may succeed (outage, rate limit). */
    readonly retryable: boolean,
    /** Validation or grounding problems behind the failure, for logs. */
    readonly details: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
