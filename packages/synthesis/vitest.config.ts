import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "synthesis", include: ["src/**/*.test.ts", "src/**/*.test.tsx"] },
});
