// The e2e test object: import `test` and `expect` from here, never from @playwright/test, so
// every scenario gets these fixtures:
//   - a console guard (automatic): a test fails on any console.error / console.warn or uncaught
//     error in its pages that it did not announce with `allowConsoleMessages(/pattern/)`;
//   - `openAs(name)`: a second (third…) person in their own browser context, already signed in,
//     for scenarios with several people at once (a coach's queue open while an élève submits).
import { type BrowserContext, test as base, expect, type Page } from "@playwright/test";
import { signIn } from "./sign-in";

export { expect };

interface Fixtures {
  /** Tells the console guard that messages matching `pattern` are expected in this test. */
  allowConsoleMessages: (pattern: RegExp) => void;
  /** A new browser context signed in as the demo account `name`; closed after the test. */
  openAs: (name: string) => Promise<Page>;
}

interface Internal {
  consoleGuard: ConsoleGuard;
}

/**
 * Third-party messages no code of ours can remove, allowed in every test. Each with its reason;
 * keep this list short.
 */
const ALWAYS_ALLOWED: RegExp[] = [
  // @clerk/remix (required by issue 10 until the React Router 7 move) prints this in dev builds.
  /Clerk - DEPRECATION WARNING: @clerk\/remix is now in maintenance mode/,
  // The e-mail preview frame is sandboxed without scripts on purpose; Playwright's trace recorder
  // (trace: "retain-on-failure") evaluates its snapshot script in every frame, and Chromium
  // reports the block. It is the sandbox doing its job, seen in CI depending on timing.
  /Blocked script execution in 'about:srcdoc' because the document's frame is sandboxed and the 'allow-scripts' permission is not set/,
];

class ConsoleGuard {
  readonly allowed: RegExp[] = [...ALWAYS_ALLOWED];
  readonly messages: string[] = [];

  watch(context: BrowserContext) {
    context.on("console", (message) => {
      const type = message.type();
      if (type !== "error" && type !== "warning") return;
      const where = message.location().url ? ` (${message.location().url})` : "";
      this.messages.push(
        `console.${type === "warning" ? "warn" : type}: ${message.text()}${where}`,
      );
    });
    context.on("weberror", (error) => {
      this.messages.push(`uncaught: ${error.error().stack ?? error.error().message}`);
    });
  }

  unexpected(): string[] {
    return this.messages.filter((m) => !this.allowed.some((pattern) => pattern.test(m)));
  }
}

export const test = base.extend<Fixtures & Internal>({
  consoleGuard: [
    async ({ context }, use) => {
      const guard = new ConsoleGuard();
      guard.watch(context);
      await use(guard);
      const unexpected = guard.unexpected();
      expect(
        unexpected,
        `unexpected console messages or page errors:\n${unexpected.join("\n")}`,
      ).toEqual([]);
    },
    { auto: true },
  ],
  allowConsoleMessages: async ({ consoleGuard }, use) => {
    await use((pattern) => consoleGuard.allowed.push(pattern));
  },
  openAs: async ({ browser, consoleGuard }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (name) => {
      // browser.newContext() inside a test takes the config's `use` options (baseURL, locale…).
      const context = await browser.newContext();
      contexts.push(context);
      consoleGuard.watch(context);
      const page = await context.newPage();
      await signIn(page, name);
      return page;
    });
    for (const context of contexts) await context.close();
  },
});
