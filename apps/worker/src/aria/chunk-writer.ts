// Writes a streamed answer into its Convex message row (docs/decisions/0008): deltas are
// buffered and flushed as numbered chunks (the first at once, then every FLUSH_MS or
// FLUSH_CHARS), so a reload shows the same text. On a resumed attempt the text already
// stored is skipped while the new stream repeats it exactly; a different text stops the
// writer (`mismatch`), since appending a different continuation would garble the answer.
import { leaksSystemPrompt } from "@nexus/synthesis/tutor/prompt";
import { api } from "../../../../convex/_generated/api";
import type { Id } from "../../../../convex/_generated/dataModel";
import type { WorkerConvex } from "../handler.ts";

export const FLUSH_MS = 60;
export const FLUSH_CHARS = 200;

export interface AnswerRef {
  messageId: Id<"ariaMessages">;
  jobId: Id<"jobs">;
  attempt: number;
}

export type WriterState = "writing" | "stopped" | "mismatch" | "leak";

export class ChunkWriter {
  private buffer = "";
  private seq: number;
  private toSkip: string;
  private text: string;
  private lastFlush = 0;
  state: WriterState = "writing";

  constructor(
    private readonly convex: WorkerConvex,
    private readonly ref: AnswerRef,
    stored: { text: string; chunkCount: number },
    private readonly now: () => number = Date.now,
  ) {
    this.seq = stored.chunkCount;
    this.toSkip = stored.text;
    this.text = stored.text;
  }

  /** Whether the answer holds any text (stored earlier or written now). */
  get wrote(): boolean {
    return this.text.length > 0;
  }

  /** Whether the text stored by an earlier attempt has been replayed in full. */
  get resumed(): boolean {
    return this.toSkip.length === 0;
  }

  /** Adds a delta; returns false once the writer stopped (see `state`). */
  async push(delta: string): Promise<boolean> {
    if (this.state !== "writing") return false;
    let rest = delta;
    if (this.toSkip.length > 0) {
      const n = Math.min(this.toSkip.length, rest.length);
      if (this.toSkip.slice(0, n) !== rest.slice(0, n)) {
        this.state = "mismatch";
        return false;
      }
      this.toSkip = this.toSkip.slice(n);
      rest = rest.slice(n);
    }
    if (rest.length === 0) return true;
    this.buffer += rest;
    this.text += rest;
    if (leaksSystemPrompt(this.text)) {
      this.buffer = "";
      this.state = "leak";
      return false;
    }
    const first = this.lastFlush === 0;
    if (first || this.buffer.length >= FLUSH_CHARS || this.now() - this.lastFlush >= FLUSH_MS) {
      await this.flush();
    }
    return this.state === "writing";
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0 || this.state !== "writing") return;
    const text = this.buffer;
    this.buffer = "";
    this.lastFlush = this.now();
    const outcome = await this.convex.mutation(api.aria.appendChunk, {
      ...this.ref,
      seq: this.seq,
      text,
    });
    this.seq++;
    if (outcome === "stop") this.state = "stopped";
  }
}
