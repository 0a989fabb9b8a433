// Structured logs: one JSON object per line on stdout (job id, kind, attempt,
// duration, outcome…), easy to grep and to ship to any log store. Every string in a
// line is redacted (packages/shared/redact: API keys, tokens, private keys, the
// worker's own secret values) before it is written.
import { redactSecrets, redactValue } from "@nexus/shared/redact";
import { convexErrorCode, errorMessage } from "./errors.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
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
  } = {},
): Logger {
  const level = options.level ?? "info";
  const bindings = options.bindings ?? {};
  const secrets = options.secrets ?? [];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log =
    (lvl: LogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (ORDER[lvl] < ORDER[level]) return;
      const line = redactValue({ ...bindings, ...fields }, { secrets }) as Record<string, unknown>;
      write(
        JSON.stringify({
          time: new Date().toISOString(),
          level: lvl,
          msg: redactSecrets(msg, { secrets }),
          ...line,
        }),
      );
    };
  return {
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    child: (more) => createLogger({ level, write, secrets, bindings: { ...bindings, ...more } }),
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
