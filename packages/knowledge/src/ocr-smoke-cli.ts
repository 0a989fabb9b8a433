// Smoke run of the OCR pool, used by tests to check the Bun runtime (the worker's)
// and by operators: `bun packages/knowledge/src/ocr-smoke-cli.ts`. Prints one JSON line.
import { createOcrPool } from "./ocr-pool.ts";
import { renderTextPageImage } from "./page-image.ts";
import { characterErrorRate } from "./text-metrics.ts";

const reference = "Le théorème de Pythagore relie les longueurs des côtés d'un triangle rectangle.";
const pool = createOcrPool({ recycleAfterPages: 1 });
try {
  const image = renderTextPageImage(reference, { dpi: 300, fontSizePt: 12, cropToText: true });
  const first = await pool.recognize(image);
  const second = await pool.recognize(image);
  console.log(
    JSON.stringify({
      runtime: "bun" in process.versions ? "bun" : "node",
      cer: characterErrorRate(reference, first.text),
      confidence: first.confidence,
      sameTextAfterRecycle: first.text === second.text,
      stats: pool.stats(),
    }),
  );
} finally {
  await pool.terminate();
}
