import { defineProject } from "vitest/config";

export default defineProject({
  resolve: {
    alias: {
      "~": new URL("./app", import.meta.url).pathname,
      "@convex": new URL("../../convex", import.meta.url).pathname,
    },
  },
  test: { name: "web", include: ["app/**/*.test.ts", "app/**/*.test.tsx"] },
});
