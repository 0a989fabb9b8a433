// Structured logs: one JSON object per line on stdout (job id, kind, attempt,
// duration, outcome…), easy to grep and to ship to any log store. LOG_FORMAT=pretty
// writes the same fields as one readable line for people (`bun run dev`'s default).
// Every string in a line is redacted (packages/shared/redact: API keys, tokens, private
// keys, the worker's own secret values) before it is written.
import { format as formatArgs } from "node:util";
import { redactSecrets, redactValue } from "@nexus/shared/redact";
import { convexErrorCode, errorMessage } from "./errors.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFormat = "json" | "pretty";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

export function createLogger(
  options: {
    level?: LogLevel;
    bindings?: Record<string, unknown>;
    write?: (line: string) => void;
    /** Secret values to remove wherever they appear (from the environment, the worker key). */
    secrets?: readonly string[];
    /** json (default): one object per line; pretty: a readable line for people. */
    format?: LogFormat;
  } = {},
): Logger {
  const level = options.level ?? "info";
  const format = options.format ?? "json";
  const bindings = options.bindings ?? {};
  const secrets = options.secrets ?? [];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log =
    (lvl: LogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (ORDER[lvl] < ORDER[level]) return;
      const line = redactValue({ ...bindings, ...fields }, { secrets }) as Record<string, unknown>;
      const entry = {
        time: new Date().toISOString(),
        level: lvl,
        msg: redactSecrets(msg, { secrets }),
        ...line,
      };
      write(format === "pretty" ? prettyLine(entry) : JSON.stringify(entry));
    };
  return {
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    child: (more) =>
      createLogger({ level, write, secrets, format, bindings: { ...bindings, ...more } }),
  };
}

/** Error fields for a log line (the readable message of a ConvexError, not its wrapper). */
export function errorFields(error: unknown): Record<string, unknown> {
  const code = convexErrorCode(error);
  return {
    error: errorMessage(error),
    ...(error instanceof Error ? { errorName: error.name } : {}),
    ...(code ? { errorCode: code } : {}),
  };
}

const PRETTY_LEVEL: Record<LogLevel, string> = {
  debug: "DEBUG",
  info: "INFO ",
  warn: "WARN ",
  error: "ERROR",
};

/** `12:03:04 INFO  job.completed  kind=system.echo durationMs=12` (time in local time). */
export function prettyLine(entry: Record<string, unknown>): string {
  const { time, level, msg, workerId: _workerId, ...fields } = entry;
  const at = new Date(String(time));
  const clock = Number.isNaN(at.getTime()) ? String(time) : at.toTimeString().slice(0, 8);
  const rest = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      const text = typeof value === "string" ? value : JSON.stringify(value);
      return `${key}=${/\s/.test(text) && typeof value === "string" ? JSON.stringify(text) : text}`;
    })
    .join(" ");
  return `${clock} ${PRETTY_LEVEL[level as LogLevel] ?? String(level)} ${String(msg)}${rest ? `  ${rest}` : ""}`;
}

/**
 * The Convex client's own messages (reconnections, auth refreshes, server-side logs) as
 * log lines of ours, in the same format, instead of bare console output.
 */
export function convexClientLogger(log: Logger) {
  const line =
    (write: (msg: string, fields?: Record<string, unknown>) => void) =>
    (...args: unknown[]) =>
      write("convex.client", { message: formatArgs(...args) });
  return {
    logVerbose: line(log.debug),
    log: line(log.info),
    warn: line(log.warn),
    error: line(log.error),
  };
}
