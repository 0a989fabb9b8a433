// Accessibility check for e2e scenarios: axe-core over the current page, failing on serious or
// critical violations (the bar), printed one per line with the elements to fix.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";

type AxeResults = Awaited<ReturnType<AxeBuilder["analyze"]>>;
type Violation = AxeResults["violations"][number];

const BLOCKING = new Set(["serious", "critical"]);

export interface A11yOptions {
  /** CSS selectors to leave out (a third-party widget we cannot fix, say). Say why at the call. */
  exclude?: string[];
  /** axe rule ids to switch off. Say why at the call. */
  disableRules?: string[];
}

/** Runs axe on `page` as it is now; fails the test on any serious or critical violation. */
export async function expectNoSeriousA11yViolations(page: Page, options: A11yOptions = {}) {
  let builder = new AxeBuilder({ page });
  for (const selector of options.exclude ?? []) builder = builder.exclude(selector);
  if (options.disableRules?.length) builder = builder.disableRules(options.disableRules);
  const results = await builder.analyze();
  const blocking = results.violations.filter((v) => BLOCKING.has(v.impact ?? ""));
  if (blocking.length > 0) {
    await test.info().attach(`axe-${new URL(page.url()).pathname.replaceAll("/", "_")}.json`, {
      body: JSON.stringify(blocking, null, 2),
      contentType: "application/json",
    });
  }
  expect(blocking.length, formatViolations(page.url(), blocking)).toBe(0);
}

export function formatViolations(url: string, violations: Violation[]): string {
  if (violations.length === 0) return `axe: no serious or critical violation on ${url}`;
  const lines = [`axe: ${violations.length} serious or critical violation(s) on ${url}`];
  for (const v of violations) {
    lines.push(`  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`);
    for (const node of v.nodes.slice(0, 5)) {
      lines.push(`      at ${node.target.join(" ")}: ${node.html.slice(0, 160)}`);
      const why = node.failureSummary?.split("\n").slice(1).join("; ").trim();
      if (why) lines.push(`         ${why}`);
    }
    if (v.nodes.length > 5) lines.push(`      … and ${v.nodes.length - 5} more element(s)`);
  }
  return lines.join("\n");
}
