// PDF assembly benchmark: median (and p95) time to render a bilan report
// in-process over 50 runs after warm-up, for the short and the long fixture,
// plus the output sizes. For comparison, the same content compiled by pdflatex
// when TeX is installed (skipped with a note otherwise).
// Run: bun packages/report/bench/pdf.bench.ts — last stdout line is the JSON result.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { subjectLabels } from "@nexus/shared/domain";
import { sectionHeadings } from "../src/bilan-document";
import { longBilan, shortBilan } from "../src/fixtures/bilan-fixtures";
import { renderBilanReport } from "../src/render-bilan-report";
import { parseReportInput, type ReportInput } from "../src/report-input";

const RUNS = 50;
const WARMUP = 10;
const TARGET_MEDIAN_MS = 50;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;
const round = (n: number) => Math.round(n * 100) / 100;

async function measure(input: ReportInput) {
  for (let i = 0; i < WARMUP; i++) await renderBilanReport(input);
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const pdf = await renderBilanReport(input);
    times.push(performance.now() - started);
    bytes = pdf.byteLength;
  }
  times.sort((a, b) => a - b);
  return {
    medianMs: round(percentile(times, 0.5)),
    p95Ms: round(percentile(times, 0.95)),
    bytes,
  };
}

function which(command: string): string | null {
  try {
    return execFileSync("which", [command], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

/** The same report content as plain LaTeX (sections, score table, synthesis, study plan). */
function latexSource(input: ReportInput): string {
  const data = parseReportInput(input);
  const esc = (s: string) => s.replace(/([\\{}$&#^_%~])/g, "\\$1");
  const rows = data.scores.domains
    .map((d) => `${esc(d.label)} & ${d.earned} / ${d.max} & ${d.percent}\\,\\% \\\\`)
    .join("\n");
  const items = (list: string[]) =>
    list.length
      ? `\\begin{itemize}\n${list.map((s) => `\\item ${esc(s)}`).join("\n")}\n\\end{itemize}`
      : "";
  const plan = data.synthesis.studyPlan
    .map(
      (w) =>
        `${w.week} & ${esc(w.objectives.join(" ; "))} & ${esc(
          w.activities.map((a) => a.description).join(" ; "),
        )} \\\\`,
    )
    .join("\n");
  return `\\documentclass[a4paper,10pt]{article}
\\usepackage[utf8]{inputenc}\\usepackage[T1]{fontenc}\\usepackage{longtable}
\\usepackage[margin=2cm]{geometry}\\usepackage{textcomp}
\\begin{document}
\\section*{${esc(data.centre.name)} -- ${esc(subjectLabels[data.subject])}}
${esc(`${data.student.firstName} ${data.student.lastName}`)}
\\section*{${sectionHeadings.scores}}
\\begin{longtable}{p{8cm}rr}\n${rows}\n\\end{longtable}
\\section*{${sectionHeadings.summary}}\n${esc(data.synthesis.summary)}
\\section*{${sectionHeadings.strengths}}\n${items(data.synthesis.strengths.map((s) => s.text))}
\\section*{${sectionHeadings.weaknesses}}\n${items(data.synthesis.weaknesses.map((s) => s.text))}
\\section*{${sectionHeadings.recommendations}}\n${items(data.synthesis.recommendations.map((r) => `${r.title} : ${r.text}`))}
\\section*{${sectionHeadings.studyPlan}}
\\begin{longtable}{rp{6cm}p{7cm}}\n${plan}\n\\end{longtable}
\\end{document}
`;
}

function pdflatexComparison(input: ReportInput, ourMedianMs: number) {
  const binary = which("pdflatex");
  if (!binary) return "skipped: TeX not installed";
  const dir = mkdtempSync(join(tmpdir(), "nexus-latex-"));
  try {
    writeFileSync(join(dir, "bilan.tex"), latexSource(input));
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const result = spawnSync(
        binary,
        ["-interaction=nonstopmode", "-halt-on-error", "bilan.tex"],
        {
          cwd: dir,
          encoding: "utf8",
        },
      );
      if (result.status !== 0) return `failed: pdflatex exited with ${result.status}`;
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const medianMs = round(percentile(times, 0.5));
    return { medianMs, runs: times.length, ratio: round(medianMs / ourMedianMs) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const short = await measure(shortBilan);
const long = await measure(longBilan);
const result = {
  bench: "report-pdf",
  runs: RUNS,
  warmup: WARMUP,
  short,
  long,
  targetMedianMs: TARGET_MEDIAN_MS,
  pdflatex: pdflatexComparison(shortBilan, short.medianMs),
  ok: short.medianMs < TARGET_MEDIAN_MS && long.medianMs < TARGET_MEDIAN_MS,
};
console.log(JSON.stringify(result));
