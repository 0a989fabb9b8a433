#!/usr/bin/env bun
// Screenshot of the example bilan e-mail (docs/examples/bilan-email-exemple.html, written by
// `bun run example:report`) as a mail client shows it: Debian's Chromium through Playwright,
// like the e2e suite (CHROMIUM_PATH, default /usr/bin/chromium), 680 px wide, full page.
// Writes docs/examples/bilan-email-exemple.png. Offline: the HTML has no remote resource.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright";

const dir = join(import.meta.dir, "..", "docs", "examples");
const html = readFileSync(join(dir, "bilan-email-exemple.html"), "utf8");
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
});
try {
  const page = await browser.newPage({ viewport: { width: 680, height: 900 } });
  await page.setContent(html, { waitUntil: "load" });
  const out = join(dir, "bilan-email-exemple.png");
  await page.screenshot({ path: out, fullPage: true });
  console.log(out);
} finally {
  await browser.close();
}
