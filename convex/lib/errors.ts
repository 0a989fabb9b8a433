// Typed ConvexError payloads: clients switch on `code`, people read `message` (French).
import { ConvexError } from "convex/values";

export type ErrorCode =
  | "UNAUTHENTICATED"
  | "UNKNOWN_USER"
  | "NO_ROLE"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "INVALID_ARGUMENT"
  | "INVALID_STATE"
  | "WORKER_AUTH"
  | "LEASE_LOST"
  | "RATE_LIMITED";

/** `retryAfterMs`: set with RATE_LIMITED, how long before the same call may succeed. */
export type AppErrorData = { code: ErrorCode; message: string; retryAfterMs?: number };

export function appError(
  code: ErrorCode,
  message: string,
  details: { retryAfterMs?: number } = {},
): ConvexError<AppErrorData> {
  return new ConvexError({ code, message, ...details });
}
