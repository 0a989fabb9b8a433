import { defineProject } from "vitest/config";

// Tests run under Node and drive the runtime as a real `bun` process through
// the official convex clients.
export default defineProject({
  test: {
    name: "convex-local",
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "test/**/*.test.tsx"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
