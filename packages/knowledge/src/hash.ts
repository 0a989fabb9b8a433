// The one place that hashes content (worker and CLI only: uses node:crypto).
import { createHash } from "node:crypto";

/** Hex SHA-256 of bytes or of a UTF-8 string. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}
