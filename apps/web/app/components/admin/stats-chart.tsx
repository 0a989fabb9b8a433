// The analytics page's bar chart (/admin/statistiques), drawn with visx like the score chart
// (components/eleve/scores-chart.tsx): @visx/shape and @visx/group, d3-scale through
// @visx/vendor, plain SVG text for the labels (no @visx/axis: see decisions/0006 on weight).
// Vertical bars per category (a week, a delay bucket, a job kind), grouped side by side or
// stacked; the width follows the parent, labels thin out on a phone. Loaded lazily, browser
// only (LazyStatsChart). Hidden from screen readers: each chart's card carries the same
// figures in a table.
import { Group } from "@visx/group";
import { Bar, Line } from "@visx/shape";
import { scaleBand, scaleLinear } from "@visx/vendor/d3-scale";
import { useLayoutEffect, useRef, useState } from "react";

export interface ChartSeries {
  id: string;
  label: string;
  color: string;
  values: number[];
}

export interface StatsChartProps {
  categories: string[];
  series: ChartSeries[];
  mode: "grouped" | "stacked";
  height: number;
  testId?: string;
}

const FONT_SIZE = 12;
const INK = "#0f172a";
const MUTED = "#475569"; // slate-600, 7.6:1 on white
const GRID = "#e2e8f0";
const MARGIN = { top: 16, right: 8, bottom: 28, left: 48 } as const;
const number = new Intl.NumberFormat("fr-FR", { notation: "compact", maximumFractionDigits: 1 });

function useWidth<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(element.clientWidth);
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}

function Bars({ categories, series, mode, width, height }: StatsChartProps & { width: number }) {
  const innerWidth = Math.max(0, width - MARGIN.left - MARGIN.right);
  const innerHeight = Math.max(0, height - MARGIN.top - MARGIN.bottom);
  const totals = categories.map((_, i) =>
    mode === "stacked"
      ? series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0)
      : Math.max(0, ...series.map((s) => s.values[i] ?? 0)),
  );
  const max = Math.max(1, ...totals);
  const y = scaleLinear().domain([0, max]).nice(4).range([innerHeight, 0]);
  const ticks = y.ticks(4).filter((tick) => Number.isInteger(tick));
  const x = scaleBand().domain(categories).range([0, innerWidth]).padding(0.25);
  const inner = scaleBand()
    .domain(series.map((s) => s.id))
    .range([0, x.bandwidth()])
    .padding(0.08);
  // Room for about one label per 56 px: on a phone, one week in two or three is named.
  const every = Math.max(1, Math.ceil((categories.length * 56) / Math.max(1, innerWidth)));
  return (
    <svg width={width} height={height} aria-hidden="true" focusable="false">
      <Group left={MARGIN.left} top={MARGIN.top}>
        {ticks.map((tick) => (
          <Group key={tick} top={y(tick)}>
            <Line from={{ x: 0, y: 0 }} to={{ x: innerWidth, y: 0 }} stroke={GRID} />
            <text
              x={-8}
              textAnchor="end"
              dominantBaseline="central"
              fontSize={FONT_SIZE}
              fill={MUTED}
            >
              {number.format(tick)}
            </text>
          </Group>
        ))}
        <Line
          from={{ x: 0, y: innerHeight }}
          to={{ x: innerWidth, y: innerHeight }}
          stroke={MUTED}
        />
        {categories.map((category, i) => {
          const left = x(category) ?? 0;
          let stackTop = innerHeight;
          return (
            <Group key={category} left={left}>
              {series.map((s) => {
                const value = s.values[i] ?? 0;
                if (value <= 0) return null;
                const barHeight = innerHeight - y(value);
                if (mode === "stacked") {
                  stackTop -= barHeight;
                  return (
                    <Bar
                      key={s.id}
                      x={0}
                      y={stackTop}
                      width={x.bandwidth()}
                      height={barHeight}
                      fill={s.color}
                    />
                  );
                }
                return (
                  <Bar
                    key={s.id}
                    x={inner(s.id) ?? 0}
                    y={innerHeight - barHeight}
                    width={inner.bandwidth()}
                    height={barHeight}
                    rx={2}
                    fill={s.color}
                  />
                );
              })}
              {i % every === 0 ? (
                <text
                  x={x.bandwidth() / 2}
                  y={innerHeight + 18}
                  textAnchor="middle"
                  fontSize={FONT_SIZE}
                  fill={INK}
                >
                  {category}
                </text>
              ) : null}
            </Group>
          );
        })}
      </Group>
    </svg>
  );
}

export default function StatsChart(props: StatsChartProps) {
  const [ref, width] = useWidth<HTMLDivElement>();
  return (
    <div
      ref={ref}
      aria-hidden="true"
      style={{ height: props.height }}
      className="w-full"
      data-testid={props.testId}
    >
      {width > 0 ? <Bars {...props} width={width} /> : null}
    </div>
  );
}
