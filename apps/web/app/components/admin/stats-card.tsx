// One analytics card (/admin/statistiques): a title, a chart with its legend, and the same
// figures in a table. The chart (stats-chart.tsx) loads lazily in the browser only, with its
// height reserved, and is hidden from screen readers; the table is always in the page for
// them (visually hidden while the chart shows) and a button swaps the two for everyone.
import { lazy, type ReactNode, Suspense, useEffect, useId, useState } from "react";
import { cn } from "~/utils/cn";
import type { ChartSeries, StatsChartProps } from "./stats-chart";

const StatsChart = lazy(() => import("./stats-chart"));

export function StatsCard({
  title,
  description,
  chart,
  emptyText,
  table,
  testId,
  children,
  footer,
}: {
  title: string;
  description?: ReactNode;
  /** Null when there is nothing to draw: `emptyText` is said instead. */
  chart: StatsChartProps | null;
  emptyText: string;
  table: ReactNode;
  testId: string;
  /** Above the chart (a filter). */
  children?: ReactNode;
  /** Below the chart or its table (a second table). */
  footer?: ReactNode;
}) {
  const headingId = useId();
  const [hydrated, setHydrated] = useState(false);
  const [asTable, setAsTable] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
    <section
      aria-labelledby={headingId}
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-5"
      data-testid={testId}
    >
      <div className="flex flex-wrap items-start justify-between gap-2">
        <h2 id={headingId} className="text-lg font-semibold text-slate-900">
          {title}
        </h2>
        {chart ? (
          <button
            type="button"
            aria-pressed={asTable}
            onClick={() => setAsTable((value) => !value)}
            className="min-h-11 rounded-md border border-slate-300 bg-white px-3 text-sm font-medium text-brand-800 hover:bg-slate-50 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700"
          >
            Voir en tableau
          </button>
        ) : null}
      </div>
      {description ? <div className="mt-1 text-sm text-slate-700">{description}</div> : null}
      {children}
      {chart ? (
        <>
          {asTable ? null : (
            <>
              <Legend series={chart.series} />
              <div className="mt-2" style={{ minHeight: chart.height }}>
                {hydrated ? (
                  <Suspense fallback={<div style={{ height: chart.height }} />}>
                    <StatsChart {...chart} />
                  </Suspense>
                ) : null}
              </div>
            </>
          )}
          <div className={cn(asTable ? "mt-3 overflow-x-auto" : "sr-only")}>{table}</div>
        </>
      ) : (
        <p className="mt-3 text-slate-700">{emptyText}</p>
      )}
      {footer}
    </section>
  );
}

function Legend({ series }: { series: ChartSeries[] }) {
  if (series.length < 2) return null;
  return (
    <ul className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-800" aria-hidden="true">
      {series.map((s) => (
        <li key={s.id} className="flex items-center gap-1.5">
          <span className="inline-block h-3 w-3 rounded-sm" style={{ backgroundColor: s.color }} />
          {s.label}
        </li>
      ))}
    </ul>
  );
}

/** A figures table as the cards show them: caption, header row, numbers right-aligned. */
export function StatsTable({
  caption,
  columns,
  rows,
  testId,
}: {
  caption: string;
  columns: string[];
  rows: { id: string; header: ReactNode; cells: ReactNode[] }[];
  testId?: string;
}) {
  return (
    <table className="w-full min-w-max border-collapse text-sm" data-testid={testId}>
      <caption className="pb-2 text-left font-medium text-slate-800">{caption}</caption>
      <thead>
        <tr className="border-b border-slate-300">
          {columns.map((column, i) => (
            <th
              key={column}
              scope="col"
              className={cn(
                "px-2 py-1.5 font-semibold text-slate-900",
                i === 0 ? "text-left" : "text-right",
              )}
            >
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id} className="border-b border-slate-100">
            <th scope="row" className="px-2 py-1.5 text-left font-normal text-slate-800">
              {row.header}
            </th>
            {row.cells.map((cell, i) => (
              <td
                // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed per table
                key={i}
                className="px-2 py-1.5 text-right tabular-nums text-slate-900"
              >
                {cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
