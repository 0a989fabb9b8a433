import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "worker",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    setupFiles: ["../../test-support/console-guard.ts"],
    // Integration tests start real runtimes and worker processes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
