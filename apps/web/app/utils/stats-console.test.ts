import { describe, expect, it } from "vitest";
import {
  bilanSubjectRows,
  bilanTotals,
  bilanWeekSeries,
  type Dashboard,
  DEFAULT_WEEKS,
  delayHistogram,
  documentWeekSeries,
  formatCount,
  formatDuration,
  formatEuros,
  formatRate,
  jobKindRows,
  llmRows,
  llmWeekSeries,
  parseWeeks,
  roundToHour,
  weekLongLabel,
  weekShortLabel,
} from "./stats-console";

const NBSP = "\u00a0";
const NNBSP = "\u202f";

const data: Dashboard = {
  weeks: ["2026-11-23", "2026-11-30"],
  bilans: [
    { stage: "created", subject: "nsi", counts: [0, 3] },
    { stage: "sent", subject: "maths", counts: [0, 1] },
    { stage: "submitted", subject: "maths", counts: [2, 0] },
    { stage: "submitted", subject: "nsi", counts: [0, 1] },
  ],
  delay: [
    { bucket: "gt3d", count: 1, totalMs: 21 * 24 * 3_600_000 },
    { bucket: "lt1h", count: 1, totalMs: 30 * 60_000 },
  ],
  jobs: [
    { kind: "bilan.generate", outcome: "completed", counts: [0, 3] },
    { kind: "bilan.generate", outcome: "failed", counts: [0, 1] },
    { kind: "bilan.generate", outcome: "retried", counts: [0, 2] },
    { kind: "email.send", outcome: "completed", counts: [3, 0] },
  ],
  llm: [
    {
      provider: "local",
      model: "local-writer-v1",
      calls: [0, 4],
      inputTokens: [0, 100],
      outputTokens: [0, 100],
      costMicroEur: [0, 0],
    },
    {
      provider: "openai",
      model: "gpt-4o-mini",
      calls: [1, 2],
      inputTokens: [1_000, 2_000],
      outputTokens: [500, 1_000],
      costMicroEur: [414, 828_000],
    },
  ],
  documents: [{ kind: "new", counts: [0, 21], pages: [0, 40] }],
  usdToEur: 0.92,
  truncated: false,
};

describe("period and clock", () => {
  it("accepts only the offered periods", () => {
    expect(parseWeeks(new URLSearchParams("semaines=4"))).toBe(4);
    expect(parseWeeks(new URLSearchParams("semaines=26"))).toBe(26);
    expect(parseWeeks(new URLSearchParams("semaines=500"))).toBe(DEFAULT_WEEKS);
    expect(parseWeeks(new URLSearchParams(""))).toBe(DEFAULT_WEEKS);
    expect(roundToHour(Date.UTC(2026, 11, 1, 10, 59, 59))).toBe(Date.UTC(2026, 11, 1, 10));
  });
});

describe("French formats", () => {
  it("formats counts, euros, rates and durations", () => {
    expect(formatCount(12345)).toBe(`12${NNBSP}345`);
    expect(formatEuros(0)).toBe(`0,00${NBSP}€`);
    expect(formatEuros(414)).toBe(`moins de 0,01${NBSP}€`);
    expect(formatEuros(1_234_567)).toBe(`1,23${NBSP}€`);
    expect(formatRate(1, 4)).toBe(`25${NBSP}%`);
    expect(formatRate(0, 0)).toBe("—");
    expect(formatDuration(45 * 60_000)).toBe(`45${NBSP}min`);
    expect(formatDuration(125 * 60_000)).toBe(`2${NBSP}h${NBSP}05`);
    expect(formatDuration(3 * 3_600_000)).toBe(`3${NBSP}h`);
    expect(formatDuration((3 * 24 + 4) * 3_600_000)).toBe(`3${NBSP}j 4${NBSP}h`);
  });

  it("names weeks by their Monday", () => {
    expect(weekShortLabel("2026-11-30")).toBe(`30${NBSP}nov.`);
    expect(weekShortLabel("2026-06-01")).toBe(`1er${NBSP}juin`);
    expect(weekLongLabel("2026-11-30")).toBe("semaine du 30 novembre 2026");
  });
});

describe("series and rows", () => {
  it("gives bilans per week and stage, for every subject or one", () => {
    const all = Object.fromEntries(bilanWeekSeries(data).map((s) => [s.id, s.values]));
    expect(all).toEqual({
      created: [0, 3],
      submitted: [2, 1],
      approved: [0, 0],
      sent: [0, 1],
      failed: [0, 0],
    });
    const nsi = Object.fromEntries(bilanWeekSeries(data, "nsi").map((s) => [s.id, s.values]));
    expect(nsi.submitted).toEqual([0, 1]);
    expect(nsi.sent).toEqual([0, 0]);
    expect(bilanTotals(data)).toEqual({
      created: 3,
      submitted: 3,
      approved: 0,
      sent: 1,
      failed: 0,
    });
  });

  it("lists subjects with their totals and French names", () => {
    expect(bilanSubjectRows(data).map((row) => [row.label, row.totals.submitted])).toEqual([
      ["Numérique et sciences informatiques", 1],
      ["Mathématiques", 2],
    ]);
  });

  it("orders the delay histogram and computes the mean", () => {
    const histogram = delayHistogram(data);
    expect(histogram.buckets.map((b) => b.count)).toEqual([1, 0, 0, 0, 1]);
    expect(histogram.total).toBe(2);
    expect(histogram.meanMs).toBe((21 * 24 * 3_600_000 + 30 * 60_000) / 2);
    expect(delayHistogram({ ...data, delay: [] }).meanMs).toBeNull();
  });

  it("sums job outcomes per kind with the failure rate among finished jobs", () => {
    expect(jobKindRows(data).map((row) => [row.kind, row.counts, row.failureRate])).toEqual([
      ["bilan.generate", { completed: 3, failed: 1, retried: 2, cancelled: 0 }, `25${NBSP}%`],
      ["email.send", { completed: 3, failed: 0, retried: 0, cancelled: 0 }, `0${NBSP}%`],
    ]);
  });

  it("sums LLM use per model, most expensive first, and tokens per week per provider", () => {
    expect(llmRows(data).map((row) => [row.providerLabel, row.calls, row.costMicroEur])).toEqual([
      ["OpenAI", 3, 828_414],
      ["Rédacteur local", 4, 0],
    ]);
    expect(llmWeekSeries(data).map((s) => [s.label, s.values])).toEqual([
      ["Rédacteur local", [0, 200]],
      ["OpenAI", [1_500, 3_000]],
    ]);
    // Two models of one provider: one table row each, their tokens added in the chart.
    const twoModels: Dashboard = {
      ...data,
      llm: [
        ...data.llm,
        {
          provider: "openai",
          model: "gpt-4o",
          calls: [0, 1],
          inputTokens: [0, 7],
          outputTokens: [0, 3],
          costMicroEur: [0, 50],
        },
      ],
    };
    expect(llmRows(twoModels).map((row) => [row.model, row.calls, row.inputTokens])).toEqual([
      ["gpt-4o-mini", 3, 3_000],
      ["gpt-4o", 1, 7],
      ["local-writer-v1", 4, 100],
    ]);
    expect(llmWeekSeries(twoModels).map((s) => s.values)).toEqual([
      [0, 200],
      [1_500, 3_010],
    ]);
  });

  it("counts documents per week, new and re-indexed", () => {
    expect(documentWeekSeries(data).map((s) => [s.id, s.values])).toEqual([
      ["new", [0, 21]],
      ["reindex", [0, 0]],
    ]);
  });
});
