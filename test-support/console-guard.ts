// Vitest setup file (setupFiles of the convex and worker projects): a test that writes an
// unexpected console.error fails, so an error logged and swallowed somewhere is seen. A test
// that expects one says so with allowConsoleError(/pattern/) (for that test only).
import { afterEach, beforeEach, expect, vi } from "vitest";

let allowed: RegExp[] = [];
let unexpected: string[] = [];

/** Lets console.error lines matching `pattern` through for the current test. */
export function allowConsoleError(pattern: RegExp) {
  allowed.push(pattern);
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.stack ?? value.message;
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

beforeEach(() => {
  allowed = [];
  unexpected = [];
  const original = console.error;
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    const text = args.map(describe).join(" ");
    if (!allowed.some((pattern) => pattern.test(text))) unexpected.push(text);
    original(...args);
  });
});

afterEach(() => {
  const lines = unexpected;
  unexpected = [];
  expect(
    lines,
    "unexpected console.error during this test (allowConsoleError if intended)",
  ).toEqual([]);
});
