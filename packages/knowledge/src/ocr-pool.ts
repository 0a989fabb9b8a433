// One long-lived pool of tesseract.js workers (French + English), fed from the
// trained data shipped in @tesseract.js-data/* — never downloaded at run time.
// Works under Bun (the worker runtime) and Node (tests): tesseract.js runs its
// WASM core in a worker_threads Worker in both.
import { existsSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createWorker, OEM, type Worker } from "tesseract.js";
import { z } from "zod";
import { KnowledgeError } from "./errors.ts";

const require = createRequire(import.meta.url);

/** "best_int": LSTM-only integer models (small, accurate); "standard": tessdata 4.0.0. */
export const zOcrModel = z.enum(["best_int", "standard"]);
export type OcrModel = z.infer<typeof zOcrModel>;

export const zOcrPoolOptions = z.object({
  /** Number of tesseract workers (each uses one core while recognising). */
  size: z.number().int().min(1).max(32).default(1),
  /** Workers are terminated and replaced after this many pages (memory grows with reuse). */
  recycleAfterPages: z.number().int().min(1).default(40),
  /** A page taking longer fails with `ocr_timeout` and its worker is replaced. */
  pageTimeoutMs: z.number().int().min(1).default(120_000),
  languages: z
    .array(z.enum(["fra", "eng"]))
    .min(1)
    .default(["fra", "eng"]),
  model: zOcrModel.default("best_int"),
});
export type OcrPoolOptions = z.input<typeof zOcrPoolOptions>;

export interface OcrPageResult {
  text: string;
  /** Tesseract mean word confidence, 0–100. */
  confidence: number;
}

export interface OcrPoolStats {
  pagesRecognised: number;
  workersCreated: number;
  workersRecycled: number;
  activeWorkers: number;
  /** Workers recognising a page right now. */
  busyWorkers?: number;
  queued: number;
}

export interface RecognizeOptions {
  signal?: AbortSignal;
  /**
   * Who the page is for (one document's extraction). Free workers serve owners in turn, so
   * a long scan queued first does not hold the pool while another document waits.
   */
  owner?: unknown;
}

export interface OcrPool {
  /** Number of workers (pages recognised at once). */
  readonly size?: number;
  /** Recognises one page image (PNG, JPEG, WebP, PNM, TIFF bytes). */
  recognize(image: Uint8Array, options?: RecognizeOptions): Promise<OcrPageResult>;
  stats(): OcrPoolStats;
  /** Stops every worker; pending pages are rejected. The pool cannot be used afterwards. */
  terminate(): Promise<void>;
}

const MODEL_FOLDERS: Record<OcrModel, string> = {
  best_int: "4.0.0_best_int",
  standard: "4.0.0",
};

/**
 * tesseract.js reads every language from ONE `langPath` folder, while each
 * language package has its own: link them side by side in a temp folder.
 */
export function prepareTessdataFolder(
  languages: readonly string[],
  model: OcrModel = "best_int",
): string {
  const folder = join(tmpdir(), "nexus-tessdata", MODEL_FOLDERS[model]);
  mkdirSync(folder, { recursive: true });
  for (const language of languages) {
    const packageRoot = dirname(require.resolve(`@tesseract.js-data/${language}/package.json`));
    const source = join(packageRoot, MODEL_FOLDERS[model], `${language}.traineddata.gz`);
    if (!existsSync(source)) {
      throw new KnowledgeError(
        "invalid_config",
        `Données OCR introuvables pour la langue « ${language} » (${source}).`,
      );
    }
    const link = join(folder, `${language}.traineddata.gz`);
    let current: string | null = null;
    try {
      current = readlinkSync(link);
    } catch {
      current = null;
    }
    if (current === source) continue;
    rmSync(link, { force: true });
    try {
      symlinkSync(source, link);
    } catch (error) {
      // Another process may have created it concurrently; accept it if it points right.
      if (readlinkSync(link) !== source) throw error;
    }
  }
  return folder;
}

interface Slot {
  worker: Promise<Worker> | null;
  pagesDone: number;
  busy: boolean;
}

/** `OCR_POOL_SIZE` default: one worker per core but one (kept for the event loop), at least 1. */
export function defaultOcrPoolSize(cores = availableParallelism()): number {
  return Math.max(1, cores - 1);
}

interface Task {
  owner: unknown;
  image: Uint8Array;
  signal: AbortSignal | undefined;
  resolve: (result: OcrPageResult) => void;
  reject: (error: unknown) => void;
}

