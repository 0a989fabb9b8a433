// Low-level helpers for durable writes in the data folder: writing a buffer
// in full with write(2), and fsync of a directory after a rename.
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";

/** Writes all of `bytes` at the file's position (write(2) may write less than asked). */
export function writeFully(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.byteLength) {
    written += writeSync(fd, bytes, written, bytes.byteLength - written);
  }
}

export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic.
  }
}
