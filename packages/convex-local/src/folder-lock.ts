// Exclusive lock on a data folder for the life of the process.
//
// A PID file alone is not a lock: a second runtime in another PID namespace
// (another container on the same volume) sees a PID that is not running there,
// or none if the file was removed, and starts on the same files. So the folder
// itself is locked with flock(2) (LOCK_EX | LOCK_NB) on a descriptor of the
// directory, held open until the store closes:
//   - the kernel releases it when the process dies, even with kill -9, so no
//     stale lock survives a crash;
//   - the directory cannot be deleted or replaced while it holds our files, so
//     removing or forging the `LOCK` file does not defeat it (locking a lock
//     *file* would: delete it and the next process locks a fresh inode);
//   - it works across PID namespaces on the same kernel (containers sharing a
//     volume) and, on Linux, over NFS (flock is emulated with POSIX locks).
// Bun has no flock in its standard library; `bun:ffi` calls libc's directly,
// which needs no native build. The `LOCK` file still holds the owner's PID,
// only to name it in the error message.
//
// Where flock is not reachable (Node, which runs the unit tests; a platform
// without a known libc; a file system answering ENOLCK/EOPNOTSUPP) the lock
// falls back to the PID file check, with a warning when running under Bun.
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const LOCK_EX = 2;
const LOCK_NB = 4;

export interface FolderLock {
  /** "flock": an OS lock is held; "pid": only the PID file protects the folder. */
  readonly kind: "flock" | "pid";
  release(): void;
}

interface Flock {
  flock(fd: number, operation: number): number;
  errno(): number;
  wouldBlock: number;
}

let cachedFlock: Flock | null | undefined;

/** libc's flock through bun:ffi, or null when unavailable (Node, unknown platform). */
export function loadFlock(): Flock | null {
  if (cachedFlock !== undefined) return cachedFlock;
  cachedFlock = null;
  if (typeof (globalThis as { Bun?: unknown }).Bun === "undefined") return null;
  const candidates =
    process.platform === "linux"
      ? [
          "libc.so.6",
          `libc.musl-${process.arch === "arm64" ? "aarch64" : "x86_64"}.so.1`,
          "libc.so",
        ]
      : process.platform === "darwin"
        ? ["libc.dylib", "/usr/lib/libSystem.B.dylib"]
        : [];
  const errnoSymbol = process.platform === "darwin" ? "__error" : "__errno_location";
  try {
    const ffi = createRequire(import.meta.url)("bun:ffi") as typeof import("bun:ffi");
    for (const name of candidates) {
      try {
        const lib = ffi.dlopen(name, {
          flock: { args: [ffi.FFIType.i32, ffi.FFIType.i32], returns: ffi.FFIType.i32 },
          [errnoSymbol]: { args: [], returns: ffi.FFIType.ptr },
        });
        const errnoLocation = lib.symbols[errnoSymbol] as () => number | null;
        cachedFlock = {
          flock: (fd, operation) => lib.symbols.flock(fd, operation) as number,
          errno: () => {
            const pointer = errnoLocation();
            return pointer === null ? 0 : ffi.read.i32(pointer as never, 0);
          },
          wouldBlock: process.platform === "darwin" ? 35 : 11,
        };
        return cachedFlock;
      } catch {
        // Try the next library name.
      }
    }
  } catch {
    // No bun:ffi.
  }
  return null;
}

function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function recordedPid(pidFile: string): number | null {
  try {
    const pid = Number(readFileSync(pidFile, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function inUse(dir: string, pid: number | null, how: string): Error {
  return new Error(
    `The data folder ${dir} is in use by another convex-local (${
      pid === null ? "its LOCK file names no process" : `pid ${pid} according to its LOCK file`
    }; ${how}). Stop it first, or use another --data folder.`,
  );
}

/** Takes the folder's lock or throws "in use by another convex-local". */
export function lockFolder(
  dir: string,
  options: { warn?: (message: string) => void } = {},
): FolderLock {
  const pidFile = join(dir, "LOCK");
  const writePid = () => writeFileSync(pidFile, String(process.pid));
  const releasePid = () => {
    if (recordedPid(pidFile) === process.pid) rmSync(pidFile, { force: true });
  };

  const flock = loadFlock();
  if (flock !== null) {
    const fd = openSync(dir, "r");
    if (flock.flock(fd, LOCK_EX | LOCK_NB) === 0) {
      writePid();
      let released = false;
      return {
        kind: "flock",
        release() {
          if (released) return;
          released = true;
          releasePid();
          closeSync(fd); // Releases the flock.
        },
      };
    }
    const errno = flock.errno();
    closeSync(fd);
    if (errno === flock.wouldBlock) {
      throw inUse(
        dir,
        recordedPid(pidFile),
        "the folder is locked with flock, which may be held from another container",
      );
    }
    options.warn?.(
      `convex-local: cannot flock ${dir} (errno ${errno}); falling back to a PID file, which does not protect against a second runtime in another container.`,
    );
  } else if (typeof (globalThis as { Bun?: unknown }).Bun !== "undefined") {
    options.warn?.(
      `convex-local: flock is not available on ${process.platform}; falling back to a PID file, which does not protect against a second runtime in another container.`,
    );
  }

  const pid = existsSync(pidFile) ? recordedPid(pidFile) : null;
  if (pid !== null && pid !== process.pid && isPidAlive(pid)) {
    throw inUse(dir, pid, "that process is running");
  }
  writePid();
  return { kind: "pid", release: releasePid };
}
