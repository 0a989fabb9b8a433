// End-to-end tests: Playwright driving Debian's Chromium (/usr/bin/chromium, installed by apt;
// Playwright's own browser download cannot work offline) against the whole stack, started by
// tests/setup/global-setup.ts the way `bun run dev` does, on a fresh data folder per run.
// Run with `bun run e2e` (people) or `bun run test --only e2e` (counted in the test total).
import { defineConfig } from "@playwright/test";

/** Flags this offline machine needs: no sandbox as root, no background calls to Google. */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  testDir: "./tests/e2e",
  testMatch: "**/*.spec.ts",
  outputDir: "../../test-results/e2e/artifacts",
  globalSetup: "./tests/setup/global-setup.ts",
  // One worker: the machine has two cores, and the stack (runtime, worker, Vite) needs one.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  globalTimeout: 20 * 60_000,
  reporter: [["list"], ["json", { outputFile: "../../test-results/e2e/report.json" }]],
  use: {
    baseURL: "http://127.0.0.1:3000",
    locale: "fr-FR",
    timezoneId: "Europe/Paris",
    viewport: { width: 1280, height: 800 },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    video: "off",
    actionTimeout: 10_000,
    // Vite compiles a route on its first request: the first visit of a page can be slow.
    navigationTimeout: 30_000,
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
    },
  },
  projects: [{ name: "chromium" }],
});
