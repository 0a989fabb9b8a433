// Document ids of the runtime: random (not convex-test's counter), in the
// shape convex-test parses (decimal digits, then the table name).
import { randomBytes } from "node:crypto";

/**
 * A new document id: 128 random bits as 39 decimal digits, then the table
 * name — the shape convex-test parses (digits + table), but not enumerable
 * (convex-test counts from 10000). Real Convex ids are random too.
 */
export function randomDocumentId(table: string): string {
  const digits = BigInt(`0x${randomBytes(16).toString("hex")}`).toString(10);
  return `${digits.padStart(39, "0")}${table}`;
}

export function tableNameFromId(id: string): string | null {
  const match = /^[0-9]+(.+)$/.exec(id);
  return match ? (match[1] ?? null) : null;
}
