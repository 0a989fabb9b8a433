import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "service-auth", include: ["src/**/*.test.ts"] },
});
