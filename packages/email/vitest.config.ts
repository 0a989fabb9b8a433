import { defineProject } from "vitest/config";
import { TEST_TIMEOUT_MS } from "../../test-support/timeouts";

export default defineProject({
  test: {
    name: "email",
    testTimeout: TEST_TIMEOUT_MS,
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
