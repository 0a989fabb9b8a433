import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "deploy",
    include: ["tests/**/*.test.ts", "scripts/**/*.test.ts"],
    // The production test builds the artefacts and starts a runtime, a web server and workers.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
