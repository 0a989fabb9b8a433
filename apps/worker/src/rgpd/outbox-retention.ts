// Retention of the local outbox's .eml files (policy « outboxFiles », 30 days): they live on
// the worker's disk, out of Convex's reach: the retention.outbox job (queued by each daily run)
// and `nexus-worker retention run` prune them.
import { readdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";

export const OUTBOX_RETENTION_DAYS = 30;

/** .eml files strictly older than the cut-off (by modification time); deleted unless dryRun. */
export async function pruneOutbox(
  dir: string,
  now: number,
  dryRun: boolean,
): Promise<{ removed: number; kept: number }> {
  const cutoff = now - OUTBOX_RETENTION_DAYS * 24 * 60 * 60 * 1000;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { removed: 0, kept: 0 };
    throw error;
  }
  let removed = 0;
  let kept = 0;
  for (const name of names) {
    if (!name.endsWith(".eml")) continue;
    const path = join(dir, name);
    if ((await stat(path)).mtimeMs < cutoff) {
      if (!dryRun) await unlink(path);
      removed++;
    } else kept++;
  }
  return { removed, kept };
}
