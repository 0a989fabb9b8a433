// Vitest's default 5 s per test is a timing assertion in disguise: on a loaded 2-core machine
// (CI, or the suite run beside a benchmark) a test doing honest work can take longer. Speed
// bars live in `bun run bench`; tests get this generous bound, and a hang still fails.
export const TEST_TIMEOUT_MS = 60_000;
