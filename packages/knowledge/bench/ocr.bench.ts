// OCR benchmark: seconds per 300 dpi A4 French text page with the tesseract.js
// pool, pages per minute, and the ratio to the native `tesseract` CLI when it
// is installed (Debian: tesseract-ocr tesseract-ocr-fra). Last line: JSON.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOcrPool } from "../src/ocr-pool.ts";
import { renderTextPageImage } from "../src/page-image.ts";
import { characterErrorRate } from "../src/text-metrics.ts";

const PAGES = Number(process.env.OCR_BENCH_PAGES ?? 4);
const POOL_SIZE = Number(process.env.OCR_POOL_SIZE ?? 1);
/** Target: a scanned page indexed in under 10 s on 2 cores. */
const TARGET_SECONDS_PER_PAGE = 10;

const paragraph =
  "La dérivation permet d'étudier les variations d'une fonction : on calcule la dérivée, on étudie son signe puis on dresse le tableau de variations. " +
  "Pour une suite géométrique de raison q, le terme général s'écrit u(n) = u(0) × q puissance n, et la somme des premiers termes se calcule avec une formule simple. " +
  "En physique-chimie, l'énergie mécanique se conserve en l'absence de frottements ; sinon, la perte est égale au travail des forces de frottement. ";
const pageText = Array.from({ length: 5 }, () => paragraph).join("\n\n");
const image = renderTextPageImage(pageText, {
  dpi: 300,
  fontSizePt: 11,
  rotationDeg: 0.3,
  noise: 0.0008,
  seed: 11,
});

const pool = createOcrPool({ size: POOL_SIZE });
// Warm-up: worker start and language load are paid once per worker, not per page.
await pool.recognize(image);
const started = performance.now();
const results = await Promise.all(Array.from({ length: PAGES }, () => pool.recognize(image)));
const elapsed = (performance.now() - started) / 1000;
await pool.terminate();
const cer = characterErrorRate(pageText, results[0]!.text);

let native: { secondsPerPage: number; cer: number } | { skipped: string };
const which = spawnSync("which", ["tesseract"], { encoding: "utf8" });
if (which.status === 0) {
  const folder = mkdtempSync(join(tmpdir(), "nexus-ocr-bench-"));
  const file = join(folder, "page.png");
  writeFileSync(file, image);
  const langs = spawnSync("tesseract", ["--list-langs"], { encoding: "utf8" }).stdout;
  const lang = /\bfra\b/.test(langs) ? "fra+eng" : "eng";
  const t0 = performance.now();
  let text = "";
  for (let i = 0; i < PAGES; i++) {
    text = spawnSync("tesseract", [file, "-", "-l", lang], {
      encoding: "utf8",
      env: { ...process.env, OMP_THREAD_LIMIT: "1" },
    }).stdout;
  }
  native = {
    secondsPerPage: (performance.now() - t0) / 1000 / PAGES,
    cer: characterErrorRate(pageText, text),
  };
} else {
  native = { skipped: "tesseract CLI not installed" };
}

const secondsPerPage = elapsed / PAGES;
const report = {
  bench: "ocr",
  runtime: "bun" in process.versions ? `bun ${process.versions.bun}` : `node ${process.version}`,
  pages: PAGES,
  poolSize: POOL_SIZE,
  secondsPerPage: Number(secondsPerPage.toFixed(2)),
  pagesPerMinute: Number((60 / secondsPerPage).toFixed(1)),
  cer: Number(cer.toFixed(4)),
  meanConfidence: Math.round(results.reduce((sum, r) => sum + r.confidence, 0) / results.length),
  native:
    "skipped" in native
      ? native
      : {
          secondsPerPage: Number(native.secondsPerPage.toFixed(2)),
          cer: Number(native.cer.toFixed(4)),
          ratioJsToNative: Number((secondsPerPage / native.secondsPerPage).toFixed(2)),
        },
  target: { secondsPerPage: TARGET_SECONDS_PER_PAGE, cer: 0.05 },
  ok: secondsPerPage <= TARGET_SECONDS_PER_PAGE && cer < 0.05,
};
console.log(JSON.stringify(report));
