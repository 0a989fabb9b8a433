import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createOcrPool, defaultOcrPoolSize, prepareTessdataFolder } from "./ocr-pool.ts";
import { renderTextPageImage } from "./page-image.ts";
import { characterErrorRate } from "./text-metrics.ts";

const smokeScript = fileURLToPath(new URL("./ocr-smoke-cli.ts", import.meta.url));
const line = "Une file suit le principe premier entré, premier sorti.";
const image = renderTextPageImage(line, { dpi: 300, cropToText: true });

describe("OCR pool", () => {
  const pool = createOcrPool({ size: 1, recycleAfterPages: 2 });
  afterAll(() => pool.terminate());

  it("links the packaged French and English trained data into one folder", () => {
    const folder = prepareTessdataFolder(["fra", "eng"]);
    expect(readdirSync(folder).sort()).toEqual(["eng.traineddata.gz", "fra.traineddata.gz"]);
  });

  it("recognises pages with a confidence and recycles workers after N pages", async () => {
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await pool.recognize(image));
    for (const result of results) {
      expect(characterErrorRate(line, result.text)).toBeLessThan(0.05);
      expect(result.confidence).toBeGreaterThan(50);
      expect(result.confidence).toBeLessThanOrEqual(100);
    }
    expect(pool.stats()).toMatchObject({
      pagesRecognised: 3,
      workersCreated: 2,
      workersRecycled: 1,
    });
  }, 60_000);

  it("serves documents in turn: a long scan queued first does not hold the pool", async () => {
    const fair = createOcrPool({ size: 1 });
    try {
      const finished: string[] = [];
      const scan = Array.from({ length: 5 }, (_, i) =>
        fair.recognize(image, { owner: "scan" }).then(() => finished.push(`scan${i + 1}`)),
      );
      // Another document's page arrives once the scan's first page is being recognised.
      const other = fair.recognize(image, { owner: "bilan" }).then(() => finished.push("other"));
      await Promise.all([...scan, other]);
      // Served at the next free worker, not after the whole scan. Mutant caught: one FIFO.
      expect(finished).toEqual(["scan1", "other", "scan2", "scan3", "scan4", "scan5"]);
      expect(fair.stats()).toMatchObject({ pagesRecognised: 6, busyWorkers: 0, queued: 0 });
    } finally {
      await fair.terminate();
    }
  }, 60_000);

  it("sizes the default pool from the machine: cores − 1, at least 1", () => {
    expect(defaultOcrPoolSize(1)).toBe(1);
    expect(defaultOcrPoolSize(2)).toBe(1);
    expect(defaultOcrPoolSize(8)).toBe(7);
  });

  it("fails a page that exceeds the timeout and keeps working afterwards", async () => {
    const slow = createOcrPool({ pageTimeoutMs: 1 });
    try {
      await expect(slow.recognize(image)).rejects.toMatchObject({ code: "ocr_timeout" });
    } finally {
      await slow.terminate();
    }
    expect((await pool.recognize(image)).text).toContain("premier");
  }, 60_000);

  it("rejects an aborted page and an unreadable image with French errors", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(pool.recognize(image, { signal: controller.signal })).rejects.toMatchObject({
      code: "aborted",
    });
    await expect(pool.recognize(new TextEncoder().encode("pas une image"))).rejects.toMatchObject({
      code: "ocr_failed",
      message: expect.stringMatching(/^La reconnaissance de texte \(OCR\) a échoué/),
    });
  }, 60_000);

  it("runs under Bun without network access and writes no cache file", () => {
    const cwd = mkdtempSync(join(tmpdir(), "nexus-ocr-bun-"));
    const deadProxy = "http://127.0.0.1:9";
    const result = spawnSync("bun", [smokeScript], {
      cwd,
      encoding: "utf8",
      timeout: 60_000,
      env: {
        ...process.env,
        HTTPS_PROXY: deadProxy,
        HTTP_PROXY: deadProxy,
        https_proxy: deadProxy,
        http_proxy: deadProxy,
      },
    });
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout.trim().split("\n").at(-1)!);
    expect(report.runtime).toBe("bun");
    expect(report.cer).toBeLessThan(0.05);
    expect(report.sameTextAfterRecycle).toBe(true);
    expect(report.stats).toMatchObject({ pagesRecognised: 2, workersRecycled: 2 });
    expect(readdirSync(cwd)).toEqual([]);
  }, 90_000);
});
