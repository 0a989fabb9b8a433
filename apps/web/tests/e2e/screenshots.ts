// Screenshots for the README: named PNGs in docs/screenshots/ at the repository root, desktop
// (1280×800) and mobile (360 px wide). Set E2E_SCREENSHOTS=0 to skip writing them.
import { dirname, join, resolve } from "node:path";
import { type Locator, type Page, test } from "@playwright/test";

export const DESKTOP = { width: 1280, height: 800 } as const;
export const MOBILE = { width: 360, height: 780 } as const;

function screenshotDir(): string {
  const configFile = test.info().config.configFile;
  if (!configFile) throw new Error("screenshots need the Playwright config file's location");
  return resolve(dirname(configFile), "../../docs/screenshots");
}

/**
 * Writes docs/screenshots/<name>.png (1280×800) and, unless `mobile: false`,
 * <name>-mobile.png (360 px wide); `name` is kebab-case, role first (`eleve-bilans`).
 * With `show`, that part of the page is scrolled into view at each size (the layout moves
 * when the width changes). The page keeps the viewport it had.
 */
export async function captureScreenshots(
  page: Page,
  name: string,
  { mobile = true, show }: { mobile?: boolean; show?: Locator } = {},
) {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) {
    throw new Error(`screenshot name must be kebab-case, got "${name}"`);
  }
  if (process.env.E2E_SCREENSHOTS === "0") return;
  const dir = screenshotDir();
  const before = page.viewportSize();
  const shots: [string, { width: number; height: number }][] = [[name, DESKTOP]];
  if (mobile) shots.push([`${name}-mobile`, MOBILE]);
  try {
    for (const [file, size] of shots) {
      await page.setViewportSize(size);
      await page.evaluate(() => document.fonts.ready);
      await show?.evaluate((element) => element.scrollIntoView({ block: "start" }));
      await page.screenshot({
        path: join(dir, `${file}.png`),
        animations: "disabled",
        caret: "hide",
      });
    }
  } finally {
    if (before) await page.setViewportSize(before);
  }
}
