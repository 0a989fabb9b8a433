// Recent function executions for `convex logs` (GET /api/stream_function_logs):
// a bounded in-memory list, each entry in the shape the CLI prints
// (`kind: "Completion"`, identifier, udfType, timestamp in seconds, log
// lines as "[LEVEL] args" strings, error). A poll with no new entry waits
// until one arrives or `waitMs` passes (long poll).
import { type FunctionExecution, realClearTimeout, realSetTimeout } from "./engine.ts";

const UDF_TYPES = {
  query: "Query",
  mutation: "Mutation",
  action: "Action",
  httpAction: "HttpAction",
} as const;

export interface LogEntry {
  kind: "Completion";
  identifier: string;
  udfType: (typeof UDF_TYPES)[keyof typeof UDF_TYPES];
  timestamp: number;
  executionTime: number;
  logLines: string[];
  error: string | null;
  requestId: string;
  executionId: string;
  cachedResult: false;
}

export class FunctionLogs {
  private readonly entries: Array<{ cursor: number; entry: LogEntry }> = [];
  private lastCursor = 0;
  private waiters: Array<() => void> = [];
  private sequence = 0;

  constructor(private readonly capacity = 1000) {}

  record(execution: FunctionExecution): void {
    const end = execution.startedAt + execution.durationMs;
    // Strictly increasing cursors (milliseconds, as the CLI sends them back).
    const cursor = Math.max(end, this.lastCursor + 0.001);
    this.lastCursor = cursor;
    this.sequence += 1;
    this.entries.push({
      cursor,
      entry: {
        kind: "Completion",
        identifier: execution.udfPath,
        udfType: UDF_TYPES[execution.kind],
        timestamp: end / 1000,
        executionTime: execution.durationMs / 1000,
        logLines: execution.logLines,
        error: execution.error,
        requestId: this.sequence.toString(16),
        executionId: this.sequence.toString(16),
        cachedResult: false,
      },
    });
    if (this.entries.length > this.capacity) this.entries.shift();
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private after(cursor: number): { entries: LogEntry[]; newCursor: number } {
    const found = this.entries.filter((e) => e.cursor > cursor);
    const last = found.at(-1);
    return { entries: found.map((e) => e.entry), newCursor: last ? last.cursor : cursor };
  }

  /** Entries after `cursor`; waits up to `waitMs` for one when there is none (not for cursor 0). */
  async poll(cursor: number, waitMs: number): Promise<{ entries: LogEntry[]; newCursor: number }> {
    const now = this.after(cursor);
    if (now.entries.length > 0 || cursor === 0 || waitMs <= 0) {
      return cursor === 0 && now.entries.length === 0
        ? { entries: [], newCursor: this.lastCursor }
        : now;
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        realClearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      // The runtime's own timer (function code may have replaced the global one).
      const timer = realSetTimeout(done, waitMs);
      this.waiters.push(done);
    });
    return this.after(cursor);
  }
}
