// Function log lines in the format the Convex clients parse ("[LOG] 'text' 42"),
// and a console that routes each call to the function execution it belongs to.
import type { AsyncLocalStorage } from "node:async_hooks";
import { inspect } from "node:util";

const LEVELS = {
  log: "LOG",
  info: "INFO",
  warn: "WARN",
  error: "ERROR",
  debug: "DEBUG",
  trace: "TRACE",
} as const;

export type ConsoleMethod = keyof typeof LEVELS;

function formatArgument(value: unknown): string {
  if (typeof value === "string") return `'${value}'`;
  return inspect(value, { depth: 6, breakLength: Number.POSITIVE_INFINITY });
}

export function formatLogLine(method: ConsoleMethod, args: unknown[]): string {
  return `[${LEVELS[method]}] ${args.map(formatArgument).join(" ")}`;
}

export interface LogSink {
  logLines: string[];
  /** Label used when echoing the line on the runtime's own output, e.g. "M(messages:send)". */
  label: string;
}

/**
 * A console for function code: inside a function execution (found through
 * `storage`) each call becomes a log line of that execution, echoed on the
 * runtime's output; elsewhere it behaves as the real console.
 */
export function createCapturingConsole(
  realConsole: Console,
  storage: AsyncLocalStorage<LogSink>,
  echo: boolean,
): Console {
  const capturing = Object.create(realConsole) as Console;
  for (const method of Object.keys(LEVELS) as ConsoleMethod[]) {
    const original = realConsole[method].bind(realConsole);
    capturing[method] = (...args: unknown[]) => {
      const sink = storage.getStore();
      if (sink === undefined) {
        original(...args);
        return;
      }
      const line = formatLogLine(method, args);
      sink.logLines.push(line);
      if (echo) realConsole.log(`[fn ${sink.label}] ${line}`);
    };
  }
  return capturing;
}
