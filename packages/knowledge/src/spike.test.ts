import { test } from "vitest";
import { createOcrPool } from "./ocr-pool.ts";
import { renderTextPageImage } from "./page-image.ts";
import { characterErrorRate } from "./text-metrics.ts";
const text = `La dérivée d'une fonction en un point mesure la pente de la tangente à la courbe. Pour étudier les variations d'une fonction, on détermine le signe de sa dérivée sur chaque intervalle.

Exemple : si f(x) = 3x² − 5x + 2, alors f'(x) = 6x − 5, qui s'annule en x = 5/6. La fonction est donc décroissante puis croissante ; elle admet un minimum.

Méthode : écrire les étapes, vérifier les résultats à la calculatrice et rédiger une phrase de conclusion précise.`;
test("spike", async () => {
  const pool = createOcrPool();
  for (const opts of [{ rotationDeg: 0 }, { rotationDeg: 0.6, noise: 0.002 }, { rotationDeg: 0.6, noise: 0.002, cropToText: true }]) {
    const png = renderTextPageImage(text, opts);
    const t = performance.now();
    const r = await pool.recognize(png);
    console.log(JSON.stringify(opts), (performance.now() - t).toFixed(0), "ms conf", r.confidence, "CER", characterErrorRate(text, r.text).toFixed(4));
    console.log(r.text);
  }
  await pool.terminate();
}, 120000);
