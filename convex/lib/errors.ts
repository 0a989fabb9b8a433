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
  | "RATE_LIMITED"
  /** The caller's account is being or was erased (model/accountState.ts): « Ce compte a été supprimé. » */
  | "ACCOUNT_ERASED"
  /** Written over a newer version than the caller saw (review.editSynthesis). */
  | "CONFLICT";

/**
 * `retryAfterMs`: set with RATE_LIMITED, how long before the same call may succeed.
 * `currentVersion`: set with CONFLICT, the version the caller should reload.
 */
export type AppErrorDetails = { retryAfterMs?: number; currentVersion?: number };
export type AppErrorData = { code: ErrorCode; message: string } & AppErrorDetails;

export function appError(
  code: ErrorCode,
  message: string,
  details: AppErrorDetails = {},
): ConvexError<AppErrorData> {
  return new ConvexError({ code, message, ...details });
}