export function createOcrPool(input: OcrPoolOptions = {}): OcrPool {
  const options = zOcrPoolOptions.parse(input);
  const langPath = prepareTessdataFolder(options.languages, options.model);
  const slots: Slot[] = Array.from({ length: options.size }, () => ({
    worker: null,
    pagesDone: 0,
    busy: false,
  }));
  // One FIFO per owner. A free worker takes the next page of the owner with the fewest pages
  // being recognised, then the one served longest ago: documents take turns, and a page of a
  // newly arrived document is next, however long the scan queued before it.
  const queues = new Map<unknown, Task[]>();
  const inFlight = new Map<unknown, number>();
  const lastServed = new Map<unknown, number>();
  let dispatches = 0;
  const queued = () => [...queues.values()].reduce((sum, tasks) => sum + tasks.length, 0);
  const next = (): Task | undefined => {
    let best: unknown;
    let bestKey: [number, number] | undefined;
    for (const owner of queues.keys()) {
      const key: [number, number] = [inFlight.get(owner) ?? 0, lastServed.get(owner) ?? -1];
      if (!bestKey || key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) {
        best = owner;
        bestKey = key;
      }
    }
    if (!bestKey) return undefined;
    const tasks = queues.get(best)!;
    const task = tasks.shift()!;
    if (tasks.length === 0) queues.delete(best);
    inFlight.set(best, (inFlight.get(best) ?? 0) + 1);
    lastServed.set(best, dispatches++);
    return task;
  };
  const settle = (owner: unknown) => {
    const left = (inFlight.get(owner) ?? 1) - 1;
    if (left > 0) inFlight.set(owner, left);
    else {
      inFlight.delete(owner);
      if (!queues.has(owner)) lastServed.delete(owner);
    }
  };
  const counters = { pagesRecognised: 0, workersCreated: 0, workersRecycled: 0 };
  let terminated = false;

  const spawn = (): Promise<Worker> => {
    counters.workersCreated++;
    return createWorker(options.languages, OEM.LSTM_ONLY, {
      langPath,
      gzip: true,
      // Read the local files each time, never write a cache next to the process.
      cacheMethod: "none",
      logger: () => {},
      // Without a handler tesseract.js rethrows worker errors as uncaught exceptions.
      errorHandler: () => {},
    });
  };

  const discardWorker = async (slot: Slot) => {
    const worker = slot.worker;
    slot.worker = null;
    slot.pagesDone = 0;
    if (worker) await worker.then((w) => w.terminate()).catch(() => {});
  };

  const runTask = async (slot: Slot, task: Task) => {
    if (task.signal?.aborted) {
      task.reject(new KnowledgeError("aborted", "Traitement du document interrompu."));
      return;
    }
    slot.worker ??= spawn();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    // A running tesseract job cannot be cancelled: on timeout or abort the worker is killed.
    const interrupted = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new KnowledgeError(
              "ocr_timeout",
              `La reconnaissance de texte (OCR) d’une page a dépassé ${Math.round(options.pageTimeoutMs / 1000)} s.`,
            ),
          ),
        options.pageTimeoutMs,
      );
      onAbort = () => reject(new KnowledgeError("aborted", "Traitement du document interrompu."));
      task.signal?.addEventListener("abort", onAbort, { once: true });
    });
    try {
      const worker = await Promise.race([slot.worker, interrupted]);
      const result = await Promise.race([
        // No `rotateAuto`: measured to duplicate and garble lines on slightly skewed
        // pages (CER 5.3 % vs 0.2 % without); Tesseract's own deskew copes with scans.
        worker.recognize(Buffer.from(task.image)),
        interrupted,
      ]);
      counters.pagesRecognised++;
      slot.pagesDone++;
      task.resolve({ text: result.data.text, confidence: result.data.confidence });
      if (slot.pagesDone >= options.recycleAfterPages) {
        counters.workersRecycled++;
        await discardWorker(slot);
      }
    } catch (error) {
      await discardWorker(slot);
      task.reject(
        error instanceof KnowledgeError
          ? error
          : new KnowledgeError(
              "ocr_failed",
              "La reconnaissance de texte (OCR) a échoué sur une page : l’image est peut-être illisible ou corrompue.",
              { cause: error },
            ),
      );
    } finally {
      clearTimeout(timer);
      if (onAbort) task.signal?.removeEventListener("abort", onAbort);
    }
  };

  const pump = () => {
    for (const slot of slots) {
      if (terminated || slot.busy) continue;
      const task = next();
      if (!task) return;
      slot.busy = true;
      void runTask(slot, task).finally(() => {
        slot.busy = false;
        settle(task.owner);
        pump();
      });
    }
  };

  return {
    size: options.size,
    recognize(image, { signal, owner } = {}) {
      if (terminated) {
        return Promise.reject(new KnowledgeError("ocr_failed", "Le service OCR est arrêté."));
      }
      return new Promise<OcrPageResult>((resolve, reject) => {
        const task: Task = { owner, image, signal, resolve, reject };
        const tasks = queues.get(owner) ?? [];
        tasks.push(task);
        queues.set(owner, tasks);
        // A page cancelled while still queued leaves the queue at once.
        signal?.addEventListener(
          "abort",
          () => {
            const list = queues.get(owner);
            const index = list?.indexOf(task) ?? -1;
            if (!list || index < 0) return;
            list.splice(index, 1);
            if (list.length === 0) queues.delete(owner);
            reject(new KnowledgeError("aborted", "Traitement du document interrompu."));
          },
          { once: true },
        );
        pump();
      });
    },
    stats() {
      return {
        ...counters,
        activeWorkers: slots.filter((slot) => slot.worker !== null).length,
        busyWorkers: slots.filter((slot) => slot.busy).length,
        queued: queued(),
      };
    },
    async terminate() {
      terminated = true;
      for (const tasks of queues.values()) {
        for (const task of tasks) {
          task.reject(new KnowledgeError("ocr_failed", "Le service OCR est arrêté."));
        }
      }
      queues.clear();
      await Promise.all(slots.map(discardWorker));
    },
  };
}
