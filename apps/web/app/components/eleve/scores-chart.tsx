// Per-domain scores as horizontal bars, coloured by mastery level, drawn with visx: shapes
// and groups from @visx/shape and @visx/group, d3-scale's linear and band scales through
// @visx/vendor; the width follows the parent (ResizeObserver), down to a 360 px phone. Loaded
// lazily (React.lazy) so the chart stays out of the route's first bundle. The table beside it
// carries the same numbers for screen readers, so the chart is hidden from them and holds
// nothing focusable.
// Weight (gzipped, docs/decisions/0006): ≈ 11.5 KB. @visx/axis and @visx/text would bring a
// CSS calc() evaluator (≈ 23.5 KB in all), @visx/scale's factories every d3 interpolator and
// d3-time (≈ 16 KB), and the coach's review page must stay within 150 KB. So the labels are
// plain SVG text: the domain labels wrap on their column (wrapLabel), the value labels
// (« 100 % », non-breaking space) never do, the right margin keeping room after a full bar.
import type { DomainScore } from "@nexus/shared/results";
import { Group } from "@visx/group";
import { Bar, Line } from "@visx/shape";
import { scaleBand, scaleLinear } from "@visx/vendor/d3-scale";
import { useLayoutEffect, useRef, useState } from "react";
import { masteryColors } from "./mastery";

const FONT_SIZE = 12;
const LINE_HEIGHT = 14;
const BAR_HEIGHT = 24;
const AXIS_HEIGHT = 30;
const TICKS = [0, 25, 50, 75, 100];
const INK = "#0f172a"; // slate-900
const MUTED = "#475569"; // slate-600, 7.6:1 on white
const GRID = "#e2e8f0"; // slate-200
// Room after a full bar for « 100 % » (≈ 36 px at 12 px) and before the first label.
const MARGIN = { top: 4, right: 48, bottom: 4, gap: 10 } as const;

/** « 72 % », with a non-breaking space as French writes it, so that it never wraps. */
function percentLabel(value: number): string {
  return `${value}\u00a0%`;
}

/** The chart's height for `count` domains (the panels reserve the same before it loads). */
function chartHeight(count: number): number {
  return Math.max(160, count * 52 + 40);
}

let measureContext: CanvasRenderingContext2D | null | undefined;

/** Width of `text` at the chart's font size: canvas metrics, or an estimate without them. */
function textWidth(text: string): number {
  if (measureContext === undefined) {
    measureContext = document.createElement("canvas").getContext("2d");
    if (measureContext) {
      measureContext.font = `${FONT_SIZE}px ${getComputedStyle(document.body).fontFamily}`;
    }
  }
  return measureContext ? measureContext.measureText(text).width : text.length * FONT_SIZE * 0.58;
}

/** A domain label cut into lines of at most `maxWidth` pixels, at spaces; three lines at most
 * (a 52 px row), the table beside the chart keeping the whole label. */
function wrapLabel(label: string, maxWidth: number): string[] {
  const lines: string[] = [];
  for (const word of label.split(" ")) {
    const last = lines.at(-1);
    if (last !== undefined && textWidth(`${last} ${word}`) <= maxWidth) {
      lines[lines.length - 1] = `${last} ${word}`;
    } else {
      lines.push(word);
    }
  }
  if (lines.length <= 3) return lines;
  return [...lines.slice(0, 2), `${lines[2]}…`];
}

function Bars({
  domains,
  previous,
  width,
  height,
}: {
  domains: DomainScore[];
  previous?: Record<string, number>;
  width: number;
  height: number;
}) {
  // The label column: 130 px on a wide card, about a third of the width on a phone.
  const labelWidth = Math.min(130, Math.round(width * 0.34));
  const innerWidth = Math.max(0, width - labelWidth - MARGIN.right);
  const innerHeight = Math.max(0, height - MARGIN.top - MARGIN.bottom - AXIS_HEIGHT);
  const x = scaleLinear().domain([0, 100]).range([0, innerWidth]);
  const y = scaleBand()
    .domain(domains.map((domain) => domain.domainId))
    .range([0, innerHeight])
    .padding(0.2);
  const barHeight = Math.min(BAR_HEIGHT, y.bandwidth());
  return (
    <svg width={width} height={height} aria-hidden="true" focusable="false">
      <Group left={labelWidth} top={MARGIN.top}>
        {TICKS.map((tick) => (
          <Group key={tick} left={x(tick)}>
            <Line from={{ x: 0, y: 0 }} to={{ x: 0, y: innerHeight }} stroke={GRID} />
            <Line
              from={{ x: 0, y: innerHeight }}
              to={{ x: 0, y: innerHeight + 6 }}
              stroke={MUTED}
            />
            <text y={innerHeight + 20} textAnchor="middle" fontSize={FONT_SIZE} fill={MUTED}>
              {percentLabel(tick)}
            </text>
          </Group>
        ))}
        <Line
          from={{ x: 0, y: innerHeight }}
          to={{ x: innerWidth, y: innerHeight }}
          stroke={MUTED}
        />
        {domains.map((domain) => {
          const centre = (y(domain.domainId) ?? 0) + y.bandwidth() / 2;
          const barWidth = x(domain.percent);
          const lines = wrapLabel(domain.label, labelWidth - MARGIN.gap);
          const before = previous?.[domain.domainId];
          return (
            <Group key={domain.domainId} top={centre} data-chart-bar={domain.domainId}>
              <text
                x={-MARGIN.gap}
                y={(-(lines.length - 1) * LINE_HEIGHT) / 2}
                textAnchor="end"
                dominantBaseline="central"
                fontSize={FONT_SIZE}
                fill={MUTED}
              >
                {lines.map((line, index) => (
                  <tspan key={line} x={-MARGIN.gap} dy={index === 0 ? 0 : LINE_HEIGHT}>
                    {line}
                  </tspan>
                ))}
              </text>
              <Bar
                x={0}
                y={-barHeight / 2}
                width={barWidth}
                height={barHeight}
                rx={4}
                fill={masteryColors[domain.mastery]}
              />
              <text x={barWidth + 6} dominantBaseline="central" fontSize={FONT_SIZE} fill={INK}>
                {percentLabel(domain.percent)}
              </text>
              {before !== undefined ? (
                <Line
                  data-chart-previous={domain.domainId}
                  from={{ x: x(before), y: -barHeight / 2 - 4 }}
                  to={{ x: x(before), y: barHeight / 2 + 4 }}
                  stroke={INK}
                  strokeWidth={2.5}
                />
              ) : null}
            </Group>
          );
        })}
      </Group>
    </svg>
  );
}

/** The width of the element behind the ref, followed with a ResizeObserver (0 before layout). */
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

/**
 * `previous`: the previous bilan's percentage per domain still assessed, drawn as a dark tick
 * across the bar (the PDF report's « bilan précédent » mark).
 */
export default function ScoresChart({
  domains,
  previous,
}: {
  domains: DomainScore[];
  previous?: Record<string, number>;
}) {
  const height = chartHeight(domains.length);
  const [ref, width] = useWidth<HTMLDivElement>();
  return (
    <div
      ref={ref}
      aria-hidden="true"
      style={{ height }}
      className="w-full"
      data-testid="scores-chart"
    >
      {width > 0 ? (
        <Bars domains={domains} previous={previous} width={width} height={height} />
      ) : null}
    </div>
  );
}
