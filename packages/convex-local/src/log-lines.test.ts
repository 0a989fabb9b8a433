import { AsyncLocalStorage } from "node:async_hooks";
import { expect, test, vi } from "vitest";
import { createCapturingConsole, formatLogLine, type LogSink } from "./log-lines.ts";

test("log lines use the level prefix and quoting the convex clients parse", () => {
  expect(formatLogLine("log", ["sending", 42, { a: [1] }])).toBe("[LOG] 'sending' 42 { a: [ 1 ] }");
  expect(formatLogLine("warn", ["attention"])).toBe("[WARN] 'attention'");
});

test("console calls inside a function execution are captured, others pass through", () => {
  const storage = new AsyncLocalStorage<LogSink>();
  const real = { ...console, log: vi.fn(), error: vi.fn() } as unknown as Console;
  const capturing = createCapturingConsole(real, storage, false);
  const sink: LogSink = { logLines: [], label: "Q(x:y)" };
  storage.run(sink, () => capturing.error("boom"));
  capturing.log("outside");
  expect(sink.logLines).toEqual(["[ERROR] 'boom'"]);
  expect(real.log).toHaveBeenCalledWith("outside");
  expect(real.error).not.toHaveBeenCalled();
});
