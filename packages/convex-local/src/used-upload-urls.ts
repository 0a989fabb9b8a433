// The record of upload URLs already used (`uploads-used`, one "<nonce>
// <expiry>" line each), so single use survives a restart. Appended once per
// used URL; rewritten atomically without expired entries at first load and
// after 4096 appends. Signing and checking upload URLs is convex-local.ts's.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const USED_UPLOADS = "uploads-used";

export class UsedUploadUrls {
  private readonly file: string;
  private readonly now: () => number;
  private usedUploads: Map<string, number> | null = null;
  private usedUploadsAppended = 0;

  constructor(dir: string, now: () => number) {
    this.file = join(dir, USED_UPLOADS);
    this.now = now;
  }

  private load(): Map<string, number> {
    if (this.usedUploads !== null) return this.usedUploads;
    const used = new Map<string, number>();
    if (existsSync(this.file)) {
      for (const line of readFileSync(this.file, "utf8").split("\n")) {
        const [nonce, expiry] = line.split(" ");
        if (nonce && Number.isFinite(Number(expiry))) used.set(nonce, Number(expiry));
      }
    }
    this.usedUploads = used;
    this.prune();
    return used;
  }

  /** Forgets used upload URLs past their expiry (refused anyway) and rewrites the record atomically. */
  private prune(): void {
    const used = this.usedUploads;
    if (used === null) return;
    const now = this.now();
    for (const [nonce, expiry] of used) if (expiry < now) used.delete(nonce);
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, [...used].map(([n, e]) => `${n} ${e}\n`).join(""), { mode: 0o600 });
    renameSync(tmp, this.file);
    this.usedUploadsAppended = 0;
  }

  /** Whether an upload URL (by its nonce) has already been used. */
  has(nonce: string): boolean {
    return this.load().has(nonce);
  }

  /** Records an upload URL as used (until its expiry, when it is refused anyway). */
  add(nonce: string, expiry: number): void {
    this.load().set(nonce, expiry);
    writeFileSync(this.file, `${nonce} ${expiry}\n`, { flag: "a", mode: 0o600 });
    this.usedUploadsAppended += 1;
    if (this.usedUploadsAppended > 4096) this.prune();
  }
}
