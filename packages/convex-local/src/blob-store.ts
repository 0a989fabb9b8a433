// File storage contents under `blobs/<sha256 hex>`, content-addressed, each
// written durably (temp file + fsync + rename) before the `_storage` document
// that refers to it commits. Owns streaming uploads under a size cap and the
// pins that keep a blob from being collected while an upload writes or
// commits it; deciding what to collect is blob-gc.ts's.
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
} from "node:fs";
import { join } from "node:path";
import { fsyncDir, writeFully } from "./durable-files.ts";

/** sha256 as stored in `_storage` documents (standard base64), and its file-name form. */
export function sha256Base64(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64");
}

export function blobFileName(sha256: string): string {
  return Buffer.from(sha256, "base64").toString("hex");
}

/** Thrown when a streamed blob passes its size cap (nothing is kept). */
export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than the upload limit of ${maxBytes} bytes.`);
    this.name = "BlobTooLargeError";
  }
}

/** A blob written by `writeBlobStream`, pinned (never collected) until `release()`. */
export interface PinnedBlob {
  sha256: string;
  size: number;
  release(): void;
}

export class BlobStore {
  readonly dir: string;
  /** Blob file names pinned by uploads in progress (name → pin count). */
  private readonly pinnedBlobs = new Map<string, number>();
  /** Temporary files of uploads being streamed. */
  private readonly uploadTmpFiles = new Set<string>();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Removes temp files left by a crash (at open, before any upload starts). */
  removeLeftoverTemps(): void {
    for (const name of readdirSync(this.dir)) {
      if (name.endsWith(".tmp")) rmSync(join(this.dir, name));
    }
  }

  /** Whether a file of the folder belongs to an upload in progress (pinned blob or its temp file). */
  isInUse(name: string): boolean {
    return this.pinnedBlobs.has(name) || this.uploadTmpFiles.has(name);
  }

  /** Stores file contents durably and returns their sha256 (base64). */
  writeBlob(bytes: Uint8Array): string {
    const sha256 = sha256Base64(bytes);
    const target = join(this.dir, blobFileName(sha256));
    if (!existsSync(target)) {
      const tmp = `${target}.${randomBytes(6).toString("hex")}.tmp`;
      const fd = openSync(tmp, "w");
      try {
        writeFully(fd, bytes);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, target);
      fsyncDir(this.dir);
    }
    return sha256;
  }

  /**
   * Streams an upload into the blob folder (temp file, sha256 computed on the
   * way, fsync, rename), refusing more than `maxBytes` (the temp file is then
   * removed). The blob is pinned until `release()`: call it once the `_storage`
   * document that refers to it has committed (or failed to).
   */
  async writeBlobStream(
    body: AsyncIterable<Uint8Array> | null,
    maxBytes: number,
  ): Promise<PinnedBlob> {
    const tmpName = `upload-${randomBytes(8).toString("hex")}.tmp`;
    const tmp = join(this.dir, tmpName);
    this.uploadTmpFiles.add(tmpName);
    const hash = createHash("sha256");
    let size = 0;
    let fd: number | null = openSync(tmp, "wx");
    try {
      if (body !== null) {
        for await (const chunk of body) {
          size += chunk.byteLength;
          if (size > maxBytes) throw new BlobTooLargeError(maxBytes);
          hash.update(chunk);
          writeFully(fd, chunk);
        }
      }
      fsyncSync(fd);
      closeSync(fd);
      fd = null;
      const sha256 = hash.digest("base64");
      const name = blobFileName(sha256);
      // Pinned before the rename, in the same synchronous step: a collection
      // can never see the blob unpinned and unreferenced.
      const release = this.pinBlob(sha256);
      const target = join(this.dir, name);
      if (existsSync(target)) rmSync(tmp, { force: true });
      else {
        renameSync(tmp, target);
        fsyncDir(this.dir);
      }
      return { sha256, size, release };
    } catch (error) {
      if (fd !== null) closeSync(fd);
      rmSync(tmp, { force: true });
      throw error;
    } finally {
      this.uploadTmpFiles.delete(tmpName);
    }
  }

  /** Keeps a blob from being collected until the returned function is called. */
  pinBlob(sha256: string): () => void {
    const name = blobFileName(sha256);
    this.pinnedBlobs.set(name, (this.pinnedBlobs.get(name) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const count = (this.pinnedBlobs.get(name) ?? 1) - 1;
      if (count <= 0) this.pinnedBlobs.delete(name);
      else this.pinnedBlobs.set(name, count);
    };
  }

  blobPath(sha256: string): string {
    return join(this.dir, blobFileName(sha256));
  }

  readBlob(sha256: string): Uint8Array | null {
    const path = this.blobPath(sha256);
    return existsSync(path) ? new Uint8Array(readFileSync(path)) : null;
  }

  deleteBlob(sha256: string): void {
    try {
      unlinkSync(this.blobPath(sha256));
    } catch {
      // Already gone.
    }
  }
}
