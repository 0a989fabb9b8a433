// Keys stored on chunks for filtering in the Convex vector index, whose filters
// are equality/OR only: the AND of scope and model lives in one field.
// No Node built-ins: used by Convex functions.

export type DocumentScope = { kind: "global" } | { kind: "student"; studentId: string };

export function scopeKey(scope: DocumentScope): string {
  return scope.kind === "global" ? "global" : `student:${scope.studentId}`;
}

export function scopeModelKey(scopeKeyValue: string, embeddingModel: string): string {
  return `${scopeKeyValue}|${embeddingModel}`;
}

/** Scope keys a reader may search: global plus each readable student. */
export function readableScopeModelKeys(
  studentIds: readonly string[],
  embeddingModel: string,
): string[] {
  return ["global", ...studentIds.map((id) => `student:${id}`)].map((key) =>
    scopeModelKey(key, embeddingModel),
  );
}
