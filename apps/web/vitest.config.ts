import { defineProject } from "vitest/config";
import { TEST_TIMEOUT_MS } from "../../test-support/timeouts";

export default defineProject({
  resolve: {
    alias: {
      "~": new URL("./app", import.meta.url).pathname,
      "@convex": new URL("../../convex", import.meta.url).pathname,
    },
  },
  test: {
    name: "web",
    testTimeout: TEST_TIMEOUT_MS,
    include: ["app/**/*.test.ts", "app/**/*.test.tsx"],
  },
});
