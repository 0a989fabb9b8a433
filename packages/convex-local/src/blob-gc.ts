// Garbage collection of blob files. Guarantee: a blob is never collected
// while it is pinned (an upload in progress is writing it or about to commit
// its `_storage` document), while it is an upload's temp file, or within the
// grace period after it was written (an upload whose `_storage` document has
// not committed yet). Only decides and removes; pins are blob-store.ts's.
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { type BlobStore, blobFileName } from "./blob-store.ts";

export const DEFAULT_BLOB_GRACE_MS = 10 * 60 * 1000;

/**
 * Removes blob files no `_storage` document refers to (deleted files, or
 * left by a crash between the two writes) — except blobs pinned by an upload
 * in progress, temp files of uploads being streamed, and anything modified
 * within the grace period (modified after `cutoff`, ms since the epoch).
 * Returns how many were removed.
 */
export function collectGarbageBlobs(
  blobs: BlobStore,
  referenced: Set<string>,
  cutoff: number,
): number {
  const keep = new Set([...referenced].map(blobFileName));
  let removed = 0;
  for (const name of readdirSync(blobs.dir)) {
    if (keep.has(name) || blobs.isInUse(name)) continue;
    const path = join(blobs.dir, name);
    let modified: number;
    try {
      modified = statSync(path).mtimeMs;
    } catch {
      continue; // Gone meanwhile.
    }
    if (modified > cutoff) continue;
    rmSync(path, { force: true });
    removed += 1;
  }
  return removed;
}
