// One Vitest run for the whole repository: each workspace (and convex/) is a project.
import { defineConfig } from "vitest/config";
import { TEST_TIMEOUT_MS } from "./test-support/timeouts";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "convex",
          include: ["convex/**/*.test.ts"],
          environment: "edge-runtime",
          testTimeout: TEST_TIMEOUT_MS,
          setupFiles: ["./test-support/console-guard.ts"],
          server: { deps: { inline: ["convex-test"] } },
        },
      },
      "packages/*/vitest.config.ts",
      "apps/*/vitest.config.ts",
      "docker/vitest.config.ts",
    ],
  },
});
